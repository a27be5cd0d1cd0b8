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

/** Run `sql` once as a prepared statement with its bound `params`; its rows as plain objects. */
export async function runPrepared<T>(
  conn: AsyncDuckDBConnection,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const stmt = await conn.prepare(sql);
  try {
    const table = await stmt.query(...params);
    return table.toArray().map((row: { toJSON(): unknown }) => row.toJSON() as T);
  } finally {
    await stmt.close();
  }
}

/** Bytes of the engine's wasm loaded so far (for the loading message); total 0 when unknown. */
export const engineProgress = { loaded: 0, total: 0, listeners: new Set<() => void>() };

export function engine(): Promise<Engine> {
  starting ??= start().catch((e: unknown) => {
    starting = null; // allow a retry after a failed start (e.g. offline)
    throw e;
  });
  return starting;
}

/** Called when the engine is stopped, so what was registered in it is registered again. */
export const engineStopped = new Set<() => void>();

/**
 * Stop the engine at once (its worker is terminated, whatever it is computing); the next query
 * starts a fresh one. The SQL console's last resort for a query that does not stop when asked.
 */
export async function stopEngine(): Promise<void> {
  const running = starting;
  starting = null;
  const e = await running?.catch(() => null);
  await e?.db.terminate().catch(() => undefined);
  for (const f of engineStopped) f();
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
  // Readers' own queries run here too (/sql): the engine never fetches an extension from another
  // origin, and no later statement may change a setting (the console refuses SET as well).
  await conn.query(`SET autoinstall_known_extensions = false`);
  await conn.query(`SET autoload_known_extensions = false`);
  await conn.query(`SET lock_configuration = true`);
  return { db, conn, httpProtocol: duckdb.DuckDBDataProtocol.HTTP };
}
