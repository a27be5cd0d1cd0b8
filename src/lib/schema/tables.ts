/**
 * The published dataset's contract: table names, columns and the file each table lives in.
 * The ingest writes exactly these; the site reads only these (identifiers in SQL come from here).
 * Documented for re-users in docs/data-schema.md.
 */
import type { HeadlineInfo } from '../headline/files';
import { FLAG_IDS, type FlagId } from '../query/flag-defs';

export const SCHEMA_VERSION = 47;
/**
 * The oldest published data the site reads: older snapshots get a message to re-run the ingest
 * (the ingest writes only the current version; docs/data-schema.md lists the changes).
 */
export const MIN_SCHEMA_VERSION = 11;

/** A project's filter columns and money, repeated on each of its contract rows. */
const PROJECT_ON_CONTRACT = [
  'method_id',
  'type_id',
  'province_id',
  'district_id',
  'project_status_id',
  'budget',
  'price_build',
  'agreed',
] as const;
/** What the pre-aggregates count and sum, each project once. */
/**
 * A project's integrity flags as the ingest computed them at the default thresholds (schema 27;
 * src/lib/query/flag-bits.ts): bit i is flag-defs.ts `FLAG_IDS[i]`; over the project's own fiscal
 * year and over all years, the flags that could be computed for it (`_covered`) and those it
 * raised. On `projects` and on the vendor copy.
 */
export const FLAG_BITS = [
  'flags_year_covered',
  'flags_year',
  'flags_all_covered',
  'flags_all',
] as const;

/** Over the project's own fiscal year, or over all years (FLAG_BITS' two scopes). */
export type BitScope = 'year' | 'all';
/** The table of each scope's flag counts (schema 28): by year and agency, by agency. */
export const FLAG_COUNT_TABLES = {
  year: 'agg_flags',
  all: 'agg_flags_all',
} as const satisfies Record<BitScope, TableName>;
/** A busy vendor's counts over all years (from its rows of the vendor copy, each project once). */
export const VENDOR_FLAG_COUNTS = 'agg_flags_vendor' as const satisfies TableName;
/**
 * A flag's count in its scope's table (FLAG_COUNT_TABLES): the row's projects it could not be
 * computed for (`uncovered`: covered is `projects` minus these, and nearly always all of them)
 * or raised (`flagged`), over their own year or over all years, from the bits of FLAG_BITS.
 */
export function flagCountColumn(id: FlagId, scope: BitScope, what: 'uncovered' | 'flagged') {
  return `${id.toLowerCase() as Lowercase<FlagId>}_${scope}_${what}` as const;
}
/** One scope's counts of every flag (`agg_flags` and `agg_flags_all`). */
const flagCounts = (scope: BitScope) =>
  FLAG_IDS.flatMap((id) =>
    (['uncovered', 'flagged'] as const).map((what) => flagCountColumn(id, scope, what)),
  );

const MEASURES = ['projects', 'budget', 'ref_price', 'ref_agreed', 'contracts', 'agreed'] as const;

/** The agency-ordered pre-aggregates' first columns (schema 43): an agency and every facet. */
export const AGENCY_FACETS = [
  'agency_id',
  'method_id',
  'type_id',
  'status_id',
  'province_id',
  'district_id',
] as const;

/** A project's year, agency and facet columns, as `projects` and `projects_top` hold them. */
const PROJECT_FILTERS = [
  'fiscal_year',
  'agency_id',
  'method_id',
  'type_id',
  'province_id',
  'district_id',
  'status_id',
] as const;

