/**
 * A view's totals, facets and charts, asked as one batch: those over the same rows share a query
 * (aggregateBatch). Under a year and an agency, say: the totals and the top agencies are one
 * query of `agg_agency_year`; the method, type and status facets and the year × method chart one
 * scan of the agency's projects; the month chart and the top vendors one of its contracts. The
 * rows are shaped for the page by query/overview.ts, as the headline files' are.
 */
import type { Row } from '../query/aggregate';
import { overviewRows, shapeOverview, type Overview } from '../query/overview';
import type { YearCount } from '../query/page-sql';
import type { Resolved } from '../query/plan';
import { wholeAgencies, type WholeAgency } from '../query/whole-agencies';
import type { Manifest } from '../schema/tables';
import { Memo, memoKey } from './cache';
import { ask, dimensions, namesById } from './lookup';

export type { Charts, FacetItem, Facets, Overview, OverviewRows, Totals } from '../query/overview';

/**
 * A view's overview, per snapshot and resolved filters: the table's order and page are not
 * among them, so sorting or paging a view asks only for its rows. (A search's, a flag's or the
 * first-seen filter's hits table is named from its inputs: the same name holds the same hits.)
 */
const overviews = new Memo<Overview>(200);

export function overview(m: Manifest, r: Resolved): Promise<Overview> {
  overviews.trim();
  return overviews.get(memoKey(m.snapshot_id, r), async () => {
    const d = await dimensions(m);
    return shapeOverview(d, await overviewRows(ask, m, r), (table, ids) =>
      namesById<Row>(m, table, table === 'agencies' ? 'agency_id' : 'vendor_id', ids),
    );
  });
}

/**
 * The view's projects per year from its overview's year facet, when this page has that overview
 * already (the view was on screen, in another order or page): a page in a year order then asks
 * no count of its own. The facet counts every year under the other filters; the view's are
 * those of its years.
 */
export async function knownYears(m: Manifest, r: Resolved): Promise<YearCount[] | undefined> {
  const fy = (await overviews.peek(memoKey(m.snapshot_id, r))?.catch(() => null))?.facets.fy;
  return fy
    ?.map((x) => ({ year: Number(x.value), n: x.projects }))
    .filter((x) => r.fy.length === 0 || r.fy.includes(x.year));
}

/** The view's largest agencies at the agency level, every unit of a name summed (#21). */
export function loadWholeAgencies(m: Manifest, r: Resolved): Promise<WholeAgency[]> {
  return wholeAgencies(ask, m, r);
}
