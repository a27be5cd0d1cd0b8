import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// BASE_PATH: '' for a user site or localhost, '/repo-name' for a GitHub Pages project site.
// ASSETS_DIR / BUILD_DIR let tests build the same site over a dataset of their own without
// touching the developer's static/ and build/ folders.
const base = process.env.BASE_PATH ?? '';
if (base && !/^\/[\w.-]+(\/[\w.-]+)*$/.test(base)) {
  throw new Error(`BASE_PATH must look like "/repo-name" (got "${base}")`);
}
const assets = process.env.ASSETS_DIR ?? 'static';
const out = process.env.BUILD_DIR ?? 'build';
// KIT_OUT_DIR: SvelteKit's working folder (default .svelte-kit), so that the tests' two builds
// can run side by side.
const kitOut = process.env.KIT_OUT_DIR ?? '.svelte-kit';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    outDir: kitOut,
    adapter: adapter({ pages: out, assets: out, fallback: undefined, strict: true }),
    paths: { base, relative: false },
    files: { assets },
    prerender: {
      // The English pages are reached through the language switch; list them so that a
      // build never depends on a link being present.
      entries: [
        '*',
        '/en',
        '/en/explore',
        '/agency',
        '/vendor',
        '/project',
        '/en/agency',
        '/en/vendor',
        '/en/project',
        '/dataset',
        '/en/dataset',
        '/chart',
        '/en/chart',
        '/sql',
        '/en/sql',
        '/new',
        '/en/new',
        '/following',
        '/en/following',
      ],
      handleHttpError: 'fail',
    },
  },
};

export default config;