export const TABLES = {
  /** One row per project: project money stored once. Partitioned by fiscal year. */
  projects: [
    'project_id',
    /** The project's place in the order fiscal year, agency, project (this snapshot only). */
    'project_seq',
    ...PROJECT_FILTERS,
    'budget',
    'price_build',
    'agreed',
    'contract_count',
    'announce_date',
    'transaction_date',
    /** Tenderers (OCDS `numberOfTenderers`); null where the source does not say (e-GP files). */
    'tenderers',
    ...FLAG_BITS,
  ],
  /**
   * One row per contract × winner, with the contract value and its project's filter columns and
   * money (so views filtered by vendor or contract need no join). Partitioned by fiscal year.
   */
  contracts: [
    'project_id',
    'project_seq',
    'fiscal_year',
    'agency_id',
    'vendor_id',
    ...PROJECT_ON_CONTRACT,
    'contract_no',
    'contract_date',
    'contract_finish_date',
    'price_agree',
    'status_id',
    /**
     * 0: the record carries its vendor's key (the tax id, or the name for a name key); linked by
     * name because its tax id was 1: broken, 2: masked (docs/data-schema.md).
     */
    'vendor_match',
  ],
  /**
   * The raw text of each project, ordered like the facts (agency, project): read for a project's
   * detail panel and for exports. Its name is in `project_names`.
   */
  details: [
    'project_id',
    'project_seq',
    'agency_id',
    'fiscal_year',
    'method_raw',
    'method_group_raw',
    'method_source',
    'district',
    'subdistrict',
  ],
  /**
   * Each project's name, by `project_seq`, in the files and row groups of `details`:
   * the rows on screen are named from here. Unlike `details`, whose footers carried the min and
   * max of five long text columns per row group (172 KB for a 250k-row file at 6M rows), a names
   * file's footer is small, and a view reads one per file its rows are in.
   */
  project_names: ['project_seq', 'project_name'],
  /**
   * Project id → `project_seq`, per fiscal year, ordered by the id as a number (`id_number`: the
   * id's digits, 0 for an id that is not all digits): a link to a project (`/project?id=`) finds
   * its row by the number's row-group statistics in one small group (since schema 26; the facts
   * are ordered by agency, so an id alone read a year's whole `project_id` column, 7 MB at 6M).
   */
  project_ids: ['id_number', 'project_id', 'project_seq'],
  /**
   * Copy of contracts ordered by vendor: a vendor across all years reads one file's row groups,
   * names of its projects included, so its table needs no lookup in `project_names`, whose
   * footers and row groups a vendor's scattered projects would each cost. Within a vendor, rows
   * follow `project_seq` (so also years), so the names of the rows on screen are read
   * from the few row groups that hold them, not from all of a busy vendor's.
   */
  contracts_by_vendor: [
    'vendor_id',
    'project_seq',
    // Beside the seq (schema 31): a vendor's flags read the seq and the bits of its rows, and
    // DuckDB-WASM's read-ahead ran on through the columns between (4.0 MB for the busiest vendor
    // at 6M rows, its project ids among them).
    ...FLAG_BITS,
    'fiscal_year',
    'project_id',
    'agency_id',
    ...PROJECT_ON_CONTRACT,
    'contract_date',
    'price_agree',
    'vendor_match',
    'project_name',
  ],
  /**
   * The first `TOP_ROWS` projects in each of the table's money orders (`sort`: `-budget`, the
   * default, is budget, largest first, no budget last, ties by project id; page-sql.ts
   * COPY_SORTS lists them; schema 20; the year orders too in 19, the default order alone since
   * 17) with what the table shows and filters by, names included: a page of any view in any
   * such order whose filters are project columns reads the first row groups of its order's file
   * only (a deep page its own), not every year's projects and the names' files. `rank` is the
   * place in that order, from 1. The year orders need no copy: they follow the facts' own order.
   */
  projects_top: [
    'sort',
    'rank',
    'project_seq',
    'project_id',
    ...PROJECT_FILTERS,
    'budget',
    'agreed',
    'contract_count',
    'project_name',
  ],
  /**
   * Each province's first `PROVINCE_TOP_ROWS` projects in the table's default order (budget,
   * largest first; schema 37), ordered by province, then `rank` (the place in that order within
   * the province, from 1), with what the table shows and filters by, names included. A page of a
   * view of one province and other project columns (a year, a type, a method …) in that order
   * reads its province's few row groups: in `projects_top` such matches lie far apart (a province
   * and a type in one year: 50 rows in as many row groups, 1.5 MB at 6M rows). Split into files
   * by ranges of provinces (the manifest's `key_min` and `key_max`).
   */
  projects_top_province: [
    'province_id',
    'rank',
    'project_seq',
    'project_id',
    ...PROJECT_FILTERS.filter((c) => c !== 'province_id'),
    'budget',
    'agreed',
    'contract_count',
    'project_name',
  ],
  /**
   * Every project with an agency, ordered by agency, then `rank` (the place in the table's
   * default order within the agency, from 1; schema 41), with what the table shows and filters
   * by, names included. A page of an agency's view over all years, in any order and past the
   * first, reads that agency's few row groups: from the facts it read the agency's rows of every
   * year's file and their names (5.9 MB for the median unit's second page, 21.6 MB for the
   * busiest agency name's, at 6M rows). Split into files by ranges of agencies (the manifest's
   * `key_min` and `key_max`).
   */
  projects_agency: [
    'agency_id',
    'rank',
    'project_seq',
    'project_id',
    ...PROJECT_FILTERS.filter((c) => c !== 'agency_id'),
    'budget',
    'agreed',
    'contract_count',
    'project_name',
  ],
  /**
   * The columns a page of an agency's view sorts and filters by in the money orders, when an
   * agency of the view fills a file of its own (schema 42): `projects_agency`'s rows in its order
   * and files, without the names and ids between them (DuckDB-WASM's read-ahead read those too:
   * 3.1 of the busiest agency's 3.1 MB file to sort its 146k projects by contract value, at 6M
   * rows). `id_order` is the project's place in project id order among all of them: the orders'
   * tie-break as an integer, 0.45 MB of that agency's rows where its project ids took 0.75.
   */
  projects_agency_filters: [
    'agency_id',
    'rank',
    ...PROJECT_FILTERS.filter((c) => c !== 'agency_id' && c !== 'fiscal_year'),
    'budget',
    'agreed',
    'id_order',
  ],
  /**
   * A busy vendor's first projects in each of the table's money orders (schema 30): the busy
   * vendors (ids 1 to its file's largest: those with more than `VENDOR_TOP.over` contracts, and
   * any id between them), their first `VENDOR_TOP.rows` in each order of
   * `COPY_SORTS`, with what the table shows of a vendor's view (its contracts in the project and
   * their value, `contracts` and `contract_value`, as page-sql.ts rowsSql counts them on the vendor
   * copy). Sorted from the copy, the busiest vendor's page read its own file whole (13.4 MB at 6M
   * rows). Ordered by vendor, order and rank.
   */
  vendor_top: [
    'vendor_id',
    'sort',
    'rank',
    'project_seq',
    'project_id',
    'fiscal_year',
    'agency_id',
    'method_id',
    'budget',
    'agreed',
    'contracts',
    'contract_value',
    'project_name',
  ],
  /**
   * A busy vendor's first contracts linked to it by name (`vendor_match` 1 or 2), as its profile
   * lists them (profile.ts LINKED_LISTED, in LINKED_ORDER; schema 30): found among its rows of the
   * vendor copy, they read its own file whole (13.6 MB for the busiest at 6M rows).
   */
  vendor_linked: [
    'vendor_id',
    'rank',
    'project_seq',
    'project_id',
    'fiscal_year',
    'project_name',
    'contract_date',
    'price_agree',
    'vendor_match',
  ],
  /**
   * The columns of `projects_top` a filtered page scans, file for file and row for row (schema
   * 19): DuckDB-WASM reads ahead in growing blocks while it scans consecutive row groups, so a
   * scan of the copy itself also read the names between them (5.4 MB of a 6.3 MB file for one
   * year's smallest budgets at 6M rows).
   */
  projects_top_filters: [
    'sort',
    'rank',
    'project_seq',
    'fiscal_year',
    'method_id',
    'type_id',
    'province_id',
    'district_id',
    'status_id',
    'budget',
  ],
  /**
   * Small pre-aggregates (each project once; `agreed` sums contract values; `ref_price` and
   * `ref_agreed` sum the reference price and agreed total of projects that have both).
   */
  /**
   * The search vocabulary: every word of every project name (normalised and segmented as in
   * src/lib/search/text.ts; `kind` 0) and every space-delimited chunk that is not one word
   * (`kind` 1), with its id and the number of projects that have it; since schema 14 also each
   * frequent word's hits as the ingest found them (`kind` 2: the word is a whole word of the
   * name, 3: only inside one), which a search of that word reads instead.
   */
  search_terms: ['term', 'kind', 'term_id', 'projects'],
  /**
   * The word index: which projects (by `project_seq`) have each term, ordered by term then
   * project; written with Parquet's delta encoding (about half a byte a row).
   */
  search_postings: ['term_id', 'project_seq'],
  /**
   * By agency, year and the projects' province and district: an agency picked from the list is told
   * apart by its province (`province=` in its link), so that filter must not send its numbers to
   * the facts. An agency's projects are in its own province: the province adds almost no rows.
   * Ordered by year, then agency: a year's top agencies read that year's rows (1/11 of the file),
   * an agency's all years one small row group per year.
   */
  agg_agency_year: ['fiscal_year', 'agency_id', 'province_id', 'district_id', ...MEASURES],
  /**
   * By agency over all years (schema 27): a vendor profile's shares of its 20 agencies' whole
   * contract value read `agg_agency_year` whole (1.9 MB at 6M rows: their rows are one small group
   * in each year), and an agency's totals or the top agencies with no year read a row per year.
   */
  agg_agency: ['agency_id', ...MEASURES],
  /**
   * By agency and year, ordered by agency (schema 28): an agency's years are one small group, where
   * `agg_agency_year` (ordered by year, for a year's top agencies) holds them in a group of each
   * year (1.0–1.8 MB for an agency profile's years at 6M rows). The same rows (the province and
   * district are the agency's own). Asked under an agency filter with no year.
   */
  agg_agency_year_by_agency: [
    'agency_id',
    'fiscal_year',
    'province_id',
    'district_id',
    ...MEASURES,
  ],
  /**
   * By agency and method over all years, ordered by agency (schema 28): an agency profile's method
   * mix read its projects of every year (1.2–2.7 MB at 6M rows). Asked under an agency filter.
   */
  agg_agency_method: ['agency_id', 'method_id', 'projects', 'budget'],
  /**
   * An agency's rows by every facet, over all years (schema 43), ordered by agency, in 2,048-row
   * groups, files cut between agencies (AGENCY_ORDERED_ROWS): its numbers with a method, type or
   * status (or two) read its rows here, where they read its projects and contracts of every year
   * (16–21 MB for the busiest agency name with one facet at 6M rows). The province and district
   * are the agency's own: they add no rows. By year too (the years facet and chart); its months
   * and its winners (those with a vendor only, as `agg_vendor_place`) over all years.
   */
  agg_agency_cube: [...AGENCY_FACETS, 'fiscal_year', ...MEASURES],
  agg_agency_month: [...AGENCY_FACETS, 'month', 'contracts', 'agreed'],
  agg_agency_winners: [...AGENCY_FACETS, 'vendor_id', 'contracts', 'agreed'],
  /**
   * The integrity flags' counts by year and agency (schema 28), from the bits of each project's
   * own year: the flags panel of one year read that year's projects' bits (2.7 MB at 6M rows).
   * Ordered by year, in 8,192-row groups (a year has a row per agency).
   */
  agg_flags: ['fiscal_year', 'agency_id', 'projects', ...flagCounts('year')],
  /**
   * The same by agency over all years, from the bits over all years (schema 28): the panel of the
   * whole set read every project's bits (17.8 MB at 6M rows). Apart from `agg_flags`: DuckDB-WASM
   * 1.28 read most of a file of both (1.1 MB) for either.
   */
  agg_flags_all: ['agency_id', 'projects', ...flagCounts('all')],
  /**
   * The same for each busy vendor over all years (schema 32; busy as `vendor_top`), from the bits
   * of its projects (each once): its profile's flags read the seq and bits of its rows of the
   * vendor copy (4.3 MB for the busiest at 6M rows, the read-ahead past them included).
   */
  agg_flags_vendor: ['vendor_id', 'projects', ...flagCounts('all')],
  /**
   * The winners of each agency over all years (schema 28): contracts with a winner and a value
   * above zero, counted and summed per agency and winner, ordered by agency. The agency profile's
   * winners' shares and concentration index read an agency's rows here; from every year's
   * contracts they read 2.5 MB for the busiest agency at 6M rows. Not a planner source: its
   * measures leave out contracts without a value.
   */
  agg_agency_vendor: ['agency_id', 'vendor_id', 'contracts', 'agreed'],
  /**
   * A busy vendor's years and methods, and its agencies over all years (schema 29; busy vendors
   * only since 30, as `vendor_top`), ordered by vendor: every contract with that winner (linked by
   * name too), its projects and their money once per project, as the vendor copy counts them. A
   * vendor profile's totals, years, method mix and agencies read the busiest vendor's own file of
   * the copy whole (16.8 MB at 6M rows: 447k contracts); here they are 44 and 8,071 rows. Asked
   * under a filter of one busy vendor (plan.ts, aggregate.ts `absentFor`).
   */
  agg_vendor_method: ['vendor_id', 'fiscal_year', 'method_id', ...MEASURES],
  agg_vendor_agency: ['vendor_id', 'agency_id', ...MEASURES],
  agg_cube: ['fiscal_year', 'method_id', 'type_id', 'province_id', 'status_id', ...MEASURES],
  /**
   * By the projects' province first (schema 17), then method (schema 21), year, agency and
   * district: a view filtered by province reads its province's rows only, for its totals, year,
   * method and district facets, year × method chart and top agencies (the facts and
   * `agg_agency_year` are ordered by year and agency, so a province scanned them whole: 71 MB of
   * projects at 6M rows for a province and a method). A province and a method read that method's
   * rows (a province's single years have headline files); measured at 6M rows, the busiest pair
   * read 559 KB of this table in schema 20's order (year before method), 300 KB in this one.
   */
  agg_place: ['province_id', 'method_id', 'fiscal_year', 'agency_id', 'district_id', ...MEASURES],
  /**
   * Winners by province and method over all years (schema 17): a province's top vendors with no
   * year chosen read its vendors once, not once per year (the busiest province's rows of
   * `agg_vendor_place` were 5.7 MB at 6M rows).
   */
  agg_vendor_province: ['province_id', 'method_id', 'vendor_id', 'contracts', 'agreed'],
  /** Winners by province, year and method (schema 17): a province's top vendors. */
  agg_vendor_place: ['province_id', 'fiscal_year', 'method_id', 'vendor_id', 'contracts', 'agreed'],
  /** Contracts by province, year, method and month of signing (schema 17): a province's months. */
  agg_month_place: ['province_id', 'fiscal_year', 'method_id', 'month', 'contracts', 'agreed'],
  /**
   * The top agencies, winners and months of a view filtered by method, status or type without a
   * province, agency or vendor (schema 22), ordered by those facets, method first: a method and a
   * status read their rows only, where the facts were read whole (at 6M rows 151 MB → 2.7 MB for
   * the busiest pair; status first read 3.3 MB, its runs split by type). Over all years (with the
   * years, 2.7× the rows; a year's view reads that year's facts), but the months, which are few.
   * Winners only, as `agg_vendor_place`.
   */
  agg_agency_facets: ['method_id', 'status_id', 'type_id', 'agency_id', 'projects', 'budget'],
  agg_vendor_facets: ['method_id', 'status_id', 'type_id', 'vendor_id', 'contracts', 'agreed'],
  agg_month_facets: [
    'method_id',
    'status_id',
    'type_id',
    'fiscal_year',
    'month',
    'contracts',
    'agreed',
  ],
  /**
   * The province pre-aggregates by type and status where those have the method (schema 24),
   * ordered province, type, status: a province with a type or a status reads their rows, where
   * it read every year's facts whole (at 6M rows, the second province and the commonest type:
   * 170 MB before, 1.5 MB now, 0.6 MB of it these). A province with a method and a type or a
   * status is still the facts'. Winners only in the vendor ones, as `agg_vendor_place`.
   */
  agg_place_facets: [
    'province_id',
    'type_id',
    'status_id',
    'fiscal_year',
    'agency_id',
    'district_id',
    ...MEASURES,
  ],
  agg_vendor_place_facets: [
    'province_id',
    'type_id',
    'status_id',
    'fiscal_year',
    'vendor_id',
    'contracts',
    'agreed',
  ],
  agg_vendor_province_facets: [
    'province_id',
    'type_id',
    'status_id',
    'vendor_id',
    'contracts',
    'agreed',
  ],
  agg_month_place_facets: [
    'province_id',
    'type_id',
    'status_id',
    'fiscal_year',
    'month',
    'contracts',
    'agreed',
  ],
  /** Only asked grouped by vendor (never under a vendor filter): by year, then vendor. */
  agg_vendor_year: ['fiscal_year', 'vendor_id', 'contracts', 'projects', 'agencies', 'agreed'],
  agg_month: ['fiscal_year', 'month', 'contracts', 'agreed'],
  agencies: ['agency_id', 'agency_key', 'dept_name', 'dept_sub_name', 'province'],
  /**
   * Vendor ids in order of activity (most contracts first, ties by key), so the winners
   * a page names (top vendors, a project's contracts) mostly sit in the first row groups.
   */
  /**
   * `linked_contracts`: contracts whose tax id was broken or masked, counted here because their
   * winner's name is used with this valid tax id only; `name_tins` (name keys): how many valid
   * tax ids use this name (2 or more: ambiguous, never linked).
   */
  /**
   * The small columns first (schema 26): a scan of the id and the tax-id status (the flag Q1)
   * reads the start of each row group, where before DuckDB-WASM's read-ahead ran on through the
   * names between them (the whole file: 1.3 of 1.5 MB at 6M rows; 0.4 MB after).
   */
  vendors: [
    'vendor_id',
    'tin_status',
    'linked_contracts',
    'name_tins',
    'vendor_key',
    'tin',
    'name',
    'name_norm',
  ],
  /**
   * Vendor key → id, ordered by key, with the TIN as a number (0 for a name key): a
   * TIN in a link finds its id by the number's row-group statistics, in one small group.
   */
  vendor_keys: ['vendor_key', 'vendor_id', 'tin_number'],
  /** Every spelling of each vendor's name as the inputs wrote it, with how many contracts used it. */
  vendor_names: ['vendor_id', 'name', 'contracts'],
  methods: ['method_id', 'method_name', 'method_bucket'],
  project_types: ['type_id', 'type_name'],
  provinces: ['province_id', 'province_name', 'province_name_en'],
  /** Districts (เขต/อำเภอ) by province: one name may be a district of two provinces. */
  districts: ['district_id', 'district_name', 'district_name_en', 'province_id'],
  statuses: ['status_id', 'status_name'],
  /**
   * When each project first appeared in the snapshots published into this output folder (since
   * schema 16): the date (Thailand's) and the snapshot that first held it. Ordered by that date,
   * so the latest snapshot's projects are the last row groups. Written after the snapshot id is
   * known and not part of it (HISTORY_TABLES). The project id last (schema 38): a filter reads the
   * three small columns of a row group in one block, not again past the ids between them.
   */
  first_seen: ['project_seq', 'first_seen', 'first_snapshot', 'project_id'],
} as const;

