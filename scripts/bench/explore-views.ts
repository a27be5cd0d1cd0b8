/** The explorer benchmark's fixed views, picked from a dataset (bench:explore, bench:batch). */
import { DuckDBInstance } from '@duckdb/node-api';
import { BUSY_NAMES } from '../../src/lib/headline/files.ts';
import { benchFiles } from './site.ts';
import type { Interaction } from './views.ts';

/**
 * What the benchmarks pick from a dataset (bench:explore, bench:profiles): the latest year, its
 * busiest agency name (a worst case) and its median agency unit (by projects that year, told apart
 * by sub-unit and province as a citizen's link to their own municipality is), and vendors by rank.
 */
export async function benchPicks(data: string) {
  const { m, list } = benchFiles(data);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const one = async (sql: string) =>
    (await db.runAndReadAll(sql)).getRowObjectsJson()[0] as Record<string, string>;
  const fy = Math.max(...m.fiscal_years);
  const agency = await one(`SELECT a.dept_name FROM read_parquet(${list('agg_agency_year')}) g
    JOIN read_parquet(${list('agencies')}) a USING (agency_id) WHERE g.fiscal_year = ${fy}
    GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1`);
  const median = await one(`SELECT a.dept_name, a.dept_sub_name, a.province, a.agency_key
    FROM read_parquet(${list('agg_agency_year')}) g JOIN read_parquet(${list('agencies')}) a USING (agency_id)
    WHERE g.fiscal_year = ${fy} GROUP BY ALL ORDER BY sum(g.projects) DESC, any_value(a.agency_key)
    LIMIT 1 OFFSET (SELECT count(DISTINCT agency_id) // 2 FROM read_parquet(${list('agg_agency_year')}) WHERE fiscal_year = ${fy})`);
  // Vendors are Zipf-distributed: the busiest has ~9% of all contracts (a worst case), the
  // 100th a few thousand (a large but ordinary supplier); the 300th is past the busy vendors
  // whose views the headline files hold (BUSY_VENDORS), the 3,000th an ordinary one.
  const vendorAt = (rank: number) =>
    one(`SELECT v.tin FROM read_parquet(${list('agg_vendor_year')}) g
    JOIN read_parquet(${list('vendors')}) v USING (vendor_id) WHERE v.tin IS NOT NULL
    GROUP BY 1 ORDER BY sum(g.contracts) DESC, 1 LIMIT 1 OFFSET ${rank - 1}`);
  // The busiest agency name past the busy ones (BUSY_NAMES: no headline file of its pairs with
  // a facet value, schema 44); none in a set with fewer names.
  const pastBusy = (
    await one(`SELECT a.dept_name FROM read_parquet(${list('agg_agency_year')}) g
    JOIN read_parquet(${list('agencies')}) a USING (agency_id) WHERE a.dept_name IS NOT NULL
    GROUP BY 1 ORDER BY sum(g.projects) DESC, 1 LIMIT 1 OFFSET ${BUSY_NAMES.max}`)
  )?.dept_name;
  return { m, list, db, one, fy, agency, median, pastBusy, vendorAt };
}

