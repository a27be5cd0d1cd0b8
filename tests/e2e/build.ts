import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/paths';
import { ASSETS } from './setup-paths';

const run = promisify(execFile);

/**
 * The real site, built (`vite build`) into `out` from the e2e assets (the static files and the
 * demo data), with `env` added: its base path, a DATA_URL, another SvelteKit working folder.
 */
export async function viteBuild(out: string, env: Record<string, string> = {}): Promise<void> {
  await run('npx', ['vite', 'build'], {
    cwd: ROOT,
    env: { ...process.env, ASSETS_DIR: ASSETS, BUILD_DIR: out, ...env },
    maxBuffer: 64 * 2 ** 20,
  });
}
