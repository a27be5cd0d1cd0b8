/**
 * Stage: the vendor copy of the contracts, the first projects in each order and the
 * pre-aggregates the explorer plans on.
 */
import { DEFAULT_SORT, type Sort } from '../../../src/lib/query/filters/model.ts';
import { COPY_SORTS, SORT_ORDER } from '../../../src/lib/query/page-sql.ts';
import { LINKED_LISTED, LINKED_ORDER } from '../../../src/lib/query/profile.ts';
import { FLAG_BIT_COLUMNS } from '../../../src/lib/query/flag-bits.ts';
import {
  AGENCY_FACETS,
  FLAG_BITS,
  PROVINCE_TOP_ROWS,
  TABLES,
  TOP_ROWS,
  VENDOR_FLAG_COUNTS,
  VENDOR_TOP,
} from '../../../src/lib/schema/tables.ts';
import { flagCountsSql } from './flag-bits.ts';
import { sqlString } from '../rules.ts';
import type { StageDb } from './db.ts';

/** How many first projects the copies hold (the defaults; tests set less). */
export interface CopySizes {
  topRows?: number;
  provinceTopRows?: number;
  vendorTop?: typeof VENDOR_TOP;
}

/** The narrow vendor copy and the pre-aggregates, from the built tables. */
export async function buildAggregates(db: StageDb, sizes: CopySizes = {}): Promise<void> {
  const { topRows = TOP_ROWS, provinceTopRows = PROVINCE_TOP_ROWS, vendorTop = VENDOR_TOP } = sizes;
  db.stage('building the vendor copy and the pre-aggregates');
  // The project's name and flags (stages/flag-bits.ts) beside each of its contracts.
  const fromProject = new Set<string>(FLAG_BITS);
  const byVendor = TABLES.contracts_by_vendor.map((c) =>
    c === 'project_name' ? 'd.project_name' : fromProject.has(c) ? `f.${c}` : `c.${c}`,
  );
  await db.run(`CREATE OR REPLACE TABLE contracts_by_vendor AS
    SELECT ${byVendor.join(', ')} FROM contracts c
    LEFT JOIN (SELECT project_id, project_name FROM details) d ON d.project_id = c.project_id
    LEFT JOIN (SELECT project_seq, ${FLAG_BITS.join(', ')} FROM projects) f ON f.project_seq = c.project_seq
    WHERE c.vendor_id IS NOT NULL`);
  await busyVendors(db, vendorTop.over);
  await firstProjects(db, topRows, vendorTop);
  await provincesFirstProjects(db, provinceTopRows);
  await agencyProjects(db);
  // Discount against the reference price counts only projects that have both amounts.
  const ref = `coalesce(sum(price_build) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0) AS ref_price,
    coalesce(sum(agreed) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0) AS ref_agreed`;
  // Dimensions may be NULL (no method, no type): join on IS NOT DISTINCT FROM. Every contract's
  // project is in projects, so projects' groups cover all contract groups.
  // A contract row's project status is `project_status_id` (its own is the contract's).
  const asContract = (c: string) => (c === 'status_id' ? 'project_status_id AS status_id' : c);
  const cube = async (table: string, dims: string[]) => {
    const d = dims.join(', ');
    await db.run(`CREATE OR REPLACE TABLE ${table} AS
      WITH p AS (SELECT ${d}, count(*)::INTEGER AS projects, coalesce(sum(budget), 0) AS budget, ${ref}
                 FROM projects GROUP BY ALL),
           c AS (SELECT ${dims.map(asContract).join(', ')}, count(*)::INTEGER AS contracts,
                        sum(price_agree) AS agreed FROM contracts GROUP BY ALL)
      SELECT p.*, coalesce(c.contracts, 0)::INTEGER AS contracts, coalesce(c.agreed, 0) AS agreed
      FROM p LEFT JOIN c ON ${dims.map((x) => `p.${x} IS NOT DISTINCT FROM c.${x}`).join(' AND ')}`);
  };
  await cube('agg_agency_year', ['agency_id', 'fiscal_year', 'province_id', 'district_id']);
  await cube('agg_agency', ['agency_id']);
  await agencyOrdered(db);
  await vendorOrdered(db, ref);
  await db.run('DROP TABLE busy_vendors');
  await db.run('DROP TABLE busy_projects');
  await cube('agg_cube', ['fiscal_year', 'method_id', 'type_id', 'province_id', 'status_id']);
  await cube('agg_place', ['province_id', 'fiscal_year', 'district_id', 'agency_id', 'method_id']);
  await db.run(`CREATE OR REPLACE TABLE agg_vendor_year AS
    SELECT vendor_id, fiscal_year, count(*)::INTEGER AS contracts, count(DISTINCT project_id)::INTEGER AS projects,
           count(DISTINCT agency_id)::INTEGER AS agencies, coalesce(sum(price_agree), 0) AS agreed
    FROM contracts WHERE vendor_id IS NOT NULL GROUP BY 1, 2`);
  // Contracts counted and summed by `dims` (expressions); `winners`: only those with a vendor.
  const contractSums = (table: string, dims: string[], winners = false) =>
    db.run(`CREATE OR REPLACE TABLE ${table} AS
      SELECT ${dims.join(', ')}, count(*)::INTEGER AS contracts, coalesce(sum(price_agree), 0) AS agreed
      FROM contracts ${winners ? 'WHERE vendor_id IS NOT NULL' : ''} GROUP BY ALL`);
  const month = 'month(contract_date)::TINYINT AS month';
  // The same by province and method (agg_place's companions; written in province order).
  await contractSums(
    'agg_vendor_place',
    ['province_id', 'fiscal_year', 'method_id', 'vendor_id'],
    true,
  );
  await contractSums('agg_vendor_province', ['province_id', 'method_id', 'vendor_id'], true);
  await contractSums('agg_month_place', ['province_id', 'fiscal_year', 'method_id', month]);
  await contractSums('agg_month', ['fiscal_year', month]);
  // By the project's method, status and type (agg_cube's facets): a view of two of them.
  const facets = ['status_id', 'type_id', 'method_id'].map(asContract);
  await db.run(`CREATE OR REPLACE TABLE agg_agency_facets AS
    SELECT status_id, type_id, method_id, agency_id, count(*)::INTEGER AS projects,
           coalesce(sum(budget), 0) AS budget
    FROM projects GROUP BY ALL`);
  await contractSums('agg_vendor_facets', [...facets, 'vendor_id'], true);
  await contractSums('agg_month_facets', [...facets, 'fiscal_year', month]);
  // The province ones by the project's type and status instead of its method.
  const place = ['province_id', 'type_id', 'status_id'];
  await cube('agg_place_facets', [...place, 'fiscal_year', 'agency_id', 'district_id']);
  const placeOfContract = place.map(asContract);
  await contractSums(
    'agg_vendor_place_facets',
    [...placeOfContract, 'fiscal_year', 'vendor_id'],
    true,
  );
  await contractSums('agg_vendor_province_facets', [...placeOfContract, 'vendor_id'], true);
  await contractSums('agg_month_place_facets', [...placeOfContract, 'fiscal_year', month]);
  await agencyFacets(cube, contractSums, asContract, month);
}

