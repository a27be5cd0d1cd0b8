/**
 * Lookups by key: agencies and vendors by name, key or id, the small dimension tables, names and
 * details by `project_seq`, one project and its contracts. Pure text and parameters.
 */
import { rowGroupRows, TABLES, type ManifestFile, type TableName } from '../schema/tables';
import { inList, likeText, parquet, sqlNumber, unionAll, type Param, type Sql } from './sql';

export function agencyIdsSql(
  agencies: readonly ManifestFile[],
  nameOrKey: string,
  sub: string | null,
): Sql {
  return {
    sql: `SELECT agency_id FROM ${parquet(agencies)}
      WHERE (dept_name = ? OR agency_key = ?) AND (?::VARCHAR IS NULL OR dept_sub_name = ?)
      ORDER BY agency_id`,
    params: [nameOrKey, nameOrKey, sub, sub],
  };
}

/** Agencies whose name or sub-unit contains the typed text, told apart by sub-unit and province. */
export function agencySuggestSql(
  agencies: readonly ManifestFile[],
  text: string,
  limit: number,
): Sql {
  return {
    sql: `SELECT agency_key, dept_name, dept_sub_name, province FROM ${parquet(agencies)}
      WHERE dept_name LIKE ? ESCAPE '\\' OR dept_sub_name LIKE ? ESCAPE '\\'
      ORDER BY dept_name, dept_sub_name NULLS FIRST, province NULLS FIRST LIMIT ${Number(limit)}`,
    params: [likeText(text), likeText(text)],
  };
}

/**
 * A vendor's id by TIN or key, from `vendor_keys`. The key itself is only a bound parameter.
 * Pruning needs a literal, and DuckDB keeps only 8 bytes of a string's min/max (`tin:0105…`
 * matches half the file), so `vendor_keys` carries the TIN as a number (0 for a name key) and a
 * tax-id key (validated digits only) is written as a literal range of it: one small row group.
 */
export function vendorLookupSql(keys: readonly ManifestFile[], key: string): Sql {
  const tin = /^tin:(\d{13})$/.exec(key)?.[1];
  const n = sqlNumber(tin ? Number(tin) : 0);
  return {
    sql: `SELECT vendor_id FROM ${parquet(keys)} WHERE tin_number BETWEEN ${n} AND ${n} AND vendor_key = ?`,
    params: [key],
  };
}

export function vendorSuggestSql(
  vendors: readonly ManifestFile[],
  text: string,
  limit: number,
): Sql {
  return {
    sql: `SELECT vendor_key, tin, name FROM ${parquet(vendors)}
      WHERE name LIKE ? ESCAPE '\\' OR name_norm LIKE ? ESCAPE '\\' OR tin LIKE ? ESCAPE '\\'
      ORDER BY name, vendor_key LIMIT ${Number(limit)}`,
    params: [likeText(text), likeText(text), likeText(text)],
  };
}

/** A small dimension table, whole (a facet's options). */
export function dimensionSql(files: readonly ManifestFile[]): Sql {
  return { sql: `SELECT * FROM ${parquet(files)}`, params: [] };
}

/**
 * Rows of `project_names` (the names of the rows on screen) or `details` (one project's text) by
 * `project_seq`. Both are stored in seq order: the rows' seq range (literal) prunes row groups,
 * and the rows are matched by seq alone, so a names lookup reads the name column and not the ids.
 */
export function bySeqSql(
  files: readonly ManifestFile[],
  rows: readonly { project_seq: number }[],
): Sql {
  const params: Param[] = [];
  const seqs = inList('project_seq', [...new Set(rows.map((r) => r.project_seq))], params);
  return { sql: `SELECT * FROM ${parquet(files)} WHERE ${seqs}`, params };
}

/**
 * Names of a vendor's projects on screen from its copy of the contracts, which the vendor's view
 * has just read: no footer or row group of `project_names` to fetch.
 */
export function vendorNamesSql(
  files: readonly ManifestFile[],
  vendors: readonly number[],
  rows: readonly { project_seq: number }[],
): Sql {
  const params: Param[] = [];
  const byVendor = inList('vendor_id', vendors, params);
  const seqs = inList('project_seq', [...new Set(rows.map((r) => r.project_seq))], params);
  return {
    sql: `SELECT project_seq, any_value(project_name) AS project_name FROM ${parquet(files)}
      WHERE ${byVendor} AND ${seqs} GROUP BY project_seq`,
    params,
  };
}

