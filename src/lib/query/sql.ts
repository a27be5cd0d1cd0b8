/**
 * Filters → SQL text + bound parameters. Pure: no DuckDB, no Svelte. Table files come from the
 * manifest (checked safe paths), identifiers from the schema; every value is a `?` parameter.
 *
 * Every number on the explorer is an aggregate over one of several sources that hold the same
 * facts at different grains. `plan()` picks the smallest source that has every filtered and
 * grouped dimension and every measure: the pre-aggregates when they can answer, the project facts
 * otherwise, and contract rows (ordered by vendor when a vendor is chosen) when a filter is about
 * contracts. Project money is counted once per project in every source.
 */
import { isSafePath, type ManifestFile, type TableName } from '../schema/tables';
import type { Sort } from './filters';
import { hitsTable, type SearchHits } from './hits';

export type Param = string | number | boolean | null;
export interface Sql {
  sql: string;
  params: Param[];
}

/** A Parquet scan over manifest files. Paths are validated, never user text. */
export function parquet(files: readonly ManifestFile[]): string {
  if (files.length === 0) throw new Error('no file to read');
  for (const f of files) if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
  return `read_parquet([${files.map((f) => `'${f.path}'`).join(', ')}])`;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Filters with names resolved to the snapshot's integer ids (null: no filter on it). */
export interface Resolved {
  fy: number[];
  agency: number[] | null;
  province: number[] | null;
  /** `nulls`: also projects with no method (the `unknown` bucket). */
  method: { ids: number[]; nulls: boolean } | null;
  type: number[] | null;
  status: number[] | null;
  vendor: number[] | null;
  budget: [number | null, number | null] | null;
  contract: [number | null, number | null] | null;
  date: [string | null, string | null] | null;
  /** A keyword search's hits (a table the search made; see search.ts). */
  search: SearchHits | null;
  /** Projects flagged by the chosen integrity flags (a table; see flags.ts). */
  flag: SearchHits | null;
}

export const NOTHING: Resolved = {
  fy: [],
  agency: null,
  province: null,
  method: null,
  type: null,
  status: null,
  vendor: null,
  budget: null,
  contract: null,
  date: null,
  search: null,
  flag: null,
};

export type Dim = Exclude<keyof Resolved, never>;
/** Dimensions that only contract rows hold. */
const CONTRACT_DIMS: readonly Dim[] = ['vendor', 'contract', 'date'];

export type Group =
  | 'fiscal_year'
  | 'agency_id'
  | 'method_id'
  | 'type_id'
  | 'province_id'
  | 'status_id'
  | 'vendor_id'
  | 'month';
const GROUP_DIM: Record<Group, Dim | 'month'> = {
  fiscal_year: 'fy',
  agency_id: 'agency',
  method_id: 'method',
  type_id: 'type',
  province_id: 'province',
  status_id: 'status',
  vendor_id: 'vendor',
  month: 'month',
};

export type Measure = 'projects' | 'budget' | 'ref_price' | 'ref_agreed' | 'contracts' | 'agreed';
export const PROJECT_MEASURES: readonly Measure[] = [
  'projects',
  'budget',
  'ref_price',
  'ref_agreed',
];
export const CONTRACT_MEASURES: readonly Measure[] = ['contracts', 'agreed'];

export type Source = Extract<
  TableName,
  | 'agg_cube'
  | 'agg_agency_year'
  | 'agg_vendor_year'
  | 'agg_month'
  | 'projects'
  | 'contracts'
  | 'contracts_by_vendor'
>;

const ALL_DIMS: readonly (Dim | 'month')[] = [
  'search',
  'flag',
  'fy',
  'agency',
  'province',
  'method',
  'type',
  'status',
  'vendor',
  'budget',
  'contract',
  'date',
  'month',
];
const CAPS: Record<Source, readonly (Dim | 'month')[]> = {
  agg_month: ['fy', 'month'],
  agg_vendor_year: ['fy', 'vendor'],
  agg_agency_year: ['fy', 'agency', 'province'],
  agg_cube: ['fy', 'method', 'type', 'province', 'status'],
  projects: ['fy', 'agency', 'province', 'method', 'type', 'status', 'budget', 'search', 'flag'],
  contracts_by_vendor: ALL_DIMS,
  contracts: ALL_DIMS,
};
const MEASURES: Record<Source, readonly Measure[]> = {
  agg_month: CONTRACT_MEASURES,
  agg_vendor_year: CONTRACT_MEASURES,
  agg_agency_year: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_cube: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  projects: PROJECT_MEASURES,
  contracts_by_vendor: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  contracts: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
};
/** Smallest first. */
const ORDER: readonly Source[] = [
  'agg_month',
  'agg_vendor_year',
  'agg_agency_year',
  'agg_cube',
  'projects',
  'contracts_by_vendor',
  'contracts',
];
const ROWS: ReadonlySet<Source> = new Set(['projects', 'contracts', 'contracts_by_vendor']);
export const CONTRACT_ROWS: ReadonlySet<Source> = new Set(['contracts', 'contracts_by_vendor']);

/** The dimensions a resolved filter constrains, minus one (a facet ignores its own filter). */
export function activeDims(r: Resolved, except?: Dim): Dim[] {
  return (Object.keys(r) as Dim[]).filter(
    (d) => d !== except && (d === 'fy' ? r.fy.length > 0 : r[d] !== null),
  );
}

/**
 * Every source that answers `measures` grouped by `groups` under `r` (minus `except`), smallest
 * first; `plan` takes the first. Contract rows answer project measures only when a contract
 * filter is set: otherwise projects without a contract would be missed, so such a request is
 * split (see `planSplit`).
 */
export function candidates(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
): Source[] {
  const dims = activeDims(r, except);
  const needs = [...dims, ...groups.map((g) => GROUP_DIM[g])];
  const contractFilter = dims.some((d) => CONTRACT_DIMS.includes(d));
  return ORDER.filter((s) => {
    if (!needs.every((d) => CAPS[s].includes(d))) return false;
    if (!measures.every((m) => MEASURES[s].includes(m))) return false;
    // The vendor pre-aggregate leaves out contracts without a winner: only for vendor questions,
    // and not under a vendor filter: there the vendor copy answers from row groups the view reads
    // anyway, while the pre-aggregate's footer alone (2k-row groups of every vendor's years) is
    // ~180 KB at 6M rows.
    if (s === 'agg_vendor_year' && (!needs.includes('vendor') || dims.includes('vendor')))
      return false;
    if (CONTRACT_ROWS.has(s)) {
      if (s === 'contracts_by_vendor' && r.vendor === null) return false;
      if (!contractFilter && measures.some((m) => PROJECT_MEASURES.includes(m))) return false;
    }
    return true;
  });
}

export function plan(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
): Source | null {
  return candidates(r, groups, measures, except)[0] ?? null;
}

/** Where the table's project rows come from: project rows, or contract rows under a contract filter. */
export function rowSource(r: Resolved): Source {
  return candidates(r, [], ['projects']).find((s) => ROWS.has(s))!;
}

/** One or two (source, measures) pairs that together answer the request. */
export function planSplit(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
): { source: Source; measures: Measure[] }[] {
  const one = plan(r, groups, measures, except);
  if (one) return [{ source: one, measures: [...measures] }];
  const parts = [PROJECT_MEASURES, CONTRACT_MEASURES]
    .map((set) => measures.filter((m) => set.includes(m)))
    .filter((ms) => ms.length > 0);
  return parts.map((ms) => {
    const s = plan(r, groups, ms, except);
    if (!s) throw new Error(`no source answers ${ms.join(', ')}`);
    return { source: s, measures: ms };
  });
}

function column(source: Source, d: Dim | 'month'): string {
  switch (d) {
    case 'fy':
      return 'fiscal_year';
    case 'agency':
      return 'agency_id';
    case 'province':
      return 'province_id';
    case 'method':
      return 'method_id';
    case 'type':
      return 'type_id';
    case 'status':
      return CONTRACT_ROWS.has(source) ? 'project_status_id' : 'status_id';
    case 'vendor':
      return 'vendor_id';
    case 'budget':
      return 'budget';
    case 'contract':
      return 'price_agree';
    case 'date':
      return 'contract_date';
    case 'search':
    case 'flag':
      return 'project_seq';
    case 'month':
      return source === 'agg_month' ? 'month' : 'month(contract_date)';
  }
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

function inList(col: string, ids: readonly number[], params: Param[]): string {
  if (ids.length === 0) return 'FALSE';
  // The literal range lets DuckDB skip row groups by their statistics; membership itself is
  // decided by the bound list.
  params.push(...ids);
  const range = `${col} BETWEEN ${sqlNumber(Math.min(...ids))} AND ${sqlNumber(Math.max(...ids))}`;
  return `${range} AND ${col} IN (${placeholders(ids.length)})`;
}

function range<T extends Param>(
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

/**
 * Projects among a search's hits (or a flag's). The hits' `project_seq` range is also written as literal
 * bounds: the facts are stored in that order, so the scans skip row groups outside it (the
 * fiscal years already chose the files).
 */
function searchWhere(h: SearchHits): string {
  if (h.rows === 0 || h.seqMin === null || h.seqMax === null) return 'FALSE';
  const bound = `project_seq BETWEEN ${sqlNumber(h.seqMin)} AND ${sqlNumber(h.seqMax)}`;
  return `${bound} AND project_seq IN (SELECT project_seq FROM ${hitsTable(h.table)})`;
}

/** The join that brings a search's `rank` to project rows (empty without a search). */
export function rankJoin(r: Resolved, alias: string): string {
  return r.search
    ? ` JOIN (SELECT project_seq, rank FROM ${hitsTable(r.search.table)}) AS ${alias} USING (project_seq)`
    : '';
}

/** WHERE for a source; `except` leaves one dimension out (facets). */
export function where(source: Source, r: Resolved, except?: Dim): Sql {
  const parts: string[] = [];
  const params: Param[] = [];
  for (const d of activeDims(r, except)) {
    const col = column(source, d);
    if (d === 'fy') {
      parts.push(`${col} IN (${placeholders(r.fy.length)})`);
      params.push(...r.fy);
    } else if (d === 'method') {
      const m = r.method!;
      const list = m.ids.length ? `(${inList(col, m.ids, params)})` : 'FALSE';
      parts.push(m.nulls ? `(${list} OR ${col} IS NULL)` : list);
    } else if (d === 'budget' || d === 'contract') {
      parts.push(range(col, r[d]!, params));
    } else if (d === 'date') {
      parts.push(range(col, r.date!, params, '::DATE'));
    } else if (d === 'search' || d === 'flag') {
      parts.push(searchWhere(r[d]!));
    } else {
      parts.push(inList(col, r[d] as number[], params));
    }
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** SQL of a measure on a pre-aggregate or on project rows. */
function measureSql(source: Source, m: Measure): string {
  if (!ROWS.has(source)) return `coalesce(sum(${m}), 0)`;
  const both = 'price_build > 0 AND agreed IS NOT NULL';
  switch (m) {
    case 'projects':
      return 'count(*)';
    case 'budget':
      return 'coalesce(sum(budget), 0)';
    case 'ref_price':
      return `coalesce(sum(price_build) FILTER (WHERE ${both}), 0)`;
    case 'ref_agreed':
      return `coalesce(sum(agreed) FILTER (WHERE ${both}), 0)`;
    case 'contracts':
      return 'coalesce(sum(n), 0)';
    case 'agreed':
      return 'coalesce(sum(v), 0)';
  }
}

/** Money comes back as exact decimal text, counts as integers. */
function asResult(m: Measure, sql: string): string {
  return m === 'projects' || m === 'contracts' ? `${sql}::BIGINT::DOUBLE` : `${sql}::VARCHAR`;
}

export interface AggregateRequest {
  source: Source;
  files: readonly ManifestFile[];
  r: Resolved;
  groups: readonly Group[];
  measures: readonly Measure[];
  except?: Dim;
  /** Order by a measure, descending (ties by the groups); default: by the groups. */
  orderBy?: Measure;
  limit?: number;
}

/**
 * `SELECT groups, measures FROM source WHERE … GROUP BY groups`. On contract rows, project
 * measures are taken once per project: rows are first grouped by project (its money is the same
 * on each of its contracts), then summed.
 */
export function aggregateSql(q: AggregateRequest): Sql {
  const w = where(q.source, q.r, q.except);
  const names = [...q.groups];
  const exprs = names.map((g) => {
    const col = column(q.source, GROUP_DIM[g]);
    return col === g ? g : `${col} AS ${g}`;
  });
  const measures = q.measures.map((m) => `${asResult(m, measureSql(q.source, m))} AS ${m}`);
  let from = `${parquet(q.files)} ${w.sql}`;
  if (CONTRACT_ROWS.has(q.source)) {
    const perProject = q.measures.some((m) => PROJECT_MEASURES.includes(m));
    const keys = perProject ? ['project_id', ...exprs] : exprs;
    const money = perProject
      ? ['any_value(budget) AS budget', 'any_value(price_build) AS price_build']
      : [];
    if (perProject) money.push('any_value(agreed) AS agreed');
    const inner = [...keys, ...money, 'count(*) AS n', 'sum(price_agree) AS v'].join(', ');
    from = `(SELECT ${inner} FROM ${from}${keys.length ? ' GROUP BY ALL' : ''})`;
  }
  const select = (CONTRACT_ROWS.has(q.source) ? names : exprs).concat(measures).join(', ');
  const group = names.length ? ` GROUP BY ${names.join(', ')}` : '';
  const ties = names.length ? `, ${names.join(', ')}` : '';
  const order = q.orderBy
    ? ` ORDER BY ${measureSql(q.source, q.orderBy)} DESC${ties}`
    : names.length
      ? ` ORDER BY ${names.map((x) => `${x} NULLS LAST`).join(', ')}`
      : '';
  const limit = q.limit ? ` LIMIT ${Number(q.limit)}` : '';
  return { sql: `SELECT ${select} FROM ${from}${group}${order}${limit}`, params: w.params };
}

/** One grouping of a `groupingSetsSql` request, ordered and cut as `aggregateSql` would. */
export interface GroupingSet {
  groups: readonly Group[];
  orderBy?: Measure;
  limit?: number;
}

/** Several groupings over the same rows (one source, files and WHERE), asked in one scan. */
export interface GroupingSetsRequest {
  source: Source;
  files: readonly ManifestFile[];
  r: Resolved;
  except?: Dim;
  /** Each a different set of groups (the empty set is the totals). */
  sets: readonly GroupingSet[];
  measures: readonly Measure[];
}

/** Whether `groupingSetsSql` can ask these measures of this source (see there). */
export function groupingSetsAnswer(source: Source, measures: readonly Measure[]): boolean {
  return !CONTRACT_ROWS.has(source) || measures.every((m) => CONTRACT_MEASURES.includes(m));
}

/**
 * `GROUP BY GROUPING SETS (…)`: each row carries `grouping_set`, the bitmask of the groups it
 * does not group by (`groupingSetMask`), and `rank_in_set`, its place in its set's order (that
 * of `aggregateSql`: by the set's measure descending, then by its groups, nulls last), and each
 * set is cut at its limit. On contract rows only contract measures: those sum per row, where
 * project measures would need the per-project step of `aggregateSql` for each set.
 */
export function groupingSetsSql(q: GroupingSetsRequest): Sql {
  if (!groupingSetsAnswer(q.source, q.measures))
    throw new Error('project measures are not asked of contract rows in grouping sets');
  const w = where(q.source, q.r, q.except);
  const names = groupingNames(q.sets.map((x) => x.groups));
  if (names.length === 0) throw new Error('grouping sets need a group');
  const contracts = CONTRACT_ROWS.has(q.source);
  const cols = names.map((g) => (contracts ? g : column(q.source, GROUP_DIM[g])));
  const exprs = names.map((g) => {
    const col = column(q.source, GROUP_DIM[g]);
    return col === g ? g : `${col} AS ${g}`;
  });
  const byMeasure = [...new Set(q.sets.flatMap((x) => (x.orderBy ? [x.orderBy] : [])))];
  const measures = [
    ...q.measures.map((m) => `${asResult(m, measureSql(q.source, m))} AS ${m}`),
    ...byMeasure.map((m) => `${measureSql(q.source, m)} AS order_${m}`),
  ];
  let from = `${parquet(q.files)} ${w.sql}`;
  if (contracts)
    from = `(SELECT ${[...exprs, 'count(*) AS n', 'sum(price_agree) AS v'].join(', ')} FROM ${from} GROUP BY ALL)`;
  const sets = q.sets.map((x) => `(${x.groups.map((g) => cols[names.indexOf(g)]).join(', ')})`);
  const grouped = `SELECT ${[
    ...(contracts ? names : exprs),
    `grouping(${cols.join(', ')})::INTEGER AS grouping_set`,
    ...measures,
  ].join(', ')} FROM ${from} GROUP BY GROUPING SETS (${sets.join(', ')})`;
  // Each set's order: per set a CASE that is null in the other sets' rows.
  const when = (pick: (x: GroupingSet) => string | null, otherwise = 'NULL') => {
    const arms = q.sets.flatMap((x) => {
      const v = pick(x);
      return v === null
        ? []
        : [`WHEN grouping_set = ${groupingSetMask(names, x.groups)} THEN ${v}`];
    });
    return arms.length ? `CASE ${arms.join(' ')} ELSE ${otherwise} END` : otherwise;
  };
  const keys = [
    ...byMeasure.map(
      (m) => `${when((x) => (x.orderBy === m ? `order_${m}` : null))} DESC NULLS LAST`,
    ),
    ...Array.from(
      { length: Math.max(...q.sets.map((x) => x.groups.length)) },
      (_, k) => `${when((x) => x.groups[k] ?? null)} NULLS LAST`,
    ),
  ];
  const ranked = `SELECT *, row_number() OVER (PARTITION BY grouping_set ORDER BY ${keys.join(', ')}) AS rank_in_set FROM (${grouped})`;
  const limit = (x: GroupingSet) => (x.limit ? sqlNumber(Math.floor(x.limit)) : null);
  const cut = q.sets.some(limit)
    ? ` WHERE rank_in_set <= ${when(limit, sqlNumber(Number.MAX_SAFE_INTEGER))}`
    : '';
  return { sql: `SELECT * FROM (${ranked})${cut}`, params: w.params };
}

/** Every group of the sets, in first-seen order (the order of `grouping(…)`'s bits). */
export function groupingNames(sets: readonly (readonly Group[])[]): Group[] {
  return [...new Set(sets.flat())];
}

/** The `grouping_set` value of the rows that group by exactly `set`. */
export function groupingSetMask(names: readonly Group[], set: readonly Group[]): number {
  return names.reduce(
    (mask, g, i) => (set.includes(g) ? mask : mask | (1 << (names.length - 1 - i))),
    0,
  );
}

/** Table order (ties by project id, so pages and exports are stable); on the inner alias `q`. */
export const SORT_SQL: Record<Sort, string> = {
  '-budget': 'q.budget DESC NULLS LAST, q.project_id',
  budget: 'q.budget ASC NULLS LAST, q.project_id',
  '-agreed': 'q.agreed DESC NULLS LAST, q.project_id',
  agreed: 'q.agreed ASC NULLS LAST, q.project_id',
  '-fy': 'q.fiscal_year DESC, q.project_id',
  fy: 'q.fiscal_year ASC, q.project_id',
};

/**
 * One page of projects. On contract rows a project appears once, with the value of its
 * matching contracts (`contract_value`).
 */
export function rowsSql(
  source: Source,
  files: readonly ManifestFile[],
  r: Resolved,
  sort: Sort,
  limit: number,
  offset: number,
): Sql {
  const w = where(source, r);
  const cols =
    'project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget, agreed::VARCHAR AS agreed';
  const inner = CONTRACT_ROWS.has(source)
    ? `(SELECT project_id, any_value(project_seq) AS project_seq, any_value(fiscal_year) AS fiscal_year, any_value(agency_id) AS agency_id,
         any_value(method_id) AS method_id, any_value(budget) AS budget, any_value(agreed) AS agreed,
         count(*) AS contracts, sum(price_agree) AS contract_value
       FROM ${parquet(files)} ${w.sql} GROUP BY project_id)`
    : `(SELECT *, contract_count AS contracts, NULL::DECIMAL(18,2) AS contract_value FROM ${parquet(files)} ${w.sql})`;
  // Order on the inner DECIMAL columns (q.*), not the text aliases; the page gets exact text.
  // A search ranks whole-word matches first, then the chosen order.
  return {
    sql: `SELECT ${cols}, contracts::INTEGER AS contracts, contract_value::VARCHAR AS contract_value${
      r.search ? ', h.rank::INTEGER AS rank' : ''
    }
      FROM ${inner} AS q${rankJoin(r, 'h')} ORDER BY ${r.search ? 'h.rank, ' : ''}${SORT_SQL[sort]} LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
    params: w.params,
  };
}

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

function likeText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
 * A vendor by TIN or key: its id from `vendor_keys` (schema 8), or its row from `vendors` (before
 * schema 8, when that was ordered by key). The key itself is only a bound parameter. Pruning
 * needs a literal, and DuckDB keeps only 8 bytes of a string's min/max (`tin:0105…` matches
 * half the file), so `vendor_keys` carries the TIN as a number (0 for a name key) and a tax-id
 * key (validated digits only) is written as a literal range of it: one small row group.
 */
export function vendorLookupSql(files: readonly ManifestFile[], key: string): Sql {
  const tin = /^tin:(\d{13})$/.exec(key)?.[1];
  if (files[0]?.table === 'vendor_keys') {
    const n = sqlNumber(tin ? Number(tin) : 0);
    return {
      sql: `SELECT vendor_id FROM ${parquet(files)} WHERE tin_number BETWEEN ${n} AND ${n} AND vendor_key = ?`,
      params: [key],
    };
  }
  const prune = tin ? ` AND vendor_key BETWEEN 'tin:${tin}' AND 'tin:${tin}'` : '';
  return {
    sql: `SELECT vendor_id, vendor_key, tin, tin_status, name FROM ${parquet(files)} WHERE vendor_key = ?${prune}`,
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

/** A small dimension table, whole (methods, types, provinces, statuses). */
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
 * Names of a vendor's projects on screen from its copy of the contracts (schema 6), which the
 * vendor's view has just read: no footer or row group of `details` to fetch.
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

export function byIdsSql(
  files: readonly ManifestFile[],
  col: 'agency_id' | 'vendor_id',
  ids: readonly number[],
): Sql {
  const params: Param[] = [];
  const cols =
    col === 'vendor_id'
      ? 'vendor_id, vendor_key, tin, tin_status, name'
      : 'agency_id, agency_key, dept_name, dept_sub_name, province';
  return {
    sql: `SELECT ${cols} FROM ${parquet(files)} WHERE ${inList(col, ids, params)}`,
    params,
  };
}

/** One project's row and its contracts, for the detail panel (agency id narrows the scan). */
export function projectSql(
  files: readonly ManifestFile[],
  projectId: string,
  agencyId: number,
): Sql {
  return {
    sql: `SELECT * EXCLUDE (project_seq) REPLACE (budget::VARCHAR AS budget, price_build::VARCHAR AS price_build,
        agreed::VARCHAR AS agreed, announce_date::VARCHAR AS announce_date,
        transaction_date::VARCHAR AS transaction_date)
      FROM ${parquet(files)} WHERE agency_id = ? AND project_id = ?`,
    params: [agencyId, projectId],
  };
}

export function projectContractsSql(
  files: readonly ManifestFile[],
  projectId: string,
  agencyId: number,
): Sql {
  return {
    sql: `SELECT vendor_id, contract_no, contract_date::VARCHAR AS contract_date,
        contract_finish_date::VARCHAR AS contract_finish_date,
        price_agree::VARCHAR AS price_agree, status_id
      FROM ${parquet(files)} WHERE agency_id = ? AND project_id = ?
      ORDER BY contract_no NULLS LAST, vendor_id`,
    params: [agencyId, projectId],
  };
}
