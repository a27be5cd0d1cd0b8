/** bench:peers: DuckDB-WASM (the `eh` build, as the site uses) with the minimal SQL. */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import type { Manifest, ManifestFile } from '../../../src/lib/schema/tables';
import { answerSql, type Answer, type Question } from './questions';

const registered = new Set<string>();
async function start() {
  const worker = new Worker(ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(ehWasm);
  await db.open({ query: { castBigIntToDouble: true } });
  const c = await db.connect();
  await c.query(`SET enable_http_metadata_cache = true`);
  await c.query(`SET enable_object_cache = true`);
  return { db, c };
}
let dbh: Promise<{ db: duckdb.AsyncDuckDB; c: duckdb.AsyncDuckDBConnection }> | null = null;
async function sql(list: ManifestFile[], text: (from: string) => string, args: unknown[] = []) {
  dbh ??= start();
  const { db, c } = await dbh;
  for (const f of list) {
    if (registered.has(f.path)) continue;
    const url = new URL(`/data/${f.path}`, location.href).href;
    await db.registerFileURL(f.path, url, duckdb.DuckDBDataProtocol.HTTP, false);
    registered.add(f.path);
  }
  const from = `read_parquet([${list.map((f) => `'${f.path}'`).join(', ')}])`;
  const st = await c.prepare(text(from));
  const res = await st.query(...args);
  const out = res.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
  await st.close();
  return out;
}

export const answer = (q: Question, m: Manifest): Promise<Answer> => answerSql(q, m, sql);