export type TableName = keyof typeof TABLES;
/**
 * How each table is split into files. `year`: one file per fiscal year (then `details` and the
 * vendor copy also split by rows, see MAX_ROWS_PER_FILE); `key`: files by ranges of the first
 * column; `value`: one file per value of the first column; `single`: one small file.
 */
export const SPLIT: Record<TableName, 'year' | 'key' | 'value' | 'single'> = {
  projects: 'year',
  contracts: 'year',
  details: 'year',
  project_names: 'year',
  project_ids: 'year',
  contracts_by_vendor: 'key',
  projects_top: 'value',
  projects_top_filters: 'value',
  projects_top_province: 'key',
  projects_agency: 'key',
  projects_agency_filters: 'key',
  vendor_top: 'key',
  vendor_linked: 'single',
  search_terms: 'single',
  search_postings: 'key',
  agg_agency_year: 'single',
  agg_agency: 'single',
  agg_agency_year_by_agency: 'single',
  agg_agency_method: 'single',
  agg_agency_cube: 'key',
  agg_agency_month: 'key',
  agg_agency_winners: 'key',
  agg_flags: 'single',
  agg_flags_all: 'single',
  agg_flags_vendor: 'single',
  agg_agency_vendor: 'single',
  agg_vendor_method: 'single',
  agg_vendor_agency: 'single',
  agg_cube: 'single',
  agg_place: 'single',
  agg_vendor_place: 'single',
  agg_vendor_province: 'single',
  agg_month_place: 'single',
  agg_agency_facets: 'single',
  agg_vendor_facets: 'single',
  agg_month_facets: 'single',
  agg_place_facets: 'single',
  agg_vendor_place_facets: 'single',
  agg_vendor_province_facets: 'single',
  agg_month_place_facets: 'single',
  agg_vendor_year: 'single',
  agg_month: 'single',
  agencies: 'single',
  vendors: 'single',
  vendor_keys: 'single',
  vendor_names: 'single',
  methods: 'single',
  project_types: 'single',
  provinces: 'single',
  districts: 'single',
  statuses: 'single',
  first_seen: 'single',
};

