/** Stage: write every table as zstd Parquet, split as schema/tables.ts says, and list the files. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  HISTORY_TABLES,
  MAX_ROWS_PER_FILE,
  rowGroupRows,
  SORT_KEYS,
  SPLIT,
  TABLES,
  type TableName,
} from '../../../src/lib/schema/tables.ts';
import { dropStatistics } from '../footer.ts';
import { sqlString } from '../rules.ts';
import type { StageDb, WrittenFile } from './db.ts';

/** `projects/fy2567.parquet`, `details/fy2567-part-001.parquet`, `contracts_by_vendor/part-003.parquet`. */
function fileName(table: TableName, fy: number | null, part: number, parts: number): string {
  const n = `part-${String(part).padStart(3, '0')}`;
  if (SPLIT[table] === 'key' || SPLIT[table] === 'value') return `${table}/${n}.parquet`;
  if (fy === null) return `${table}.parquet`;
  return parts === 1 ? `${table}/fy${fy}.parquet` : `${table}/fy${fy}-${n}.parquet`;
}

/** A table's parts before any cut by rows: per fiscal year, per value of its first column, or one. */
async function slicesOf(
  db: StageDb,
  table: TableName,
  years: readonly number[],
): Promise<{ fy: number | null; part: number; where: string }[]> {
  if (SPLIT[table] === 'year')
    return years.map((fy) => ({ fy, part: 0, where: `fiscal_year = ${Number(fy)}` }));
  if (SPLIT[table] !== 'value') return [{ fy: null, part: 0, where: 'TRUE' }];
  const key = TABLES[table][0];
  return (await db.rows(`SELECT DISTINCT ${key}::VARCHAR AS v FROM ${table} ORDER BY 1`)).map(
    (x, part) => ({ fy: null, part, where: `${key} = ${sqlString(String(x.v))}` }),
  );
}

/**
 * Write every table (schema/tables.ts says how each splits). Facts and details are sorted by
 * agency within a year so row-group statistics prune agency filters (details in smaller row
 * groups, for lookups of the rows on screen); the vendor copy by vendor.
 */
export async function writeTables(
  db: StageDb,
  dir: string,
  maxRows: Partial<Record<TableName, number>> = MAX_ROWS_PER_FILE,
): Promise<WrittenFile[]> {
  db.stage('writing Parquet');
  const out: WrittenFile[] = [];
  const years = (await db.rows(`SELECT DISTINCT fiscal_year AS y FROM projects ORDER BY 1`)).map(
    (x) => Number(x.y),
  );
  for (const table of Object.keys(TABLES) as TableName[]) {
    if (HISTORY_TABLES.includes(table)) continue;
    const columns = TABLES[table] as readonly string[];
    const keys = [
      ...(SORT_KEYS[table] ??
        (SPLIT[table] === 'year' ? ['agency_id', 'project_id'] : [columns[0]!])),
    ];
    // Rows that tie on the keys (contracts of one project) are ordered by every other column too,
    // or the same inputs would not give the same snapshot. Projects, details, names and ids have
    // one row per project id, so their keys alone decide.
    const unique = ['projects', 'details', 'project_names', 'project_ids'].includes(table);
    const order = [...keys, ...(unique ? [] : columns.filter((c) => !keys.includes(c)))]
      .map((c) => `${c} NULLS FIRST`)
      .join(', ');
    for (const slice of await slicesOf(db, table, years)) {
      const total = await db.scalar(`SELECT count(*) FROM ${table} WHERE ${slice.where}`);
      const max = maxRows[table] ?? Infinity;
      // Files too big to be one are cut between values of the first key (a vendor's contracts
      // stay in one file), found with windows over the distinct keys only. A key with a quarter
      // of a file's rows or more (the busiest vendors) is a file of its own: DuckDB-WASM's
      // read-ahead grows to 16 MB blocks while it scans one key's rows, and only a file's end
      // stops it (the busiest vendor at the start of a shared file read 23 MB for its 9 MB).
      let parts = 1;
      if (total > max) {
        await db.run(`CREATE OR REPLACE TABLE _cuts AS
          SELECT min(k) AS lo, max(k) AS hi FROM (
            SELECT k, seg, (sum(n) OVER (PARTITION BY seg ORDER BY k) - n) // ${max} AS sub FROM (
              SELECT k, n, sum(start::INTEGER) OVER (ORDER BY k) AS seg FROM (
                SELECT k, n, n >= ${max / 4} OR lag(n >= ${max / 4}, 1, true) OVER (ORDER BY k) AS start
                FROM (SELECT ${keys[0]} AS k, count(*) AS n FROM ${table} WHERE ${slice.where} GROUP BY 1))))
          GROUP BY seg, sub`);
        await db.run(
          `CREATE OR REPLACE TABLE _cuts AS SELECT row_number() OVER (ORDER BY lo) - 1 AS part, lo, hi FROM _cuts`,
        );
        parts = await db.scalar(`SELECT count(*) FROM _cuts`);
      }
      // The parts that hold one key's rows alone (a busy vendor's file), asked once per slice.
      const ownFiles = new Set(
        parts > 1
          ? (await db.rows(`SELECT part FROM _cuts WHERE lo = hi`)).map((r) => Number(r.part))
          : [],
      );
      for (let part = 0; part < parts; part++) {
        const rel = fileName(table, slice.fy, slice.part + part, parts);
        await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
        const inPart =
          parts > 1
            ? ` AND ${keys[0]} BETWEEN (SELECT lo FROM _cuts WHERE part = ${part}) AND (SELECT hi FROM _cuts WHERE part = ${part})`
            : '';
        const rows = `SELECT ${columns.join(', ')} FROM ${table} WHERE ${slice.where}${inPart} ORDER BY ${order}`;
        const rowGroup = rowGroupRows(table, ownFiles.has(part));
        // Parquet format v2: sorted integers take delta encoding (the word index's postings
        // take half a byte a row instead of three; project_seq in the facts almost nothing).
        // DuckDB-WASM 1.28 reads it: every column of a year's files read back identical.
        await db.run(
          `COPY (${rows}) TO ${sqlString(path.join(dir, rel))} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE ${rowGroup}, PARQUET_VERSION V2)`,
        );
        const seq = columns.includes('project_seq') && SPLIT[table] === 'year';
        // (`project_names` is cut by the agencies of `details` but holds no agency column.)
        const keyed = columns.includes(keys[0]!);
        const range = (
          await db.rows(
            `SELECT ${keyed ? `min(${keys[0]})::VARCHAR` : 'NULL'} AS lo, ${keyed ? `max(${keys[0]})::VARCHAR` : 'NULL'} AS hi, count(*) AS n,
               ${seq ? 'min(project_seq)' : 'NULL'} AS seq_lo, ${seq ? 'max(project_seq)' : 'NULL'} AS seq_hi
             FROM read_parquet(${sqlString(path.join(dir, rel))})`,
          )
        )[0]!;
        // (A file without rows has no row group to take them from.)
        if (Number(range.n) > 0) await dropStatistics(path.join(dir, rel), table, columns);
        out.push({
          table,
          fiscal_year: slice.fy,
          path: rel,
          rows: Number(range.n),
          ...((parts > 1 || SPLIT[table] === 'key' || SPLIT[table] === 'value') && keyed
            ? { key_min: range.lo as string | null, key_max: range.hi as string | null }
            : {}),
          ...(seq ? { seq_min: Number(range.seq_lo), seq_max: Number(range.seq_hi) } : {}),
        });
      }
    }
  }
  return out;
}
