/**
 * A page of a view of agencies over all years from every agency's projects in the default order
 * (`projects_agency`, schema 41), in any order and past the first page; sorted in the money
 * orders from their sort columns alone (`projects_agency_filters`, schema 42).
 */
import {
  filesHolding,
  ownFile,
  rowGroupRows,
  TABLES,
  tableFiles,
  type ManifestFile,
} from '../schema/tables';
import type { Ask, Row } from './aggregate';
import { DEFAULT_SORT, type Sort } from './filters';
import { COPY_SORTS, SORT_ORDER, TOP_COLUMNS, type PageOf } from './page-sql';
import { activeDims, ALL_ROWS, column, rowSource, type Resolved } from './plan';
import { byProximity } from './lookups';
import { inList, parquet, sqlAmount, sqlNumber, unionAll, type Param, type Sql } from './sql';
import { where } from './where';

/**
 * How many of a view's projects a page in a year order sorts within the agency copy (four of its
 * row groups): a year order picks its rows from all over an agency's ranks, so a busier view's
 * page reads a group per row (`yearPage` reads a year's run of them instead).
 */
const AGENCY_YEAR_ROWS = 8_192;

/**
 * A page of a view of agencies over all years, in any order, from their projects
 * (`projects_agency`, schema 41), or null when it is not the copy's to give: no agency, a fiscal
 * year (a year's facts hold its agencies' rows together already), a search, a filter about
 * contracts, a snapshot without the table, or a year order over more than AGENCY_YEAR_ROWS
 * projects (or an unknown count). First the page's agencies and ranks from the columns it sorts
 * and filters by (`sortFiles`'s in a money order when an agency fills a file of its own; in the
 * default order, ranks past the page are skipped when nothing but the agency filters, and with
 * other filters each agency's first `span` ranks are sorted first: `firstRanks`), then those
 * rows, names included: a run of ranks within a row group at a time.
 */
export async function agencyPage(
  ask: Ask,
  { m, r, sort, limit, offset, years }: PageOf,
  span = AGENCY_SPAN,
): Promise<Row[] | null> {
  const ids = r.agency;
  if (!ids?.length || r.fy.length || r.search || rowSource(r) !== 'projects') return null;
  if (!COPY_SORTS.includes(sort)) {
    const n = years?.reduce((sum, y) => sum + y.n, 0);
    if (n === undefined || n > AGENCY_YEAR_ROWS) return null;
  }
  const files = filesHolding(tableFiles(m, 'projects_agency'), ids);
  if (files.length === 0) return null;
  const w = where('projects', r);
  // In the default order with nothing but the agency, the copy's groups past the page's last
  // rank are skipped by their statistics; otherwise a money order may sort the sort columns alone.
  const within = sort === DEFAULT_SORT && activeDims(r).length === 1;
  const narrow = within ? null : sortFiles(m, r, sort, files);
  const from = narrow?.files ?? files;
  const order = narrow?.order ?? SORT_ORDER[sort];
  const of: KeysOf = { from, w, order, limit, offset };
  // A literal bound the groups' statistics prune by: the page's last rank (the default order of
  // the agency alone), or the page's last amount among a sample (the other money orders).
  const bound = within
    ? ` AND rank <= ${sqlNumber(offset + limit)}`
    : narrow && sort !== DEFAULT_SORT
      ? await amountBound(ask, of, sort, span)
      : '';
  const keys =
    (sort === DEFAULT_SORT && !within && (await firstRanks(ask, of, ids, span))) ||
    (await ask(
      {
        sql: `SELECT agency_id, rank FROM ${parquet(from)} ${w.sql}${bound}
        ORDER BY ${order} LIMIT ${sqlNumber(limit)} OFFSET ${sqlNumber(offset)}`,
        params: w.params,
      },
      from,
    ));
  if (keys.length === 0) return [];
  const rows = await ask(agencyRowsSql(files, keys), files);
  const at = new Map(rows.map(({ rank, ...x }) => [`${x.agency_id}:${rank}`, x]));
  return keys.map((k) => at.get(`${k.agency_id}:${k.rank}`)!);
}

/**
 * How many of each agency's first ranks a page in the default order sorts first (one row group
 * of the sort columns): the busiest agency name's page with a method read its 146k projects'
 * sort columns (1.2 MB at 6M rows), of which its busiest unit's first ranks hold the page.
 */
const AGENCY_SPAN = 8_192;

/** Where a page's agencies and ranks are sorted (`agencyPage`). */
interface KeysOf {
  from: readonly ManifestFile[];
  w: Sql;
  order: string;
  limit: number;
  offset: number;
}

/**
 * A page in the default order from each agency's first `span` ranks (at least the page's last),
 * or null when that cannot be known to be the page: an agency with ranks past them has fewer
 * matches than the page's last among them (its later ones might come first). The ranks are the
 * default order within an agency, so its first matches are there. One query: the page's rows,
 * a row per agency with its matches counted, and the agencies with a rank past the span.
 */