/**
 * Columns written without row-group statistics (schema 35): no query filters them by range, and
 * a project's name (up to hundreds of bytes of Thai) stood in every footer twice as the group's
 * first and last: half the footer of `projects_top` and `vendor_top` (259 and 236 KB at 6M rows),
 * most of `project_names`', read by every view that asks them.
 */
export const NO_STATISTICS: readonly string[] = ['project_name'];

/**
 * A table's columns written without row-group statistics: `NO_STATISTICS`, and (schema 36) those
 * of columns whose groups' ranges prune nothing, which DuckDB-WASM still reads in every footer
 * before any row: an aggregate's counts and sums (every column but its ids, year and month), the
 * vendors' columns but their id (the file is ordered by it; names and TINs lie in any group), the
 * raw texts of `details`. At 6M rows the footers of `agg_place` 126 → 82 KB, `agg_vendor_place`
 * 217 → 172, `vendors` 34 → 10, `details` 112 → 37. A query filtering such a column reads
 * every group, as it did: the ranges spanned them all.
 */
export function noStatistics(table: TableName): string[] {
  const cols = TABLES[table] as readonly string[];
  const none = (c: string) =>
    NO_STATISTICS.includes(c) ||
    (table.startsWith('agg_') && !/(_id|^fiscal_year|^month)$/.test(c)) ||
    (table === 'vendors' && c !== 'vendor_id') ||
    (table === 'details' && !/(^project_|_id$|^fiscal_year$)/.test(c));
  return cols.filter(none);
}

