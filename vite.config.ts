import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// DATA_URL: serve the manifest and Parquet from another origin (object storage or a CDN with
// CORS and Range) when the data outgrows GitHub Pages. Empty: `<base>/data/` on the site itself.
const dataUrl = process.env.DATA_URL ?? '';
if (dataUrl && !/^https?:\/\/[^/]+(\/.*)?$/.test(dataUrl)) {
  throw new Error(`DATA_URL must be an http(s) URL (got "${dataUrl}")`);
}

export default defineConfig({
  plugins: [sveltekit()],
  define: { __DATA_URL__: JSON.stringify(dataUrl) },
  // DuckDB-WASM ships its own workers and wasm; let Vite copy them as assets instead of
  // pre-bundling them (they are imported with ?url, see src/lib/db/bundles.ts).
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  server: { fs: { allow: ['..'] } },
});