/**
 * An agency's rows by every facet (the write stage orders them by agency): its numbers with a
 * method, type or status, by year (`cube`), month and winner (`sums` of contracts, the project's
 * status `asContract`; `month` its expression).
 */
async function agencyFacets(
  cube: (table: string, dims: string[]) => Promise<void>,
  sums: (table: string, dims: string[], winners?: boolean) => Promise<unknown>,
  asContract: (c: string) => string,
  month: string,
): Promise<void> {
  const dims = [...AGENCY_FACETS];
  await cube('agg_agency_cube', [...dims, 'fiscal_year']);
  await sums('agg_agency_month', [...dims.map(asContract), month]);
  await sums('agg_agency_winners', [...dims.map(asContract), 'vendor_id'], true);
}

/**
 * An agency's rows in one small group each (the write stage orders them by agency): its years
 * (the rows of `agg_agency_year`), its method mix and its winners' sums (profile.ts
 * concentrationSql: contracts with a winner and a value).
 */
async function agencyOrdered(db: StageDb): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE agg_agency_year_by_agency AS SELECT * FROM agg_agency_year`,
  );
  await db.run(`CREATE OR REPLACE TABLE agg_agency_method AS
    SELECT agency_id, method_id, count(*)::INTEGER AS projects, coalesce(sum(budget), 0) AS budget
    FROM projects GROUP BY ALL`);
  await db.run(`CREATE OR REPLACE TABLE agg_agency_vendor AS
    SELECT agency_id, vendor_id, count(*)::INTEGER AS contracts, sum(price_agree) AS agreed
    FROM contracts WHERE vendor_id IS NOT NULL AND price_agree > 0 GROUP BY ALL`);
}

/**
 * A busy vendor's rows in one small group (the write stage orders them by vendor): its years and
 * methods, and its agencies, from `busy_projects` (each of its projects once, its money once,
 * as the site's SQL counts them on the vendor copy: aggregate-sql.ts contractGroups); `ref`: the
 * reference-price sums over `price_build` and `agreed` (the project's).
 */
async function vendorOrdered(db: StageDb, ref: string): Promise<void> {
  for (const [table, dims] of [
    ['agg_vendor_method', 'vendor_id, fiscal_year, method_id'],
    ['agg_vendor_agency', 'vendor_id, agency_id'],
  ]) {
    await db.run(`CREATE OR REPLACE TABLE ${table} AS
      SELECT ${dims}, count(*)::INTEGER AS projects, coalesce(sum(budget), 0) AS budget, ${ref},
             sum(contracts)::INTEGER AS contracts, coalesce(sum(contract_value), 0) AS agreed
      FROM busy_projects GROUP BY ALL`);
  }
  // Its flags' counts over all years (flag-bits.ts), each of its projects once.
  await db.run(`CREATE OR REPLACE TABLE ${VENDOR_FLAG_COUNTS} AS
    SELECT vendor_id, count(*)::INTEGER AS projects, ${flagCountsSql('all')}
    FROM busy_projects GROUP BY vendor_id`);
}

/** A busy vendor's first projects in each money order (`vendor_top`), from `busy_projects`. */
async function busyVendorsTop(db: StageDb, rows: number): Promise<void> {
  const cols = TABLES.vendor_top.filter((c) => c !== 'vendor_id' && c !== 'sort' && c !== 'rank');
  const firstOf = (sort: Sort) =>
    `SELECT * FROM (SELECT vendor_id, ${sqlString(sort)} AS sort,
       row_number() OVER (PARTITION BY vendor_id ORDER BY ${SORT_ORDER[sort]})::INTEGER AS rank, ${cols.join(', ')}
     FROM busy_projects) WHERE rank <= ${Number(rows)}`;
  await db.run(
    `CREATE OR REPLACE TABLE vendor_top AS ${COPY_SORTS.map(firstOf).join(' UNION ALL ')}`,
  );
}

/** Each of the table's money orders' first projects: of every project, and of each busy vendor. */
async function firstProjects(
  db: StageDb,
  topRows: number,
  vendorTop: typeof VENDOR_TOP,
): Promise<void> {
  // Each of the table's money orders (page-sql.ts COPY_SORTS), its first `topRows` projects.
  const top = TABLES.projects_top.filter(
    (c) => c !== 'sort' && c !== 'rank' && c !== 'project_name',
  );
  const firstOf = (sort: Sort) =>
    `SELECT ${sqlString(sort)} AS sort, row_number() OVER (ORDER BY ${SORT_ORDER[sort]})::INTEGER AS rank, *
     FROM (SELECT ${top.join(', ')} FROM projects ORDER BY ${SORT_ORDER[sort]} LIMIT ${Number(topRows)})`;
  await db.run(`CREATE OR REPLACE TABLE projects_top AS
    SELECT t.*, n.project_name FROM (${COPY_SORTS.map(firstOf).join(' UNION ALL ')}) t
    LEFT JOIN project_names n USING (project_seq)`);
  await db.run(`CREATE OR REPLACE TABLE projects_top_filters AS
    SELECT ${TABLES.projects_top_filters.join(', ')} FROM projects_top`);
  await busyVendorsTop(db, vendorTop.rows);
  // A busy vendor's first contracts linked by name, as its profile lists them (profile.ts).
  await db.run(`CREATE OR REPLACE TABLE vendor_linked AS
    SELECT * FROM (SELECT vendor_id, row_number() OVER (PARTITION BY vendor_id ORDER BY ${LINKED_ORDER})::INTEGER AS rank,
                          ${TABLES.vendor_linked.slice(2).join(', ')}
                   FROM contracts_by_vendor WHERE vendor_match > 0 AND vendor_id IN (SELECT vendor_id FROM busy_vendors))
    WHERE rank <= ${Number(LINKED_LISTED)}`);
}

/**
 * Each province's first projects in the table's default order (`projects_top_province`): a page
 * of one province and other project columns reads its province's rows only.
 */
async function provincesFirstProjects(db: StageDb, rows: number): Promise<void> {
  const cols = TABLES.projects_top_province.filter(
    (c) => c !== 'province_id' && c !== 'rank' && c !== 'project_name',
  );
  await db.run(`CREATE OR REPLACE TABLE projects_top_province AS
    SELECT t.*, n.project_name FROM (
      SELECT * FROM (SELECT province_id,
          row_number() OVER (PARTITION BY province_id ORDER BY ${SORT_ORDER[DEFAULT_SORT]})::INTEGER AS rank,
          ${cols.join(', ')}
        FROM projects WHERE province_id IS NOT NULL)
      WHERE rank <= ${Number(rows)}) t
    LEFT JOIN project_names n USING (project_seq)`);
}

/**
 * Every agency's projects in the table's default order (`projects_agency`): a page of an agency's
 * view reads that agency's rows only. Beside it the columns such a page sorts and filters by
 * (`projects_agency_filters`), with each project's place in project id order among them.
 */
async function agencyProjects(db: StageDb): Promise<void> {
  const cols = TABLES.projects_agency.filter(
    (c) => c !== 'agency_id' && c !== 'rank' && c !== 'project_name',
  );
  await db.run(`CREATE OR REPLACE TABLE projects_agency AS
    SELECT p.*, n.project_name FROM (
      SELECT agency_id,
          row_number() OVER (PARTITION BY agency_id ORDER BY ${SORT_ORDER[DEFAULT_SORT]})::INTEGER AS rank,
          ${cols.join(', ')}
      FROM projects WHERE agency_id IS NOT NULL) p
    LEFT JOIN project_names n USING (project_seq)`);
  const filters = TABLES.projects_agency_filters.filter((c) => c !== 'id_order');
  await db.run(`CREATE OR REPLACE TABLE projects_agency_filters AS
    SELECT ${filters.join(', ')}, (row_number() OVER (ORDER BY project_id))::INTEGER AS id_order
    FROM projects_agency`);
}

/**
 * The busy vendors (`busy_vendors`): those with more than `over` contracts, and any of an id
 * between them (ids are in order of contracts: dimensions.ts buildVendors), so that they are ids 1 to the
 * largest, a range the site reads from `vendor_top`'s (page-sql.ts busyVendor). Their profiles
 * and pages read the tables of busy vendors (schema 30), the others their rows of the vendor copy.
 */
async function busyVendors(db: StageDb, over: number): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE busy_vendors AS
    SELECT DISTINCT vendor_id FROM contracts_by_vendor
    WHERE vendor_id <= (SELECT max(vendor_id) FROM (SELECT vendor_id FROM contracts_by_vendor
                        GROUP BY 1 HAVING count(*) > ${Number(over)}))`);
  // Their projects, once per vendor, as the site's page of a vendor's view groups its rows of the
  // copy (page-sql.ts rowsSql): the project's columns and money once, the vendor's contracts in
  // it counted and summed. Their pages, aggregates and flag counts all come from here.
  const { covered, flagged } = FLAG_BIT_COLUMNS.all;
  const each = [
    ...TABLES.vendor_top.filter(
      (c) =>
        !['vendor_id', 'sort', 'rank', 'project_id', 'contracts', 'contract_value'].includes(c),
    ),
    'price_build',
    covered,
    flagged,
  ];
  await db.run(`CREATE OR REPLACE TABLE busy_projects AS
    SELECT vendor_id, project_id, ${each.map((c) => `any_value(${c}) AS ${c}`).join(', ')},
           count(*)::INTEGER AS contracts, sum(price_agree) AS contract_value
    FROM contracts_by_vendor WHERE vendor_id IN (SELECT vendor_id FROM busy_vendors)
    GROUP BY vendor_id, project_id`);
}