/**
 * Tables that record the output folder's history rather than what the inputs give: the ingest
 * writes them after the snapshot id (which they are not part of) and not with the others.
 */
export const HISTORY_TABLES: readonly TableName[] = ['first_seen'];

/**
 * The `first_seen` file of the projects the snapshot was the first to hold (schema 39; absent when
 * it added none): what the latest update's view (`seen=latest`) reads, alone. The others are in
 * `first_seen.parquet`.
 */
export const FIRST_SEEN_ADDED_FILE = 'first_seen_added.parquet';

/** Rows per file of the agency-ordered pre-aggregates (`agg_agency_cube`, …). */
const AGENCY_ORDERED_ROWS = 131_072;

/** Rows per file before a table splits further (keeps every file far below Pages' 100 MB). */
export const MAX_ROWS_PER_FILE: Partial<Record<TableName, number>> = {
  details: 250_000,
  project_names: 250_000,
  // A vendor's contracts stay in one file, and a vendor with a quarter of a file's rows or more
  // (16k) has a file of its own: a busy vendor's scan grows DuckDB-WASM's read-ahead to 4 and
  // 16 MB blocks, which a file's end cuts short (27.8 MB read for 320k rows at the start of a
  // 56 MB file). Files of 16 groups (schema 45): any other vendor's view reads its file's footer
  // whole, which in files of 500k rows (122 groups) was 214 KB of its 550 KB at 6M rows.
  contracts_by_vendor: 65_536,
  search_postings: 16_000_000,
  // Eight provinces' first projects a file at most: a province's page reads one file's footer.
  projects_top_province: 65_536,
  // Agencies' projects, ~65k a file: an agency's page reads one small footer (the busiest
  // agency's rows, a quarter of a file or more, a file of their own).
  projects_agency: 65_536,
  projects_agency_filters: 65_536,
  // A busy vendor's first projects, ~16 vendors a file (schema 45): a page in a money order reads
  // one file's footer, where one file of every busy vendor's had 500 groups (133 KB at 6M rows).
  vendor_top: 65_536,
  // The agency-ordered pre-aggregates: files of 64 groups, whose footers a view reads whole
  // (4.2M rows of winners at 6M rows in one file had a footer of ~2k groups).
  agg_agency_cube: AGENCY_ORDERED_ROWS,
  agg_agency_month: AGENCY_ORDERED_ROWS,
  agg_agency_winners: AGENCY_ORDERED_ROWS,
};

