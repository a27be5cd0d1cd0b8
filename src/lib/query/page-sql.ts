/** The results table's SQL: one page of projects in the chosen order. */
import {
  filesHolding,
  tableFiles,
  type Manifest,
  type ManifestFile,
  type TableName,
} from '../schema/tables';
import { aggregateWith, busyVendor, sourceFiles, type Ask, type Row } from './aggregate';
import { DEFAULT_SORT, type Sort } from './filters';
import { activeDims, CONTRACT_ROWS, DIMS, rowSource, type Resolved, type Source } from './plan';
import { inList, parquet, sqlNumber, type Sql } from './sql';
import { rankJoin, where } from './where';

/**
 * Table order, with ties broken so pages and exports are stable; the ingest ranks by it. Money
 * ties by project id; a year's projects follow the facts' own order (`project_seq`: agency, then
 * project id), so a page in a year order is a run of `project_seq` the facts can give directly.
 */
export const SORT_ORDER: Record<Sort, string> = {
  '-budget': 'budget DESC NULLS LAST, project_id',
  budget: 'budget ASC NULLS LAST, project_id',
  '-agreed': 'agreed DESC NULLS LAST, project_id',
  agreed: 'agreed ASC NULLS LAST, project_id',
  '-fy': 'fiscal_year DESC, project_seq',
  fy: 'fiscal_year ASC, project_seq',
};

/** The orders the ordered copy (`projects_top`) holds; the year orders page from the facts. */
export const COPY_SORTS: readonly Sort[] = ['-budget', 'budget', '-agreed', 'agreed'];

/** The same on the inner alias `q`. */
export const SORT_SQL = Object.fromEntries(
  Object.entries(SORT_ORDER).map(([k, v]) => [k, v.replace(/(^|, )/g, '$1q.')]),
) as Record<Sort, string>;

/** A page's columns, money as exact text (both the facts and the ordered copy). */
const PAGE_COLUMNS =
  'project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget, agreed::VARCHAR AS agreed';

/**
 * One page of projects. On contract rows a project appears once, with the value of its
 * matching contracts (`contract_value`). `seqs`: only these projects (`yearPage`).
 */