/** The fixed interactions, with values picked from the data (the busiest agency, vendor …). */
export async function exploreViews(data: string): Promise<Interaction[]> {
  const { list, db, one, fy, agency, median, pastBusy, vendorAt } = await benchPicks(data);
  const vendor = await vendorAt(100);
  const busiest = await vendorAt(1);
  const past = await vendorAt(300);
  const ordinary = await vendorAt(3000);
  const provinceAt = (offset: number) =>
    one(`SELECT p.province_name FROM read_parquet(${list('agg_cube')}) g
    JOIN read_parquet(${list('provinces')}) p USING (province_id)
    GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1 OFFSET ${offset}`);
  const province = await provinceAt(1);
  const status = await one(`SELECT s.status_name FROM read_parquet(${list('agg_cube')}) g
    JOIN read_parquet(${list('statuses')}) s USING (status_id) GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1`);
  const types = (
    await db.runAndReadAll(`SELECT t.type_name FROM read_parquet(${list('agg_cube')}) g
    JOIN read_parquet(${list('project_types')}) t USING (type_id) GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 2`)
  )
    .getRowObjectsJson()
    .map((r) => String(r.type_name));
  const busiestProvince = await provinceAt(0);
  const q = (o: Record<string, string>) => `/explore?${new URLSearchParams(o)}`;
  // The median agency as the site links a unit (the agency list, the top agencies chart).
  const unit = {
    agency: median.dept_name!,
    ...(median.dept_sub_name ? { sub: median.dept_sub_name } : {}),
    ...(median.province ? { province: median.province } : {}),
  };
  return [
    { name: 'landing page', path: '/' },
    { name: 'one year', path: q({ fy: String(fy) }) },
    { name: 'year + agency', path: q({ fy: String(fy), agency: agency.dept_name! }) },
    { name: 'year + agency name (median)', path: q({ fy: String(fy), agency: median.dept_name! }) },
    { name: 'year + agency (median)', path: q({ fy: String(fy), ...unit }) },
    // The same unit over all years (schema 25: its numbers and first page from its own file).
    { name: 'agency unit, all years (median)', path: q(unit) },
    // Its page in year order (goal 2's last miss in session 41: 2.5 MB), and pages past the
    // first (schema 41: an agency's pages from its own projects, where they read every year's).
    {
      name: 'agency unit, all years (median), earliest year first',
      path: q({ ...unit, sort: 'fy' }),
    },
    { name: 'agency unit, all years (median), page 2', path: q({ ...unit, page: '2' }) },
    {
      name: 'agency name, all years (busiest), page 2',
      path: q({ agency: agency.dept_name!, page: '2' }),
    },
    {
      name: 'agency name, all years (busiest), by agreed',
      path: q({ agency: agency.dept_name!, sort: '-agreed' }),
    },
    {
      name: 'vendor, all years (3,000th busiest), page 2',
      path: q({ vendor: ordinary.tin!, page: '2' }),
    },
    // The busiest agency name over all years (schema 28: its years from the agency-ordered table).
    { name: 'agency name, all years (busiest)', path: q({ agency: agency.dept_name! }) },
    { name: 'vendor, all years (100th busiest)', path: q({ vendor: vendor.tin! }) },
    { name: 'vendor, all years (busiest)', path: q({ vendor: busiest.tin! }) },
    // Its page by contract value (schema 30: from its first projects in that order, not its rows).
    {
      name: 'vendor, all years (busiest), by contract value',
      path: q({ vendor: busiest.tin!, sort: '-agreed' }),
    },
    { name: 'vendor, all years (300th busiest)', path: q({ vendor: past.tin! }) },
    { name: 'vendor, all years (3,000th busiest)', path: q({ vendor: ordinary.tin! }) },
    {
      name: 'province + method',
      path: q({ province: province.province_name!, method: 'specific' }),
    },
    // A method alone, all years: no agency, vendor or province narrows it (a common first filter).
    { name: 'method, all years', path: q({ method: 'specific' }) },
    // The province with the most projects (Bangkok in real data), all years: a worst case.
    { name: 'province (busiest)', path: q({ province: busiestProvince.province_name! }) },
    { name: 'national (top vendors)', path: '/explore' },
    // What the latest update added (the /new page's view), and since a date (/following).
    { name: 'seen: the latest update', path: q({ seen: 'latest' }) },
    {
      name: 'seen: the latest update, one agency',
      path: q({ seen: 'latest', agency: agency.dept_name! }),
    },
    { name: 'deep page (page 2000)', path: q({ page: '2000' }) },
    // A year's page past the first: its numbers from the headline files, its rows from the
    // ordered copy (schema 17).
    { name: 'one year, page 20', path: q({ fy: String(fy), page: '20' }) },
    ...orderViews(q, fy, province.province_name!, agency.dept_name!),
    ...facetViews(q, fy, province.province_name!, status.status_name!, types),
    ...agencyFacetViews(q, { agency, median, pastBusy }, unit, status.status_name!, types[0]!),
  ];
}