/**
 * Rows per row group (default 16,384). Small row groups: DuckDB skips whole row groups only, so a
 * lookup (one agency, one vendor, the rows on screen) reads about one group's worth of each column
 * it needs. The word index's rows are half a byte: larger groups keep its footers small. The
 * ingest writes these; the site sizes its lookups by them.
 */
const ROW_GROUP: Partial<Record<TableName, number>> = {
  // DuckDB's writer makes no group smaller than 2,048 rows (a vector): these three were asked
  // 1,024 (the same files) until session 48, and the site sized its lookups by that.
  vendors: 2048,
  vendor_keys: 2048,
  vendor_names: 2048,
  search_terms: 2048,
  details: 4096,
  project_names: 4096,
  project_ids: 4096,
  // One agency's year: a small group, not 16k rows of every measure.
  agg_agency_year: 2048,
  // One agency: a group of ~40 KB; twenty agencies at most the file (8k rows at 6M).
  agg_agency: 2048,
  // One agency's rows: a small group (11 years, or its few methods, of ~190 agencies).
  agg_agency_year_by_agency: 2048,
  agg_agency_method: 2048,
  // One agency's rows: a few small groups (the busiest name's winners ~35 groups at 6M rows).
  agg_agency_cube: 2048,
  agg_agency_month: 2048,
  agg_agency_winners: 2048,
  // One vendor's years and methods: a small group (651k rows at 6M; the busiest vendor's 44).
  agg_vendor_method: 4096,
  // About one year's rows (a row per agency): a year's panel reads two groups.
  agg_flags: 8192,
  // One province's rows (and within it one year's, one method's): a few small groups.
  agg_place: 2048,
  agg_vendor_place: 4096,
  agg_vendor_province: 4096,
  // A method and a status of the busiest are ~100 groups of 2k rows; most pairs a few dozen.
  agg_agency_facets: 2048,
  agg_vendor_facets: 2048,
  // A province's type (or status): a few groups. Larger than the province ones' groups: with
  // 2,048 rows their footers were 0.2–0.6 MB at 6M rows, read whole by every view that asks them
  // (8,192: footer and a province and status's groups 0.4–0.6 MB a table, the least measured).
  agg_place_facets: 8192,
  agg_vendor_place_facets: 8192,
  agg_vendor_province_facets: 8192,
  agg_month_place_facets: 2048,
  // A page's 50 rows and their names: one or two groups of ~60 KB at 6M rows.
  projects_top: 2048,
  // The first span a filtered page scans (page-sql.ts SPANS) is one group.
  projects_top_filters: 8192,
  // A province's first projects: four groups of ~60 KB at 6M rows.
  projects_top_province: 2048,
  // An agency's page: its rows' sort columns, then the page's one or two groups of ~60 KB.
  projects_agency: 2048,
  // The busiest agency's sort columns: read whole by its page in a money order (1.6 MB at 6M
  // rows, 1.5 with groups of 65k, 3.9 with its names; 1.9 with groups of 2,048, which a shared
  // file, read nearly whole either way, did not need either).
  projects_agency_filters: 8192,
  // A page of a vendor's order: one small group.
  vendor_top: 2048,
  search_postings: 65536,
  // A vendor's rows in a file it shares (the vendor copy is ordered by vendor): at 16k rows its
  // group and DuckDB-WASM's read-ahead past it were 1.9 MB for any vendor without headline files
  // at 6M rows (the 300th and the 3,000th alike); at 4k, 0.6 MB. A busy vendor's file of its own
  // keeps 16k (OWN_FILE_ROW_GROUP): its rows are read whole, and 4k groups' footers added 3.5 MB.
  contracts_by_vendor: 4096,
};

/**
 * The columns a table's files are ordered by, where not the default (a year's facts by agency and
 * project id, the others by their first column).
 */
export const SORT_KEYS: Partial<Record<TableName, readonly string[]>> = {
  project_ids: ['id_number', 'project_id'],
};

