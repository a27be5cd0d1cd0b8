/**
 * The tests' builds: the app's Vite config, with the data left out of the output. Vite would
 * copy the demo data's ~18,000 files (the assets folder's `data/`) into the client output, and
 * adapter-static again into the build, in every build: ~10 s of a ~20 s build. The prerendering
 * reads the data where it is (`kit.files.assets`); `build.ts` links it into the build.
 */
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mergeConfig, type Plugin } from 'vite';
import app from '../../vite.config.ts';

function dataLeftOut(): Plugin {
  let client: string | null = null;
  return {
    name: 'data-left-out',
    // After SvelteKit's config, which asks for the whole copy.
    enforce: 'post',
    config: () => ({ build: { copyPublicDir: false } }),
    configResolved(c) {
      client = c.build.ssr ? null : path.resolve(c.root, c.build.outDir);
    },
    // The other static files, as Vite copies them (the prerendering checks what pages link to).
    writeBundle() {
      const assets = process.env.ASSETS_DIR;
      if (!client || !assets) return;
      for (const f of readdirSync(assets)) {
        if (f !== 'data') cpSync(path.join(assets, f), path.join(client, f), { recursive: true });
      }
    },
  };
}

export default mergeConfig(app, { plugins: [dataLeftOut()] });
