/** Native DuckDB for expected answers: the same engine family, computing independently. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | null = null;
let conn: Promise<DuckDBConnection> | null = null;

/**
 * One thread, as the site's DuckDB-WASM has: the tests' two workers already fill both cores, and a
 * second thread here cost about 17% more CPU (headline, sql and export tests: 93 → 77 CPU
 * seconds, 54 → 48 s; docs/benchmarks.md, the test suite).
 */
function db(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '1' });
  return instance;
}

export function native(): Promise<DuckDBConnection> {
  conn ??= db().then((d) => d.connect());
  return conn;
}

/** A connection of its own (settings such as file_search_path are per connection). */
export async function ownConnection(): Promise<DuckDBConnection> {
  return (await db()).connect();
}

export type Value = string | number | boolean | null;

export async function rowsOn(c: DuckDBConnection, sql: string, params: Value[] = []) {
  const r = await c.runAndReadAll(sql, params);
  return r.getRowObjectsJson() as Record<string, Value>[];
}

export async function rows(sql: string, params: Value[] = []) {
  return rowsOn(await native(), sql, params);
}

/** Escape a file path for a SQL string literal in test queries. */
export function lit(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}