/** Items grouped so that each group's keys lie within `span` of its smallest. */
export function byProximity<T>(items: T[], key: (x: T) => number, span: number): T[][] {
  const groups: T[][] = [];
  for (const x of [...items].sort((a, b) => key(a) - key(b))) {
    const last = groups.at(-1);
    if (last && key(x) - key(last[0]!) < span) last.push(x);
    else groups.push([x]);
  }
  return groups;
}

/** The columns of an agency or a vendor that a lookup by id returns. */
export const BY_ID_COLUMNS = {
  vendor_id: [
    'vendor_id',
    'vendor_key',
    'tin',
    'tin_status',
    'name',
    'linked_contracts',
    'name_tins',
  ],
  agency_id: ['agency_id', 'agency_key', 'dept_name', 'dept_sub_name', 'province'],
} as const;

/**
 * Agencies or vendors by id, in one query. Ids far apart are asked in groups of nearby ids, each
 * with its own literal range (a small row group each; the tables are ordered by id), where one
 * range over all of them read every group between: an agency's ten winners' names read 1.4 MB of
 * `vendors` at 6M rows.
 */
export function byIdsSql(
  files: readonly ManifestFile[],
  col: 'agency_id' | 'vendor_id',
  ids: readonly number[],
): Sql {
  const cols = BY_ID_COLUMNS[col].join(', ');
  const one = (group: readonly number[]): Sql => {
    const params: Param[] = [];
    return {
      sql: `SELECT ${cols} FROM ${parquet(files)} WHERE ${inList(col, group, params)}`,
      params,
    };
  };
  const span = files[0] ? rowGroupRows(files[0].table as TableName) : 1;
  const groups = byProximity([...new Set(ids)], (id) => id, span);
  return groups.length > 1 ? unionAll(groups.map(one)) : one(ids);
}

/**
 * A project id as `project_ids.id_number` holds it (the ingest's stages/facts.ts): its digits as a
 * number, 0 for an id that is not 1–15 digits (the ids of an OCDS source, say, share the 0 groups).
 */
export function projectIdNumber(projectId: string): number {
  return /^\d{1,15}$/.test(projectId) ? Number(projectId) : 0;
}

/**
 * A project's `project_seq` by its id, from a year's `project_ids` (schema 26): the id's number as
 * a literal range prunes to one small row group; the id itself is only a bound parameter.
 */
export function projectSeqSql(files: readonly ManifestFile[], projectId: string): Sql {
  const n = sqlNumber(projectIdNumber(projectId));
  return {
    sql: `SELECT project_seq FROM ${parquet(files)} WHERE id_number BETWEEN ${n} AND ${n} AND project_id = ?`,
    params: [projectId],
  };
}

/** A literal seq range of one project: the facts are stored in seq order, so it prunes to a group. */
export const oneSeq = (seq: number) =>
  `project_seq BETWEEN ${sqlNumber(seq)} AND ${sqlNumber(seq)}`;

/** One project's row and its contracts, by its `project_seq` (one row group of each file). */
export function projectSql(files: readonly ManifestFile[], seq: number): Sql {
  return {
    sql: `SELECT * EXCLUDE (project_seq) REPLACE (${PROJECT_TEXT.map(asText).join(', ')})
      FROM ${parquet(files)} WHERE ${oneSeq(seq)}`,
    params: [],
  };
}

/** A project's contracts as its page lists them (dates and money as text). */
export const PROJECT_CONTRACT_COLUMNS = [
  'vendor_id',
  'contract_no',
  'contract_date',
  'contract_finish_date',
  'price_agree',
  'status_id',
] as const;
/** Columns a lookup returns as text: dates and money (DECIMAL), exact. */
export const AS_TEXT: ReadonlySet<string> = new Set([
  'budget',
  'price_build',
  'agreed',
  'price_agree',
  'announce_date',
  'transaction_date',
  'contract_date',
  'contract_finish_date',
]);
/** Of a project's columns (every one of its file's, `SELECT *`), those given as text. */
const PROJECT_TEXT = TABLES.projects.filter((c) => AS_TEXT.has(c));
const asText = (c: string) => (AS_TEXT.has(c) ? `${c}::VARCHAR AS ${c}` : c);

export function projectContractsSql(files: readonly ManifestFile[], seq: number): Sql {
  return {
    sql: `SELECT ${PROJECT_CONTRACT_COLUMNS.map(asText).join(', ')}
      FROM ${parquet(files)} WHERE ${oneSeq(seq)}
      ORDER BY contract_no NULLS LAST, vendor_id`,
    params: [],
  };
}
