import { execFile } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/paths';
import { ASSETS } from './setup-paths';

const run = promisify(execFile);

/**
 * The real site, built (`vite build`) into `out` from the e2e assets (the static files and the
 * demo data), with `env` added: its base path, a DATA_URL, another SvelteKit working folder.
 * The data is not copied into the build (tests/e2e/vite.config.ts): with `data` given, the build's
 * `data/` is a link to that folder, which a static server serves as if copied.
 */
export async function viteBuild(
  out: string,
  env: Record<string, string> = {},
  data?: string,
): Promise<void> {
  await run('npx', ['vite', 'build', '--config', 'tests/e2e/vite.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, ASSETS_DIR: ASSETS, BUILD_DIR: out, ...env },
    maxBuffer: 64 * 2 ** 20,
  });
  if (!data) return;
  // (The build's own `data/` holds the files the prerendering fetched: copies of the same.)
  rmSync(path.join(out, 'data'), { recursive: true, force: true });
  symlinkSync(data, path.join(out, 'data'), 'dir');
}