/** Rows per row group of a file that holds one key's rows alone (write.ts cuts such files). */
const OWN_FILE_ROW_GROUP: Partial<Record<TableName, number>> = {
  contracts_by_vendor: 16384,
};

/**
 * How many projects `projects_top` holds of each order (5,242 pages of 50; 7.7 MB at 6M rows).
 * A page past them, or a view with fewer matches among them than its page needs, reads the
 * projects.
 */
export const TOP_ROWS = 262_144;

/**
 * How many projects `projects_top_province` holds of each province (164 pages of 50): a page of
 * a province and a type in one year finds its 50 among them (about one in 55 at 6M rows). A page
 * with fewer matches among them reads `projects_top`, or the projects.
 */
export const PROVINCE_TOP_ROWS = 8_192;

/**
 * The vendors `vendor_top` holds (more than `over` projects: two row groups of the vendor copy,
 * whose rows are then sorted at once no more), and how many of each one's projects in each order
 * (`rows`: 20 pages of 50). Tests set less.
 */
export const VENDOR_TOP = { over: 8_192, rows: 1_000 };

/** `ownFile`: a file of one key's rows (a busy vendor's), where the table says so. */
export function rowGroupRows(table: TableName, ownFile = false): number {
  return (ownFile ? OWN_FILE_ROW_GROUP[table] : undefined) ?? ROW_GROUP[table] ?? 16384;
}

