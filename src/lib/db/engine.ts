/**
 * The only code that starts DuckDB-WASM. One instance per page, in its Web Worker, started on the
 * first query behind one memoised promise. The library itself is imported dynamically so the
 * prerender pass and the landing page never load it.
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';

export interface Engine {
  db: AsyncDuckDB;
  conn: AsyncDuckDBConnection;
  /** DuckDBDataProtocol.HTTP, kept here so callers need not import the library. */
  httpProtocol: number;
}

let starting: Promise<Engine> | null = null;

/** Bytes of the engine's wasm loaded so far (for the loading message); total 0 when unknown. */
export const engineProgress = { loaded: 0, total: 0, listeners: new Set<() => void>() };

export function engine(): Promise<Engine> {
  starting ??= start().catch((e: unknown) => {
    starting = null; // allow a retry after a failed start (e.g. offline)
    throw e;
  });
  return starting;
}

async function start(): Promise<Engine> {
  const duckdb = await import('@duckdb/duckdb-wasm');
  const { BUNDLES } = await import('./bundles');
  // `eh` (wasm exceptions) where the browser supports it, else `mvp`.
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker, (p) => {
    engineProgress.loaded = p.bytesLoaded;
    engineProgress.total = p.bytesTotal;
    for (const f of engineProgress.listeners) f();
  });
  await db.open({
    query: { castBigIntToDouble: true },
    // Never fall back to downloading whole files: a host without Range support is an error.
    filesystem: { allowFullHTTPReads: false },
  });
  const conn = await db.connect();
  // Without these each query re-reads Parquet footers over the network (design-notes.md).
  await conn.query(`SET enable_http_metadata_cache = true`);
  await conn.query(`SET enable_object_cache = true`);
  return { db, conn, httpProtocol: duckdb.DuckDBDataProtocol.HTTP };
}
