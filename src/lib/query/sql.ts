/**
 * The one door for SQL text: bound parameters for every value, manifest paths (checked safe) for
 * files, and literal numbers only from `sqlNumber`. Pure: no DuckDB, no Svelte.
 */
import { isSafePath, type ManifestFile } from '../schema/tables';

export type Param = string | number | boolean | null;
export interface Sql {
  sql: string;
  params: Param[];
}

/**
 * Several selects of the same columns as one query (`UNION ALL`), their parameters in order:
 * each keeps its own literal bounds, so each reads only its own row groups, and the engine's
 * fixed cost per query is paid once.
 */
export function unionAll(parts: readonly Sql[]): Sql {
  if (parts.length === 0) throw new Error('nothing to select');
  return {
    sql: parts.map((x) => (parts.length > 1 ? `(${x.sql})` : x.sql)).join(' UNION ALL '),
    params: parts.flatMap((x) => x.params),
  };
}

/** A Parquet scan over manifest files. Paths are validated, never user text. */
export function parquet(files: readonly ManifestFile[]): string {
  if (files.length === 0) throw new Error('no file to read');
  for (const f of files) if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
  return `read_parquet([${files.map((f) => `'${f.path}'`).join(', ')}])`;
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * A number written into SQL text. Only for the pruning bounds below: DuckDB-WASM 1.28 (DuckDB
 * 0.9) does not push bound parameters into a Parquet scan, so without a literal range it reads
 * every row group (measured: 30 MB instead of 1.6 MB for one agency's year at 6M rows). Only
 * finite numbers our own code produced get here; text never does.
 */
export function sqlNumber(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`not a number: ${String(n)}`);
  return String(n);
}

/**
 * An amount (DECIMAL(18,2), as the engine returns it as text) written into SQL text, for the same
 * reason: a pruning bound on a money column (`agency-page.ts`). Anything but a plain decimal
 * number is refused.
 */
export function sqlAmount(text: string): string {
  if (!/^-?\d{1,16}(\.\d{1,2})?$/.test(text)) throw new Error(`not an amount: ${text}`);
  return `${text}::DECIMAL(18,2)`;
}

/**
 * A file's `project_seq` range (the manifest's `seq_min` and `seq_max`) as a literal condition:
 * which of a search's hits lie in that file's fiscal year.
 */
export function seqBetween(f: ManifestFile): string {
  return `project_seq BETWEEN ${sqlNumber(f.seq_min!)} AND ${sqlNumber(f.seq_max!)}`;
}

export function inList(col: string, ids: readonly number[], params: Param[]): string {
  if (ids.length === 0) return 'FALSE';
  // The literal range lets DuckDB skip row groups by their statistics; membership itself is
  // decided by the bound list.
  params.push(...ids);
  const range = `${col} BETWEEN ${sqlNumber(Math.min(...ids))} AND ${sqlNumber(Math.max(...ids))}`;
  return `${range} AND ${col} IN (${placeholders(ids.length)})`;
}

export function range<T extends Param>(
  col: string,
  [lo, hi]: [T | null, T | null],
  params: Param[],
  cast = '',
): string {
  const parts: string[] = [];
  if (lo !== null) {
    parts.push(`${col} >= ?${cast}`);
    params.push(lo);
  }
  if (hi !== null) {
    parts.push(`${col} <= ?${cast}`);
    params.push(hi);
  }
  return parts.join(' AND ') || 'TRUE';
}

export function likeText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