export function rowsSql(
  source: Source,
  files: readonly ManifestFile[],
  r: Resolved,
  sort: Sort,
  limit: number,
  offset: number,
  seqs?: readonly number[],
): Sql {
  const w = withSeqs(where(source, r), seqs);
  const inner = CONTRACT_ROWS.has(source)
    ? `(SELECT project_id, any_value(project_seq) AS project_seq, any_value(fiscal_year) AS fiscal_year, any_value(agency_id) AS agency_id,
         any_value(method_id) AS method_id, any_value(budget) AS budget, any_value(agreed) AS agreed,
         count(*) AS contracts, sum(price_agree) AS contract_value
       FROM ${parquet(files)} ${w.sql} GROUP BY project_id)`
    : `(SELECT *, contract_count AS contracts, NULL::DECIMAL(18,2) AS contract_value FROM ${parquet(files)} ${w.sql})`;
  // Order on the inner DECIMAL columns (q.*), not the text aliases; the page gets exact text.
  // A search ranks whole-word matches first, then the chosen order.
  return {
    sql: `SELECT ${PAGE_COLUMNS}, contracts::INTEGER AS contracts, contract_value::VARCHAR AS contract_value${
      r.search ? ', h.rank::INTEGER AS rank' : ''
    }
      FROM ${inner} AS q${rankJoin(r, 'h')} ORDER BY ${r.search ? 'h.rank, ' : ''}${SORT_SQL[sort]} LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
    params: w.params,
  };
}

/** A WHERE narrowed to these `project_seq` (a literal range first: inList). */
function withSeqs(w: Sql, seqs: readonly number[] | undefined): Sql {
  if (!seqs) return w;
  const params = [...w.params];
  const cond = inList('project_seq', seqs, params);
  return { sql: w.sql ? `${w.sql} AND ${cond}` : `WHERE ${cond}`, params };
}

/**
 * Whether the ordered copy (`projects_top`) can give this page: no search (whose whole-word
 * matches come first), no agency (one agency's rows are a small range of the projects already)
 * and filters that are all columns of the copy.
 */
export function topAnswers(r: Resolved): boolean {
  return (
    rowSource(r) === 'projects' &&
    activeDims(r).every(
      (d) => d !== 'search' && d !== 'agency' && DIMS[d].sources.includes('projects_top'),
    )
  );
}

/** The columns of a page, as `rowsSql` gives them, with the name the copy carries. */
export const TOP_COLUMNS = `${PAGE_COLUMNS}, contract_count::INTEGER AS contracts, NULL::VARCHAR AS contract_value, project_name`;

/**
 * How many of the rows whose `key` is `lo`..`hi` match the filters (`n`), and the keys of matches
 * `skip + 1`..`skip + take` among them, ascending (`keys`, as text: `[k1, k2, …]`). `source`
 * names the filters' columns: the copy's filter columns (key `rank`) or the projects (key
 * `project_seq`).
 */
export function matchesSql(
  source: 'projects_top' | 'projects' | 'contracts_by_vendor',
  files: readonly ManifestFile[],
  r: Resolved,
  [lo, hi]: Span,
  skip: number,
  take: number,
): Sql {
  const key = source === 'projects_top' ? 'rank' : 'project_seq';
  // (A project has a row per contract in the vendor copy.)
  const one = source === 'contracts_by_vendor' ? `DISTINCT ${key}` : key;
  const w = where(source, r);
  const cond = `${key} BETWEEN ${sqlNumber(lo)} AND ${sqlNumber(hi)}${w.sql ? ` AND ${w.sql.slice('WHERE '.length)}` : ''}`;
  return {
    sql: `SELECT count(${one})::INTEGER AS n, list_sort(list(${one}))[${sqlNumber(skip + 1)}:${sqlNumber(skip + take)}]::VARCHAR AS keys
      FROM ${parquet(files)} WHERE ${cond}`,
    params: w.params,
  };
}

/** A range of a sorted key, both ends included. */
type Span = [number, number];

/**
 * The spans of keys `first`..`last` a filtered scan takes in turn: the first rows, then wider
 * ones, so a page near the start reads a few row groups of the filters' columns.
 */
function spansOf(first: number, last: number, widths: readonly number[]): Span[] {
  const spans: Span[] = [];
  let lo = first;
  for (const w of widths) {
    if (lo + w - 1 >= last) break;
    spans.push([lo, lo + w - 1]);
    lo += w;
  }
  return [...spans, [lo, last]];
}

/** The keys of matches `skip + 1`..`skip + take` of a filter, span by span (`sql` as `matchesSql`). */
async function matchesIn(
  ask: Ask,
  files: readonly ManifestFile[],
  spans: readonly Span[],
  sql: (span: Span, skip: number, take: number) => Sql,
  skip: number,
  take: number,
): Promise<number[]> {
  const keys: number[] = [];
  for (const span of spans) {
    const [x] = await ask(sql(span, skip, take - keys.length), files);
    const n = Number(x?.n ?? 0);
    if (n > skip) keys.push(...(JSON.parse(String(x!.keys)) as number[]));
    skip = Math.max(0, skip - n);
    if (keys.length === take) break;
  }
  return keys;
}

/** The copy's rows of these ranks, in order: the row groups that hold them. */
export function topRowsSql(files: readonly ManifestFile[], ranks: readonly number[]): Sql {
  const params: (string | number)[] = [];
  return {
    sql: `SELECT ${TOP_COLUMNS} FROM ${parquet(files)} WHERE ${inList('rank', ranks, params)} ORDER BY rank`,
    params,
  };
}

/** The widths of the copy's spans of ranks a filtered page scans (`spansOf`). */
const SPANS = [8_192, 24_576, 98_304];

/** A page of a view: its filters, order, and which rows (`limit` from `offset`). */
export interface PageOf {
  m: Manifest;
  r: Resolved;
  sort: Sort;
  limit: number;
  offset: number;
  /** The view's projects per year, where known (the headline files'): `yearPage` asks no count. */
  years?: readonly YearCount[];
}

/** A year and how many of the view's projects it has. */
export interface YearCount {
  year: number;
  n: number;
}

/** A table's file of one order: the one whose `sort` is that order alone. */
export function orderFiles(m: Manifest, table: TableName, sort: Sort): ManifestFile[] {
  return tableFiles(m, table).filter((f) => f.key_min === sort && f.key_max === sort);
}

/**
 * A page from the ordered copy, or null when the copy cannot tell it: it holds only the first
 * projects of each order (TOP_ROWS) and fewer than the page needs match among them. A filtered
 * page scans the order's filter columns (`projects_top_filters`), then reads its rows. Data of
 * schema 17 and 18 holds the default order without a `sort` column: no file matches, and the
 * page reads the projects. Data of schema 19 also holds the year orders, by project id within
 * a year; they are not read (`yearPage` gives those pages).
 */
export async function topPage(
  ask: Ask,
  { m, r, sort, limit, offset }: PageOf,
  widths: readonly number[] = SPANS,
): Promise<Row[] | null> {
  if (!COPY_SORTS.includes(sort)) return null;
  const files = orderFiles(m, 'projects_top', sort);
  const filters = orderFiles(m, 'projects_top_filters', sort);
  if (files.length === 0 || filters.length === 0) return null;
  const held = files.reduce((n, f) => n + f.rows, 0);
  const whole = held >= m.counts.projects;
  let ranks: number[] = [];
  if (activeDims(r).length === 0) {
    for (let k = offset + 1; k <= Math.min(held, offset + limit); k++) ranks.push(k);
  } else {
    const sql = (span: Span, skip: number, take: number) =>
      matchesSql('projects_top', filters, r, span, skip, take);
    ranks = await matchesIn(ask, filters, spansOf(1, held, widths), sql, offset, limit);
  }
  if (ranks.length < limit && !whole) return null;
  return ranks.length ? ask(topRowsSql(files, ranks), files) : [];
}

/**
 * A page of a view of one province in the default order from that province's first projects
 * (`projects_top_province`, schema 37), or null when they do not hold it: another order, several
 * provinces or none, a snapshot without the table, or fewer matches among them than the page
 * needs (then `topPage`). The caller has checked that the copies answer the filters
 * (`topAnswers`): the table has every column they filter.
 */
export async function provinceTopPage(
  ask: Ask,
  { m, r, sort, limit, offset }: PageOf,
): Promise<Row[] | null> {
  const p = r.province;
  if (sort !== DEFAULT_SORT || !p || p.nulls || p.ids.length !== 1) return null;
  const files = filesHolding(tableFiles(m, 'projects_top_province'), p.ids);
  if (files.length === 0) return null;
  const w = where('projects_top', r);
  const rows = await ask(
    {
      sql: `SELECT ${TOP_COLUMNS} FROM ${parquet(files)} ${w.sql}
        ORDER BY rank LIMIT ${sqlNumber(limit)} OFFSET ${sqlNumber(offset)}`,
      params: w.params,
    },
    files,
  );
  // Matches past the ones it holds may come before the rows a short page lacks.
  return rows.length === limit ? rows : null;
}

/**
 * A page of a busy vendor's view in a money order from its first projects in that order
 * (`vendor_top`, schema 30), or null when they do not hold it: another filter or a strict match,
 * a vendor the table does not hold, or a page past its rows (then the vendor copy, sorted).
 */
export async function vendorTopPage(
  ask: Ask,
  { m, r, sort, limit, offset }: PageOf,
): Promise<Row[] | null> {
  if (!COPY_SORTS.includes(sort) || activeDims(r).length !== 1 || !busyVendor(m, r)) return null;
  const files = filesHolding(tableFiles(m, 'vendor_top'), r.vendor!);
  const v = sqlNumber(r.vendor![0]!);
  const rows = await ask(
    {
      sql: `SELECT project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget,
          agreed::VARCHAR AS agreed, contracts, contract_value::VARCHAR AS contract_value, project_name
        FROM ${parquet(files)} WHERE vendor_id BETWEEN ${v} AND ${v} AND sort = ?
          AND rank BETWEEN ${sqlNumber(offset + 1)} AND ${sqlNumber(offset + limit)}
        ORDER BY rank`,
      params: [sort],
    },
    files,
  );
  // A busy vendor has more projects than it holds of each: a page within them is full.
  return rows.length === limit ? rows : null;
}

/**
 * Whether a page in a year order can be read as runs of `project_seq` (`yearPage`): rows of
 * projects, or a busy vendor's contract rows (the vendor copy is ordered by vendor, then
 * `project_seq`; another vendor's rows are a small group, sorted at once), and no search (whose
 * whole-word matches come first).
 */
export function yearAnswers(m: Manifest, r: Resolved, sort: Sort): boolean {
  const source = rowSource(r);
  return (
    !COPY_SORTS.includes(sort) &&
    (source === 'projects' || (source === 'contracts_by_vendor' && busyVendor(m, r))) &&
    !r.search
  );
}

/**
 * The projects of these `project_seq`, in a year order, as `rowsSql` gives them. Each file is
 * asked for its own `project_seq` (by the manifest's `seq_min` and `seq_max`): one range over a
 * page spanning several years would cover every row group between them (38 MB of `projects` for
 * an agency unit's 50 earliest projects at 6M rows, docs/benchmarks.md, session 29).
 */
export function seqRowsSql(
  files: readonly ManifestFile[],
  seqs: readonly number[],
  sort: Sort,
): Sql {
  const params: (string | number)[] = [];
  const select = (of: readonly ManifestFile[], these: readonly number[]) =>
    `SELECT ${PAGE_COLUMNS}, contract_count::INTEGER AS contracts, NULL::VARCHAR AS contract_value
      FROM ${parquet(of)} WHERE ${inList('project_seq', these, params)}`;
  const parts = files
    .map((f) => ({
      f,
      these: seqs.filter((x) => x >= (f.seq_min ?? NaN) && x <= (f.seq_max ?? NaN)),
    }))
    .filter((x) => x.these.length);
  // Older data has no seq ranges in its manifest: one query over every file.
  const each = parts.reduce((n, x) => n + x.these.length, 0) === seqs.length;
  const body = each
    ? parts.map((x) => select([x.f], x.these)).join(' UNION ALL ')
    : select(files, seqs);
  return { sql: `${body} ORDER BY ${SORT_ORDER[sort]}`, params };
}

/**
 * The widths of a year's spans of `project_seq` a filtered page in a year order scans: one row
 * group of `projects` (16,384 rows), then three, then the rest.
 */
const YEAR_SPANS = [16_384, 49_152];

/**
 * A page in a year order, from the facts: within a year the order is the facts' own
 * (`project_seq`), so the page is the years' counts (from the planner's cheapest source), then in
 * the year(s) the page falls in the matches' `project_seq` (a year's filter columns, or its seq
 * range from the manifest when only years filter; a vendor's rows of the copy), then those rows.
 * `widths`: the spans scanned (the tests make them small).
 */
export async function yearPage(
  ask: Ask,
  { m, r, sort, limit, offset, years: counted }: PageOf,
  widths: readonly number[] = YEAR_SPANS,
): Promise<Row[]> {
  // A vendor's rows: its files of the copy, scanned by each year's seq range (its busiest own
  // file is 16.8 MB at 6M rows: sorted whole, it was read whole).
  const copy =
    rowSource(r) === 'contracts_by_vendor' ? sourceFiles(m, 'contracts_by_vendor', r) : null;
  const counts =
    counted ??
    (await aggregateWith(ask, m, r, ['fiscal_year'], ['projects'])).map((x) => ({
      year: Number(x.fiscal_year),
      n: Number(x.projects),
    }));
  const desc = sort.startsWith('-');
  const years = counts
    .filter((x) => x.n > 0)
    .sort((a, b) => (desc ? b.year - a.year : a.year - b.year));
  const narrowed = activeDims(r).some((d) => d !== 'fy');
  const seqs: number[] = [];
  const read: ManifestFile[] = [];
  let skip = offset;
  for (const { year, n } of years) {
    if (seqs.length === limit) break;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    const take = Math.min(limit - seqs.length, n - skip);
    const years = tableFiles(m, 'projects', [year]);
    const files = copy ?? years;
    read.push(...years);
    // The year's seqs are one run, from its first to its last in the manifest (without them, in
    // older data, one span of every seq).
    const first = Math.min(...years.map((f) => f.seq_min ?? Infinity));
    const last = Math.max(...years.map((f) => f.seq_max ?? -Infinity));
    const known = Number.isFinite(first) && Number.isFinite(last);
    if (!narrowed && known) {
      // Only years filter: every project of the year matches.
      for (let k = 0; k < take; k++) seqs.push(first + skip + k);
    } else {
      // The year's filter columns, a row group first, then wider spans; under an agency filter
      // the whole year at once: the year's facts are ordered by agency (its ids are in order of
      // name, sub-unit and province, so a name's or unit's are one run), and the literal range of
      // its ids reads only its row groups, where each span was one more query (a unit's page in
      // a year order asked three a year).
      const whole = !copy && !!r.agency?.length;
      const spans = !known
        ? [[0, 2 ** 31 - 1] as Span]
        : whole
          ? [[first, last] as Span]
          : spansOf(first, last, widths);
      const sql = (span: Span, s: number, t: number) =>
        matchesSql(copy ? 'contracts_by_vendor' : 'projects', files, r, span, s, t);
      seqs.push(...(await matchesIn(ask, files, spans, sql, skip, take)));
    }
    skip = 0;
  }
  if (!seqs.length) return [];
  if (copy) return ask(rowsSql('contracts_by_vendor', copy, r, sort, limit, 0, seqs), copy);
  return ask(seqRowsSql(read, seqs, sort), read);
}
