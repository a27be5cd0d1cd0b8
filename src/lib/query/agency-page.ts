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
import { activeDims, column, rowSource, type Resolved } from './plan';
import { byProximity } from './lookups';
import { inList, parquet, sqlNumber, unionAll, type Param, type Sql } from './sql';
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
 * default order, ranks past the page are skipped when nothing but the agency filters), then those
 * rows, names included: a run of ranks within a row group at a time.
 */
export async function agencyPage(
  ask: Ask,
  { m, r, sort, limit, offset, years }: PageOf,
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
  const bound = within ? ` AND rank <= ${sqlNumber(offset + limit)}` : '';
  const keys = await ask(
    {
      sql: `SELECT agency_id, rank FROM ${parquet(from)} ${w.sql}${bound}
        ORDER BY ${narrow?.order ?? SORT_ORDER[sort]} LIMIT ${sqlNumber(limit)} OFFSET ${sqlNumber(offset)}`,
      params: w.params,
    },
    from,
  );
  if (keys.length === 0) return [];
  const rows = await ask(agencyRowsSql(files, keys), files);
  const at = new Map(rows.map(({ rank, ...x }) => [`${x.agency_id}:${rank}`, x]));
  return keys.map((k) => at.get(`${k.agency_id}:${k.rank}`)!);
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
