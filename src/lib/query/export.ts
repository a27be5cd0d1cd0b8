/**
 * The SQL of an export: the whole result of the current filters and sort, not one page, with the
 * names a reader needs (agency, project name, method, vendor and TIN) joined in. Pure: the site
 * runs it in DuckDB-WASM, the tests run the same text on native DuckDB.
 *
 * Two grains: `projects` is the explorer's table (one row per project, project money once);
 * `contracts` has one row per contract × winner, with the winner's TIN and the contract value.
 */
import type { Era } from '../format/number';
import { tableFiles, type Manifest, type ManifestFile } from '../schema/tables';
import { sourceFiles } from './aggregate';
import type { Sort } from './filters';
import { SORT_SQL } from './page-sql';
import { exportColumns, type ExportColumn, type Grain } from './export-columns';
import { CONTRACT_ROWS, rowSource, type Resolved, type Source } from './plan';
import { parquet, type Param } from './sql';
import { rankJoin, where } from './where';

export {
  EXPORT_COLUMNS,
  exportColumns,
  GRAINS,
  leftOutColumns,
  type ExportColumn,
  type Grain,
  type Kind,
} from './export-columns';

/** Project columns of a facts source, named as the projects table names them. */
function projectFacts(source: string, grouped: boolean): string {
  const status = CONTRACT_ROWS.has(source as never) ? 'project_status_id' : 'status_id';
  const cols: [string, string][] = [
    ['project_seq', 'project_seq'],
    ['fiscal_year', 'fiscal_year'],
    ['agency_id', 'agency_id'],
    ['method_id', 'method_id'],
    ['type_id', 'type_id'],
    ['province_id', 'province_id'],
    [status, 'status_id'],
    ['budget', 'budget'],
    ['price_build', 'price_build'],
    ['agreed', 'agreed'],
  ];
  return cols.map(([c, as]) => (grouped ? `any_value(${c}) AS ${as}` : `${c} AS ${as}`)).join(', ');
}

export interface ExportQuery {
  columns: readonly ExportColumn[];
  /** Every file the export reads (to register before running it). */
  files: ManifestFile[];
  /** True with a search: the order starts with its relevance rank (`SortKeysBuilder`). */
  ranked: boolean;
  /** Bound values of the filters (for `sql` and `keysSql`). */
  params: Param[];
  /** The key table's row count: the export's rows (the joins add none). */
  countSql(table: string): string;
  /** The whole export as one statement (the provenance cites it; small results may run it). */
  sql(typed: boolean): string;
  /**
   * The same export run in slices so memory stays bounded: `keysSql` keeps the matching facts
   * (narrow: ids, money, dates); their order is computed from `sortKeysSql` by `tableOrder` and
   * stored as `orderTable` (pos, rid); each `sliceSql` (bound values: first and last position,
   * from 1) joins the names to one slice. The wide rows are never all
   * sorted or held at once, which for a million rows would take gigabytes of the tab's memory.
   */
  keysSql(table: string): string;
  /** The columns of the table's order, read from the key table (`SortKeys`). */
  sortKeysSql(table: string): string;
  /** Keeps one slice's facts (bound values: first and last position) as `sliceTable(table)`. */
  sliceKeysSql(table: string): string;
  /** That slice joined to its names, in order. */
  sliceSql(table: string, typed: boolean): string;
}

/** The sort columns of the key table, one array per column, indexed by rowid. */
export interface SortKeys {
  /** The sort key: money in cents, or the fiscal year; NaN for null. */
  k: Float64Array;
  project_id: string[];
  /** Contract grain only: the tie-breakers after the project. */
  contract_no: (string | null)[] | null;
  vendor_id: Float64Array | null;
  /** With a search: its relevance rank (whole-word matches first), which orders before the key. */
  rank: Float64Array | null;
}

/** Collects the rows of `sortKeysSql` (batch by batch) into `SortKeys`. */
export class SortKeysBuilder {
  private readonly keys: SortKeys;
  /** `rows`: the key table's row count (rowids are 0 … rows - 1). */
  constructor(grain: Grain, rows: number, ranked = false) {
    const contracts = grain === 'contracts';
    this.keys = {
      k: new Float64Array(rows),
      project_id: new Array<string>(rows),
      contract_no: contracts ? new Array<string | null>(rows) : null,
      vendor_id: contracts ? new Float64Array(rows) : null,
      rank: ranked ? new Float64Array(rows) : null,
    };
  }

  /** Rows of `sortKeysSql`, in any order (each carries its rowid). */
  add(rows: readonly Record<string, unknown>[]): void {
    this.addColumns(rows.length, (name) => ({ get: (i) => rows[i]![name] }));
  }

