/** The results table's SQL: one page of projects in the chosen order. */
import { tableFiles, type Manifest, type ManifestFile, type TableName } from '../schema/tables';
import type { Ask, Row } from './aggregate';
import type { Sort } from './filters';
import { activeDims, CONTRACT_ROWS, DIMS, rowSource, type Resolved, type Source } from './plan';
import { inList, parquet, sqlNumber, type Sql } from './sql';
import { rankJoin, where } from './where';

/** Table order (ties by project id, so pages and exports are stable); the ingest ranks by it. */
export const SORT_ORDER: Record<Sort, string> = {
  '-budget': 'budget DESC NULLS LAST, project_id',
  budget: 'budget ASC NULLS LAST, project_id',
  '-agreed': 'agreed DESC NULLS LAST, project_id',
  agreed: 'agreed ASC NULLS LAST, project_id',
  '-fy': 'fiscal_year DESC, project_id',
  fy: 'fiscal_year ASC, project_id',
};

/** The same on the inner alias `q`. */
export const SORT_SQL = Object.fromEntries(
  Object.entries(SORT_ORDER).map(([k, v]) => [k, v.replace(/(^|, )/g, '$1q.')]),
) as Record<Sort, string>;

/** A page's columns, money as exact text (both the facts and the ordered copy). */
const PAGE_COLUMNS =
  'project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget, agreed::VARCHAR AS agreed';

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
const TOP_COLUMNS = `${PAGE_COLUMNS}, contract_count::INTEGER AS contracts, NULL::VARCHAR AS contract_value, project_name`;

/**
 * How many of the copy's ranks `lo`..`hi` match the filters, and the ranks of matches
 * `skip + 1`..`skip + take` among them (as text: `[r1, r2, …]`), from the copy's filter columns
 * (`files`: `projects_top_filters`, which has the copy's column names).
 */
export function topRanksSql(
  files: readonly ManifestFile[],
  r: Resolved,
  lo: number,
  hi: number,
  skip: number,
  take: number,
): Sql {
  const w = where('projects_top', r);
  const cond = `rank BETWEEN ${sqlNumber(lo)} AND ${sqlNumber(hi)}${w.sql ? ` AND ${w.sql.slice('WHERE '.length)}` : ''}`;
  return {
    sql: `SELECT count(*)::INTEGER AS n, list_sort(list(rank))[${sqlNumber(skip + 1)}:${sqlNumber(skip + take)}]::VARCHAR AS ranks
      FROM ${parquet(files)} WHERE ${cond}`,
    params: w.params,
  };
}

/** The copy's rows of these ranks, in order: the row groups that hold them. */
export function topRowsSql(files: readonly ManifestFile[], ranks: readonly number[]): Sql {
  const params: (string | number)[] = [];
  return {
    sql: `SELECT ${TOP_COLUMNS} FROM ${parquet(files)} WHERE ${inList('rank', ranks, params)} ORDER BY rank`,
    params,
  };
}

/**
 * Where the copy's ranks are scanned for a filtered page: the first rows first, then wider spans,
 * so a page near the top reads a few row groups of the filters' columns.
 */
const SPANS = [8_192, 32_768, 131_072];

/** A table's file of one order: the one whose `sort` is that order alone. */
export function orderFiles(m: Manifest, table: TableName, sort: Sort): ManifestFile[] {
  return tableFiles(m, table).filter((f) => f.key_min === sort && f.key_max === sort);
}

/**
 * A page from the ordered copy, or null when the copy cannot tell it: it holds only the first
 * projects of each order (TOP_ROWS) and fewer than the page needs match among them. A filtered
 * page scans the order's filter columns (`projects_top_filters`), then reads its rows. Data of
 * schema 17 and 18 holds the default order without a `sort` column: no file matches, and the
 * page reads the projects.
 */
export async function topPage(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  sort: Sort,
  limit: number,
  offset: number,
): Promise<Row[] | null> {
  const files = orderFiles(m, 'projects_top', sort);
  const filters = orderFiles(m, 'projects_top_filters', sort);
  if (files.length === 0 || filters.length === 0) return null;
  const held = files.reduce((n, f) => n + f.rows, 0);
  const whole = held >= m.counts.projects;
  let ranks: number[] = [];
  if (activeDims(r).length === 0) {
    for (let k = offset + 1; k <= Math.min(held, offset + limit); k++) ranks.push(k);
  } else {
    let lo = 1;
    let skip = offset;
    for (const hi of [...SPANS.filter((x) => x < held), held]) {
      const [x] = await ask(topRanksSql(filters, r, lo, hi, skip, limit - ranks.length), filters);
      const n = Number(x?.n ?? 0);
      if (n > skip) ranks = [...ranks, ...(JSON.parse(String(x!.ranks)) as number[])];
      skip = Math.max(0, skip - n);
      if (ranks.length === limit) break;
      lo = hi + 1;
    }
  }
  if (ranks.length < limit && !whole) return null;
  return ranks.length ? ask(topRowsSql(files, ranks), files) : [];
}
