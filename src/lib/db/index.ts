/**
 * Queries for the site. SQL text comes from src/lib/query (identifiers from the schema only);
 * values always travel as bound parameters.
 */
import type { Param } from '../query/sql';
import type { ManifestFile } from '../schema/tables';
import { checkRangeServing, DataError, dataUrl } from './dataset';
import { engine, engineStopped, runPrepared, type Engine } from './engine';
import { warmUp } from './warmup';

export { fetchManifest, newerSnapshot, tableFiles } from './dataset';

const registered = new Map<string, Promise<void>>();
/** The engine being warmed up (warmup.ts), once per engine. */
let warming: Engine | null = null;
engineStopped.add(() => {
  registered.clear();
  warming = null;
});

/** Data files checked and opened so far in this page (for the loading message). */
export const fileProgress = { opened: 0, listeners: new Set<() => void>() };

/** Check and register each file once per page; DuckDB then reads it by its manifest path. */
export function ensureFile(file: ManifestFile): Promise<void> {
  let p = registered.get(file.path);
  if (!p) {
    p = (async () => {
      await checkRangeServing(file);
      const { db, httpProtocol } = await engine();
      await db.registerFileURL(file.path, dataUrl(file.path), httpProtocol, false);
      fileProgress.opened++;
      for (const f of fileProgress.listeners) f();
    })();
    p.catch(() => registered.delete(file.path));
    registered.set(file.path, p);
  }
  return p;
}

/** A query's text and when it was sent and answered (performance.now() ms). */
export interface QueryTime {
  sql: string;
  start: number;
  end: number;
}

/**
 * Where each query's time is written, only when the page set it up (bench:explore --queries sets
 * `globalThis.__queryTimes = []` before the page loads); otherwise nothing is kept.
 */
function queryTimes(): QueryTime[] | undefined {
  return (globalThis as { __queryTimes?: QueryTime[] }).__queryTimes;
}

/** While queries are timed, they run one after another, so each time is that query's own. */
let timedTail: Promise<unknown> = Promise.resolve();

/** Queries sent and not answered yet. */
const inFlight = new Set<Promise<unknown>>();

/** Settles when every query in flight now is answered (not those sent after). */
export function afterInFlight(): Promise<unknown> {
  return Promise.allSettled([...inFlight]);
}

export function query<T = Record<string, unknown>>(
  sql: string,
  params: readonly Param[],
  files: readonly ManifestFile[],
): Promise<T[]> {
  const p = sent<T>(sql, params, files);
  inFlight.add(p);
  const done = () => inFlight.delete(p);
  p.then(done, done);
  return p;
}

async function sent<T>(
  sql: string,
  params: readonly Param[],
  files: readonly ManifestFile[],
): Promise<T[]> {
  const e = await engine();
  const { conn } = e;
  if (warming !== e) {
    warming = e;
    void warmUp(e, { inFlight, settled: afterInFlight, live: () => warming === e });
  }
  await Promise.all(files.map(ensureFile));
  const run = async () => {
    const start = performance.now();
    try {
      return await runPrepared<T>(conn, sql, params);
    } finally {
      queryTimes()?.push({ sql, start, end: performance.now() });
    }
  };
  const explained = () => run().catch((e: unknown) => explainReadError(e, files));
  if (!queryTimes()) return explained();
  const p = timedTail.then(explained, explained);
  timedTail = p.catch(() => undefined);
  return p;
}

/** DuckDB's words for a file it could not read over HTTP (rather than a SQL error). */
const READ_FAILURE = /HTTP|Opening file|NetworkError|IO Error|Failed to fetch|Range/i;

/**
 * A read that failed part-way: check the query's files again, as the host serves them now, so the
 * reader gets one plain sentence (the file, the status, what to do) rather than DuckDB's text.
 */
async function explainReadError(e: unknown, files: readonly ManifestFile[]): Promise<never> {
  const message = e instanceof Error ? e.message : String(e);
  if (!READ_FAILURE.test(message)) throw e;
  for (const f of files) {
    try {
      await checkRangeServing(f);
    } catch (checked) {
      if (checked instanceof DataError) throw checked;
    }
  }
  const names = files.map((f) => f.path.split('/').slice(-2).join('/'));
  throw new DataError(
    `reading ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} failed part-way (the connection was cut, or the host failed mid-read); the host answers correctly now: reload the page`,
  );
}

// With timing set up (benchmarks only), the page's query function, to replay a view's SQL
// (bench:batch).
if (queryTimes()) (globalThis as { __query?: typeof query }).__query = query;