  /** The same, column by column (an Arrow batch: no object per row). */
  addColumns(n: number, column: (name: string) => { get(i: number): unknown }): void {
    const { k, project_id, contract_no, vendor_id, rank } = this.keys;
    const [rid, key, project] = [column('rid'), column('k'), column('project_id')];
    const ranks = rank ? column('rank') : null;
    const contract = contract_no ? column('contract_no') : null;
    const vendor = vendor_id ? column('vendor_id') : null;
    const num = (v: unknown) => (v === null ? NaN : Number(v));
    for (let j = 0; j < n; j++) {
      const i = Number(rid.get(j));
      k[i] = num(key.get(j));
      project_id[i] = String(project.get(j));
      if (contract_no) {
        const c = contract!.get(j);
        contract_no[i] = c === null ? null : String(c);
      }
      if (vendor_id) vendor_id[i] = num(vendor!.get(j));
      if (rank) rank[i] = num(ranks!.get(j));
    }
  }

  build(): SortKeys {
    return this.keys;
  }
}

/** The scratch table holding an export's order (pos from 1, rid of the key table). */
export const orderTable = (t: string) => `${t}_order`;
/** The scratch table holding one slice's facts. */
export const sliceTable = (t: string) => `${t}_slice`;

const cmpText = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
const cmpNumber = (a: number, b: number) =>
  a === b ? 0 : Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a < b ? -1 : 1;

/**
 * The key table's rowids in the table's order: the same order as SORT_SQL (key, nulls last;
 * then project id, contract number and vendor ascending, nulls last; a year order's key holds
 * its tie, `project_seq`, already), computed here because
 * DuckDB 0.9 needs ~500 MB to sort a million rows on text keys and ~170 MB on numbers. Text
 * compares by UTF-16 code unit, which equals DuckDB's byte order outside astral characters.
 */
export function tableOrder(keys: SortKeys, sort: Sort): Uint32Array {
  const desc = sort.startsWith('-') ? -1 : 1;
  const { k, project_id, contract_no, vendor_id, rank } = keys;
  const ids = Array.from({ length: k.length }, (_, i) => i);
  ids.sort((a, b) => {
    if (rank && rank[a] !== rank[b]) return rank[a]! - rank[b]!;
    const byKey = cmpNumber(k[a]!, k[b]!);
    if (byKey !== 0) return Number.isNaN(k[a]!) || Number.isNaN(k[b]!) ? byKey : byKey * desc;
    return (
      cmpText(project_id[a]!, project_id[b]!) ||
      (contract_no ? cmpText(contract_no[a]!, contract_no[b]!) : 0) ||
      (vendor_id ? cmpNumber(vendor_id[a]!, vendor_id[b]!) : 0)
    );
  });
  return Uint32Array.from(ids);
}

/** Identifier of a scratch table the export creates (never from user text). */
const SCRATCH = /^export_keys_\d+$/;

/**
 * The column each sort orders by, and how it becomes a number (money in exact cents). A year
 * order's ties go by `project_seq` (SORT_ORDER), so its key carries the seq: later or earlier
 * years first (`tableOrder` flips the key for `-fy`), a year's projects by seq ascending.
 */
const SORT_KEY: Record<Sort, string> = {
  '-budget': '(budget * 100)::BIGINT::DOUBLE',
  budget: '(budget * 100)::BIGINT::DOUBLE',
  '-agreed': '(agreed * 100)::BIGINT::DOUBLE',
  agreed: '(agreed * 100)::BIGINT::DOUBLE',
  '-fy': '(fiscal_year::BIGINT * 1000000000 - project_seq)::DOUBLE',
  fy: '(fiscal_year::BIGINT * 1000000000 + project_seq)::DOUBLE',
};

/** The view's rows at the export's grain (one per project, or per contract × winner). */
function rowsAt(source: Source, grain: Grain, scan: string, ranked: boolean): string {
  if (grain === 'contracts') {
    return `SELECT project_id, ${projectFacts(source, false)}, vendor_id, vendor_match, contract_no,
        contract_date, contract_finish_date, price_agree, status_id AS contract_status_id${ranked ? ', rank' : ''}
      FROM ${scan}`;
  }
  if (CONTRACT_ROWS.has(source)) {
    return `SELECT project_id, ${projectFacts(source, true)},
        count(*) AS contracts, sum(price_agree) AS contract_value${ranked ? ', any_value(rank) AS rank' : ''}
      FROM ${scan} GROUP BY project_id`;
  }
  return `SELECT project_id, ${projectFacts(source, false)},
        contract_count AS contracts, NULL::DECIMAL(18,2) AS contract_value${ranked ? ', rank' : ''}
      FROM ${scan}`;
}

const LABELS = ['agencies', 'methods', 'project_types', 'provinces', 'statuses'] as const;

/**
 * The names joined to the rows: the projects' text and names, the label tables and (contracts)
 * the winners. Every project has its details and names rows (the ingest writes all three), so a
 * slice joins them with inner joins: DuckDB then hashes the small slice and streams details and
 * names past it (a LEFT JOIN would hash all of details: +450 MB for two years at 6M rows). The
 * runner checks the row count, so a missing row stops the export rather than dropping a row.
 */
