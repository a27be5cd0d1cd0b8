/**
 * bench:peers' page: answers one question over the site's published files with a peer engine,
 * DuckDB-WASM with the minimal SQL (duck.ts) or hyparquet, a pure-JS Parquet reader (hyp.ts), the
 * way a developer reusing the files would: the manifest first, then only the files and row groups
 * the question needs. `?engine=duckdb|hyparquet&q=<base64 JSON question>`; `window.__run()`
 * answers it (again, warm, on a second call) and returns the answer with its time. Each engine is
 * its own chunk: a page loads only the one it measures.
 */
import type { Manifest } from '../../../src/lib/schema/tables';
import type { Answer, Question } from './questions';

const params = new URLSearchParams(location.search);
const engine = params.get('engine');
const q = JSON.parse(
  new TextDecoder().decode(Uint8Array.from(atob(params.get('q') ?? ''), (c) => c.charCodeAt(0))),
) as Question;

let manifest: Promise<Manifest> | null = null;
const getManifest = () =>
  (manifest ??= fetch('/data/manifest.json').then((r) => r.json() as Promise<Manifest>));

(globalThis as { __run?: () => Promise<{ answer: Answer; ms: number }> }).__run = async () => {
  const t = performance.now();
  const m = await getManifest();
  const answer =
    engine === 'duckdb'
      ? await (await import('./duck')).answer(q, m)
      : await (await import('./hyp')).answer(q, m);
  return { answer, ms: performance.now() - t };
};
