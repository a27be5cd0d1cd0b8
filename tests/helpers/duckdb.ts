/** Native DuckDB for expected answers: the same engine family, computing independently. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let conn: Promise<DuckDBConnection> | null = null;

export function native(): Promise<DuckDBConnection> {
  conn ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return conn;
}

export async function rows(sql: string, params: (string | number | boolean | null)[] = []) {
  const c = await native();
  const r = await c.runAndReadAll(sql, params);
  return r.getRowObjectsJson() as Record<string, string | number | boolean | null>[];
}

/** Escape a file path for a SQL string literal in test queries. */
export function lit(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}