function namesJoined(m: Manifest, r: Resolved, grain: Grain) {
  const label = (t: (typeof LABELS)[number]) => tableFiles(m, t);
  const details = tableFiles(m, 'details', r.fy);
  const names = tableFiles(m, 'project_names', r.fy);
  const vendors = grain === 'contracts' ? tableFiles(m, 'vendors') : [];
  const on =
    'd.project_id = q.project_id AND d.agency_id = q.agency_id AND d.fiscal_year = q.fiscal_year';
  const join = (inner: boolean) => (inner ? 'JOIN' : 'LEFT JOIN');
  const from = (keys: string, inner: boolean) =>
    details.length && names.length
      ? `(${keys}) AS q ${join(inner)} ${parquet(details)} AS d ON ${on}
          ${join(inner)} ${parquet(names)} AS n ON n.project_seq = d.project_seq`
      : `(${keys}) AS q LEFT JOIN (SELECT NULL::VARCHAR AS method_raw, NULL::VARCHAR AS district) AS d ON FALSE
          LEFT JOIN (SELECT NULL::VARCHAR AS project_name) AS n ON FALSE`;
  const joins = [
    `LEFT JOIN ${parquet(label('agencies'))} AS a ON a.agency_id = q.agency_id`,
    `LEFT JOIN ${parquet(label('methods'))} AS m ON m.method_id = q.method_id`,
    `LEFT JOIN ${parquet(label('project_types'))} AS pt ON pt.type_id = q.type_id`,
    `LEFT JOIN ${parquet(label('provinces'))} AS pv ON pv.province_id = q.province_id`,
    `LEFT JOIN ${parquet(label('statuses'))} AS ps ON ps.status_id = q.status_id`,
  ];
  if (grain === 'contracts') {
    joins.push(
      `LEFT JOIN ${parquet(vendors)} AS v ON v.vendor_id = q.vendor_id`,
      `LEFT JOIN ${parquet(label('statuses'))} AS cs ON cs.status_id = q.contract_status_id`,
    );
  }
  return { from, joins, files: [...details, ...names, ...vendors, ...LABELS.flatMap(label)] };
}

/** The columns: money and dates as exact text unless `typed` (Parquet). */
function selectList(columns: readonly ExportColumn[], typed: boolean): string {
  return columns
    .map((c) => {
      const e =
        c.kind === 'int'
          ? `${c.expr}::INTEGER`
          : typed || (c.kind !== 'money' && c.kind !== 'date')
            ? c.expr
            : `${c.expr}::VARCHAR`;
      return `${e} AS ${c.key}`;
    })
    .join(',\n      ');
}

function scratch(t: string): string {
  if (!SCRATCH.test(t)) throw new Error(`not an export table name: ${t}`);
  return t;
}

/**
 * The export of the current filters. `typed` (Parquet): money as DECIMAL and dates as DATE;
 * otherwise money and dates come back as exact text (CSV, JSON and XLSX convert from text).
 */
export function exportSql(
  m: Manifest,
  r: Resolved,
  sort: Sort,
  grain: Grain,
  era: Era = 'be',
): ExportQuery | null {
  const source = grain === 'contracts' ? 'contracts' : rowSource(r);
  const facts = sourceFiles(m, source, r);
  if (facts.length === 0) return null;
  const w = where(source, r);
  // A search brings its relevance rank (ordered first, as in the table).
  const ranked = r.search !== null;
  const inner = rowsAt(source, grain, `${parquet(facts)}${rankJoin(r, 'h')} ${w.sql}`, ranked);
  const order = `${ranked ? 'q.rank, ' : ''}${
    grain === 'contracts' ? `${SORT_SQL[sort]}, q.contract_no, q.vendor_id` : SORT_SQL[sort]
  }`;
  const keyed = `SELECT *, row_number() OVER (ORDER BY ${order}) AS pos FROM (${inner}) AS q`;
  const { from, joins, files } = namesJoined(m, r, grain);
  const columns = exportColumns(r, grain, m, era);
  const query = (
    keys: string,
    typed: boolean,
    inner = false,
  ) => `SELECT ${selectList(columns, typed)}
    FROM ${from(keys, inner)}
    ${joins.join('\n    ')}
    ORDER BY q.pos`;
  return {
    columns,
    ranked,
    params: w.params,
    files: [...facts, ...files],
    countSql: (t) => `SELECT count(*)::INTEGER AS n FROM ${scratch(t)}`,
    sql: (typed) => query(keyed, typed),
    // Unsorted: the order is computed outside DuckDB (tableOrder) and joined back by rowid.
    keysSql: (t) => `CREATE TEMP TABLE ${scratch(t)} AS ${inner}`,
    sortKeysSql: (t) =>
      `SELECT rowid::INTEGER AS rid, ${SORT_KEY[sort]} AS k, project_id${
        grain === 'contracts' ? ', contract_no, vendor_id::DOUBLE AS vendor_id' : ''
      }${ranked ? ', rank::DOUBLE AS rank' : ''} FROM ${scratch(t)}`,
    sliceKeysSql: (t) =>
      `CREATE OR REPLACE TEMP TABLE ${sliceTable(scratch(t))} AS SELECT k.*, o.pos
        FROM ${scratch(t)} AS k
        JOIN (SELECT * FROM ${orderTable(scratch(t))} WHERE pos BETWEEN ? AND ?) AS o ON k.rowid = o.rid`,
    sliceSql: (t, typed) => query(`SELECT * FROM ${sliceTable(scratch(t))}`, typed, true),
  };
}