/**
 * An agency with one value of a facet over all years, as its facets link them: its busiest name,
 * its median unit (`unit`: the unit's link filters) and that unit's name (busy: schema 44's
 * headline file), and the busiest name past the busy ones (no file: the engine's).
 */
function agencyFacetViews(
  q: (o: Record<string, string>) => string,
  names: {
    agency: Record<string, string>;
    median: Record<string, string>;
    pastBusy: string | undefined;
  },
  unit: Record<string, string>,
  status: string,
  type: string,
): Interaction[] {
  const agency = names.agency.dept_name!;
  const past = names.pastBusy;
  return [
    { name: 'agency name + method, all years (busiest)', path: q({ agency, method: 'specific' }) },
    { name: 'agency name + type, all years (busiest)', path: q({ agency, type }) },
    { name: 'agency name + status, all years (busiest)', path: q({ agency, status }) },
    {
      name: 'agency unit + method, all years (median)',
      path: q({ ...unit, method: 'specific' }),
    },
    {
      name: 'agency name + method, all years (median)',
      path: q({ agency: names.median.dept_name!, method: 'specific' }),
    },
    ...(past
      ? [
          {
            name: 'agency name + method, all years (past the busy names)',
            path: q({ agency: past, method: 'specific' }),
          },
        ]
      : []),
  ];
}

/** Views of several facets, or several values of one (`q` makes an explorer link). */
function facetViews(
  q: (o: Record<string, string>) => string,
  fy: number,
  province: string,
  status: string,
  types: string[],
): Interaction[] {
  return [
    // A province with a type or a status: the province pre-aggregates by type and status (schema
    // 24; the facts before).
    { name: 'province + type', path: q({ province, type: types[0]! }) },
    { name: 'province + type, one year', path: q({ fy: String(fy), province, type: types[0]! }) },
    {
      name: 'province + status',
      path: q({ province, status }),
    },
    // Two types: two values of a facet without groups (the engine's).
    {
      name: 'two types, all years',
      path: `/explore?${new URLSearchParams(types.map((t) => ['type', t]))}`,
    },
    // Two values of one facet (method groups: their own files since schema 24), and two facets
    // without a province (their own files since schema 23).
    ...[null, fy].map((year) => ({
      name: `two method groups, ${year ? 'one year' : 'all years'}`,
      path: `/explore?${new URLSearchParams([
        ...(year ? [['fy', String(year)]] : []),
        ['method', 'open'],
        ['method', 'specific'],
      ])}`,
    })),
    {
      name: 'method + status, all years',
      path: q({ method: 'specific', status }),
    },
    // The same pair in one year (a year file of its own since schema 23).
    {
      name: 'method + status, one year',
      path: q({ fy: String(fy), method: 'specific', status }),
    },
  ];
}

/** Views in other orders than the default (`q` makes an explorer link). */
function orderViews(
  q: (o: Record<string, string>) => string,
  fy: number,
  province: string,
  agency: string,
): Interaction[] {
  return [
    // Other orders than the default: the money orders' pages from the ordered copy (schema 19).
    { name: 'national, by agreed', path: q({ sort: '-agreed' }) },
    { name: 'one year, smallest budget first', path: q({ fy: String(fy), sort: 'budget' }) },
    {
      name: 'province + method, by agreed',
      path: q({ province, method: 'specific', sort: '-agreed' }),
    },
    // The year orders (schema 20: from the facts' own order): a method, a province + method
    // whose first year has no match, and a past year.
    { name: 'method, all years, by year', path: q({ method: 'specific', sort: '-fy' }) },
    {
      name: 'province + method, earliest year first',
      path: q({ province, method: 'specific', sort: 'fy' }),
    },
    { name: 'a past year, by year', path: q({ fy: String(fy - 3), sort: 'fy' }) },
    // The busiest agency name's 146k projects in a money order, with a filter too (schema 42:
    // sorted from their sort columns alone).
    {
      name: 'agency name, all years (busiest), smallest budget first',
      path: q({ agency, sort: 'budget' }),
    },
    {
      name: 'agency name + method, all years (busiest), by agreed',
      path: q({ agency, method: 'specific', sort: '-agreed' }),
    },
  ];
}