async function firstRanks(
  ask: Ask,
  { from, w, order, limit, offset }: KeysOf,
  ids: readonly number[],
  span: number,
): Promise<Row[] | null> {
  const last = offset + limit;
  const upTo = Math.max(span, last);
  const agencies = where('projects', { ...ALL_ROWS, agency: [...ids] });
  const got = await ask(
    {
      sql: `SELECT agency_id, rank, n, i FROM (
          SELECT agency_id, rank, count(*) OVER (PARTITION BY agency_id) AS n,
                 row_number() OVER (ORDER BY ${order}) AS i,
                 row_number() OVER (PARTITION BY agency_id ORDER BY rank) AS nth
          FROM ${parquet(from)} ${w.sql} AND rank <= ${sqlNumber(upTo)})
        WHERE nth = 1 OR (i > ${sqlNumber(offset)} AND i <= ${sqlNumber(last)})
        UNION ALL
        SELECT DISTINCT agency_id, NULL, NULL, NULL FROM ${parquet(from)} ${agencies.sql}
          AND rank = ${sqlNumber(upTo + 1)}`,
      params: [...w.params, ...agencies.params],
    },
    from,
  );
  const counts = new Map(got.filter((x) => x.i !== null).map((x) => [x.agency_id, Number(x.n)]));
  if (got.some((x) => x.i === null && (counts.get(x.agency_id) ?? 0) < last)) return null;
  return got
    .filter((x) => x.i !== null && Number(x.i) > offset && Number(x.i) <= last)
    .sort((a, b) => Number(a.i) - Number(b.i))
    .map((x) => ({ agency_id: x.agency_id ?? null, rank: x.rank ?? null }));
}

/**
 * The condition a page in a money order but the default (which `firstRanks` answers) sorts only
 * the rows that meet, or '' when there is none: its amount reaches the page's last amount among a
 * sample of the view's rows. At least that many rows reach it, so the page is among them; the
 * bound, written as a literal, lets DuckDB skip the row groups whose statistics fall short of it
 * (the busiest agency name by contract value sorted all 146k of its busiest unit's projects,
 * 1,119 KB of sort columns at 6M rows). The ranks are the budget order, so the sample is the
 * ranks where the page's amounts lie: each agency's first `span` (at least the page's last)
 * largest first; smallest first, the last ones of an agency with a file of its own (the file's
 * rows are its ranks), and every row of the others (a few groups).
 */
async function amountBound(
  ask: Ask,
  { from, w, limit, offset }: KeysOf,
  sort: Sort,
  span: number,
): Promise<string> {
  const desc = sort.startsWith('-');
  const amount = sort.replace(/^-/, '');
  const last = offset + limit;
  const n = Math.max(span, last);
  // Each arm: its files and the ranks it samples.
  const arms: [ManifestFile[], string][] = desc
    ? [[[...from], ` AND rank <= ${sqlNumber(n)}`]]
    : from.map((f) => [[f], ownFile(f) ? ` AND rank > ${sqlNumber(f.rows - n)}` : '']);
  const sample = unionAll(
    arms.map(([files, ranks]) => ({
      sql: `SELECT ${amount} FROM ${parquet(files)} ${w.sql}${ranks}`,
      params: w.params,
    })),
  );
  const [bound] = await ask(
    {
      sql: `SELECT ${amount}::VARCHAR AS bound FROM (${sample.sql}) WHERE ${amount} IS NOT NULL
        ORDER BY ${amount} ${desc ? 'DESC' : 'ASC'} LIMIT 1 OFFSET ${sqlNumber(last - 1)}`,
      params: sample.params,
    },
    from,
  );
  return bound ? ` AND ${amount} ${desc ? '>=' : '<='} ${sqlAmount(String(bound.bound))}` : '';
}

/**
 * The agencies' sort and filter columns (`projects_agency_filters`, schema 42) and the order on
 * them, for a money order whose filters they hold (not a flag's or the latest update's projects,
 * which are by `project_seq`) when one of the agencies fills a file of its own (`copy`: the
 * copy's files of the view); null for the others, which sort the agency copy itself. Ties go by
 * `id_order`, the project id's place among them, as the copy's by the project id. A smaller
 * agency's rows lie in a few of the copy's groups, which DuckDB-WASM read with the names for
 * less than the sort columns' file cost before them (the median unit's second page with its
 * province: 363 KB from the copy, 565 KB with the sort columns first, at 6M rows).
 */
function sortFiles(
  m: PageOf['m'],
  r: Resolved,
  sort: Sort,
  copy: readonly ManifestFile[],
): { files: ManifestFile[]; order: string } | null {
  const cols: readonly string[] = TABLES.projects_agency_filters;
  if (
    !COPY_SORTS.includes(sort) ||
    !activeDims(r).every((d) => cols.includes(column('projects', d))) ||
    !copy.some(ownFile)
  )
    return null;
  const files = filesHolding(tableFiles(m, 'projects_agency_filters'), r.agency!);
  if (files.length === 0) return null;
  return { files, order: SORT_ORDER[sort].replace(/, project_id$/, ', id_order') };
}

/**
 * The agency copy's rows of these agencies and ranks: one arm per agency and run of ranks that
 * fits a row group (`byProximity`), each reading the groups its literal ranges leave of the file
 * that holds it.
 */
function agencyRowsSql(files: readonly ManifestFile[], keys: readonly Row[]): Sql {
  const ids = [...new Set(keys.map((k) => Number(k.agency_id)))];
  const rank = (k: Row) => Number(k.rank);
  return unionAll(
    ids.flatMap((id) =>
      byProximity(
        keys.filter((k) => Number(k.agency_id) === id),
        rank,
        rowGroupRows('projects_agency'),
      ).map((run) => {
        const params: Param[] = [];
        const ranks = inList('rank', run.map(rank), params);
        return {
          sql: `SELECT ${TOP_COLUMNS}, rank FROM ${parquet(filesHolding(files, [id]))}
            WHERE agency_id BETWEEN ${sqlNumber(id)} AND ${sqlNumber(id)} AND ${ranks}`,
          params,
        };
      }),
    ),
  );
}