export interface ManifestFile {
  path: string;
  table: TableName | 'aggregates';
  fiscal_year: number | null;
  /** The first sort column's range in this file (for files split by rows or key). */
  key_min?: string | number | null;
  key_max?: string | number | null;
  /** The `project_seq` range of a file of a table that has it (a search maps hits to files). */
  seq_min?: number | null;
  seq_max?: number | null;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The files of a table cut by key ranges (`key_min`..`key_max`) that hold any of these ids. */
export function filesHolding(
  files: readonly ManifestFile[],
  ids: readonly number[],
): ManifestFile[] {
  return files.filter((f) => ids.some((v) => v >= Number(f.key_min) && v <= Number(f.key_max)));
}

/** A file of a table cut by key that holds one key's rows alone (write.ts: a busy key's). */
export function ownFile(f: ManifestFile): boolean {
  return f.key_min != null && f.key_min === f.key_max;
}

/**
 * Fields a source may lack, by the table that holds them: the manifest counts, per fiscal year,
 * the rows that have each (`coverage`), so a filter or flag on a field a year lacks says so
 * instead of showing 0. `vendor_tin` counts contracts whose winner has a valid tax id.
 */
export const COVERED = {
  projects: [
    'budget',
    'price_build',
    'announce_date',
    'transaction_date',
    'tenderers',
    'method_id',
    // The method label as the source published it (details), beside the normalised method_id.
    'method_raw',
    'province_id',
    'district_id',
  ],
  contracts: ['contract_date', 'contract_finish_date', 'price_agree', 'vendor_tin'],
} as const;
export type CoveredField = (typeof COVERED)[keyof typeof COVERED][number];

/** One fiscal year's rows, and how many of them have each field. */
export interface YearCoverage {
  projects: number;
  contracts: number;
  fields: Record<CoveredField, number>;
}

/** The rows a field's count is out of: the year's contracts for a contract field, else projects. */
export function coveredOf(c: YearCoverage, field: CoveredField): number {
  return (COVERED.contracts as readonly CoveredField[]).includes(field) ? c.contracts : c.projects;
}

/** The currency of e-GP and API data, and of a manifest that names none. */
export const BAHT = 'THB';

/**
 * Where a dataset's rows come from: e-GP files or the API (sources with rows read and no OCDS
 * releases), OCDS files, and each OCDS publisher once with the licence its packages state (many
 * release files state neither). The ingest's licence and the exports' source both read it.
 */
export function sourceKinds(sources: Manifest['sources']): {
  egp: boolean;
  ocds: boolean;
  publishers: Map<string, string | undefined>;
} {
  const publishers = new Map<string, string | undefined>();
  for (const s of sources)
    if (s.ocds_releases !== undefined && s.publisher)
      publishers.set(s.publisher, s.licence ?? publishers.get(s.publisher));
  return {
    egp: sources.some((s) => s.rows_read > 0 && s.ocds_releases === undefined),
    ocds: sources.some((s) => s.ocds_releases !== undefined),
    publishers,
  };
}

/** One rejected row as `rejects.csv` has it (the /dataset page shows the first of each reason). */
export interface RejectExample {
  source_file: string;
  line: number;
  message: string;
  /** The raw text, its first 300 characters (`cut` when there was more). */
  raw: string;
  cut?: true;
}

export interface Manifest {
  schema_version: number;
  snapshot_id: string;
  built_at: string;
  generator: string;
  fiscal_years: number[];
  files: ManifestFile[];
  /**
   * Inputs. `cache_key` names the cleaned rows kept in the ingest's cache (CSV and API JSON;
   * null for OCDS, which is merged across files), so a later `--add` need not re-read them.
   */
  sources: {
    name: string;
    bytes: number;
    sha256: string;
    rows_read: number;
    cache_key: string | null;
    /**
     * OCDS: the releases (or compiled records) read from the file. They are merged by ocid across
     * files, and each merged process counts as a row read of the file of its latest release.
     */
    ocds_releases?: number;
    /** OCDS: the publisher and licence its package states (e-GP files: the dataset's `licence`). */
    publisher?: string;
    licence?: string;
  }[];
  /**
   * The currency of every amount (ISO 4217): `THB` for e-GP and API data; an OCDS-only dataset
   * is in its rows' currency. Rows in another currency are rejected (`other_currency`): nothing
   * is converted, and no total mixes currencies.
   */
  currency: string;
  counts: {
    rows_read: number;
    rows_written: number;
    rows_rejected: number;
    /** Rows dropped as duplicates (same row in two parts; a contract repeated in a later year). */
    rows_duplicate: number;
    projects: number;
    contracts: number;
  };
  quality: Record<string, number>;
  /** Per fiscal year (BE, as a string key): rows and the rows that have each field (`COVERED`). */
  coverage: Record<string, YearCoverage>;
  rejects_file: string | null;
  /** Rejected rows by reason (the reasons of `rejects.csv`). */
  rejects_by_reason: Record<string, number>;
  /** The first rejected rows of each reason (source order), their raw text cut at 300 characters. */
  rejects_examples?: Record<string, RejectExample[]>;
  licence: string;
  /** The licence in Thai. */
  licence_th: string;
  /** True when the inputs were generated demo data (the site then says so on every page). */
  synthetic: boolean;
  /**
   * A hash of every input file's name and content, the column maps, the cleaning rules and the
   * options (set when the ingest ran with its cache): a later run with the same key publishes
   * nothing new.
   */
  inputs_key?: string;
  /**
   * The headline files (schema 12; src/lib/headline/files.ts): the numbers and first table page
   * of the views a link most often opens, read before the SQL engine has loaded.
   */
  headline?: HeadlineInfo;
  /**
   * The flags computed by the ingest (schema 27): per flag id, a key of the rule's SQL and
   * thresholds the bits on `projects` and `contracts_by_vendor` were computed with
   * (src/lib/query/flag-bits.ts). The site counts from the bits where its own rule has that key.
   */
  flag_bits?: Record<string, string>;
  /**
   * The snapshots still published in this folder, newest first (this one first): the ingest keeps
   * the last three, so pages opened on an earlier one and links pinned to it keep working.
   */
  snapshots?: {
    id: string;
    built_at: string;
    first_seen?: string;
    added?: number;
    initial?: boolean;
  }[];
  /**
   * What this snapshot added (schema 16; the `first_seen` table): the date it records for the
   * projects it was the first to hold (Thailand's date of `built_at`) and how many they are (in
   * the first snapshot of a folder, every project: `initial`). `snapshots` lists the same for the
   * others. `headline` (schema 34): the view of what it added (`seen=latest`) has headline files
   * (`headline/seen/`), written after the snapshot id as the first-seen table is.
   */
  first_seen?: { date: string; added: number; initial: boolean; headline?: boolean };
  /**
   * The Atom feeds of new projects (schema 16; scripts/ingest/feeds.ts), beside the manifest:
   * the national feed's path, how many agency and vendor feeds, the projects they can list and
   * their bytes.
   */
  feeds?: {
    /** The national feed, relative to the data folder. */
    national: string;
    agencies: number;
    vendors: number;
    /** Projects the feeds can list (first seen in the kept snapshots but a folder's first). */
    entries: number;
    /** Entries per agency's and winner's feed (20, fewer when an update adds very much). */
    per_feed: number;
    bytes: number;
  };
}

/** Pre-aggregated numbers for the prerendered landing page (agg/summary.json). */
export interface Summary {
  snapshot_id: string;
  built_at: string;
  synthetic: boolean;
  licence: string;
  licence_th: string;
  /** The currency of every amount (as the manifest's). */
  currency: string;
  by_year: {
    fiscal_year: number;
    projects: number;
    contracts: number;
    budget: string;
    agreed: string;
  }[];
  top_agencies: { dept_name: string; projects: number; budget: string }[];
  totals: { projects: number; contracts: number; budget: string; agreed: string };
  /**
   * (schema 15) The latest fiscal year's largest agencies by budget and winners by contract
   * value, for the landing page's charts; null when there are no projects. Absent before 15.
   */
  latest?: {
    fiscal_year: number;
    agencies: { dept_name: string; projects: number; budget: string }[];
    vendors: { vendor_key: string; name: string | null; contracts: number; agreed: string }[];
  } | null;
  /**
   * (schema 16) What this snapshot added (its projects first seen here, `first_seen`), for /new
   * before any engine: totals as the explorer counts them under `seen=latest`, its ten agency
   * units with the most new budget and ten winners with the most new contract value.
   */
  added?: {
    date: string;
    /** The first snapshot of its folder: every project is new. */
    initial: boolean;
    totals: { projects: number; contracts: number; budget: string; agreed: string };
    agencies: {
      agency_key: string;
      dept_name: string;
      dept_sub_name: string | null;
      province: string | null;
      projects: number;
      budget: string;
    }[];
    vendors: { vendor_key: string; name: string | null; contracts: number; agreed: string }[];
  };
}

/** A file path as the manifest stores it: relative, no `..`, no quotes (safe in SQL literals). */
export const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_./=-]*$/;

export function isSafePath(p: string): boolean {
  return SAFE_PATH.test(p) && !p.split('/').includes('..');
}

/** The files of a table for the given fiscal years (all years when none is given). */
/** Whether a file may hold this `project_seq` (a file without a seq range may hold any). */
export function holdsSeq(f: ManifestFile, seq: number): boolean {
  return f.seq_min == null || (seq >= f.seq_min && seq <= (f.seq_max ?? seq));
}

export function tableFiles(
  m: Manifest,
  table: TableName,
  years: readonly number[] = [],
): ManifestFile[] {
  return m.files.filter(
    (f) =>
      f.table === table &&
      (years.length === 0 || f.fiscal_year === null || years.includes(f.fiscal_year)),
  );
}
