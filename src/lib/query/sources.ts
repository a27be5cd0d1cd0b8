/**
 * The sources the planner (plan.ts) chooses from, smallest first, and their kinds: which are
 * asked only under a province, two facets, an agency or one vendor, and which are rows rather
 * than sums.
 */
import type { TableName } from '../schema/tables';
import {
  BY_AGENCY_FACETS,
  BY_FACETS as FACET_AGGREGATES,
  BY_PLACE_FACETS,
  type FacetAggregate,
} from './filters/facets';

export type Source = Extract<
  TableName,
  | FacetAggregate
  | 'agg_agency'
  | 'agg_vendor_agency'
  | 'agg_flags'
  | 'agg_flags_all'
  | 'agg_flags_vendor'
  | 'agg_vendor_year'
  | 'agg_month'
  | 'projects'
  | 'projects_top'
  | 'contracts'
  | 'contracts_by_vendor'
>;
/**
 * Smallest first (at 6M rows: `agg_cube` ~0.1 MB of the columns a view reads, `agg_agency_year`
 * ~1.9 MB: a question both answer, such as the year facet, reads the cube).
 */
export const BY_SIZE: readonly Source[] = [
  'agg_month',
  'agg_vendor_year',
  'agg_month_facets',
  'agg_month_place',
  'agg_vendor_facets',
  'agg_vendor_province',
  'agg_vendor_place',
  'agg_agency_facets',
  'agg_place',
  'agg_cube',
  // One row per agency: what the cube cannot answer (an agency with no year) it reads in one
  // small group, where `agg_agency_year` reads one in each year.
  'agg_agency',
  // An agency's years, methods: one small group each, not one a year (BY_AGENCY).
  'agg_agency_year_by_agency',
  'agg_agency_method',
  // An agency's rows by every facet (its numbers with a method, type or status), then its months
  // and winners: a few small groups of its own.
  ...BY_AGENCY_FACETS,
  // A vendor's years and methods, its agencies: one small group each (BY_VENDOR).
  'agg_vendor_method',
  'agg_vendor_agency',
  // After the province ones, which a province alone or with a method reads (fewer rows), and
  // the cube, which the facets and the year chart of a province and a type read whole anyway.
  'agg_month_place_facets',
  'agg_vendor_province_facets',
  'agg_vendor_place_facets',
  'agg_place_facets',
  'agg_agency_year',
  // The flags' counts by year (or all years) and agency: project counts too, but larger than
  // the others (flag-bits.ts asks them).
  'agg_flags',
  'agg_flags_all',
  'agg_flags_vendor',
  'projects',
  'contracts_by_vendor',
  'contracts',
];
/**
 * The pre-aggregates in province order: asked under a province filter, which reads that
 * province's rows. Without one they are read whole (5 MB at 6M rows), so they are asked only when
 * no other pre-aggregate answers and no agency or vendor narrows the facts: a method filter's top
 * agencies, vendors and months, which the facts would answer from every year's projects and
 * contracts (207 MB for two method groups at 6M rows).
 */
export const BY_PROVINCE: ReadonlySet<Source> = new Set([
  'agg_place',
  'agg_vendor_place',
  'agg_vendor_province',
  'agg_month_place',
  // By type and status instead of method (schema 24): a province with a type or a status.
  ...BY_PLACE_FACETS,
]);
/**
 * The pre-aggregates in status, type and method order (schema 22): a view of two of those facets
 * (a method and a status) reads their rows. Asked as the province ones are (where no other
 * pre-aggregate answers and no agency or vendor narrows the facts), and before them: two method
 * groups read those methods' rows, not the province pre-aggregates whole.
 */
export const BY_FACETS: ReadonlySet<Source> = new Set(FACET_AGGREGATES);
export const PLACE_FACETS: ReadonlySet<Source> = new Set(BY_PLACE_FACETS);
// Ordered by vendor, each project once per vendor (schema 29): asked under a filter of one vendor
// (projects two vendors share would count twice in a sum over both).
export const BY_VENDOR: ReadonlySet<Source> = new Set([
  'agg_vendor_method',
  'agg_vendor_agency',
  'agg_flags_vendor',
]);
/** The other pre-aggregates by vendor: contracts with a winner only. */
export const WINNERS_ONLY: ReadonlySet<Source> = new Set([
  'agg_vendor_year',
  'agg_vendor_facets',
  'agg_vendor_province',
  'agg_vendor_place',
  'agg_vendor_province_facets',
  'agg_vendor_place_facets',
  'agg_agency_winners',
]);
export const ROWS: ReadonlySet<Source> = new Set(['projects', 'contracts', 'contracts_by_vendor']);
// Ordered by agency (an agency's rows one small group, a year's everywhere): asked under an agency
// filter with no year (under a year, `agg_agency_year` reads that year's one group, the facts
// that year's agency rows), before the province ones (a unit's link names its province: that
// province's rows of every agency).
export const BY_AGENCY: ReadonlySet<Source> = new Set([
  'agg_agency_year_by_agency',
  'agg_agency_method',
  ...BY_AGENCY_FACETS,
]);
export const CONTRACT_ROWS: ReadonlySet<Source> = new Set(['contracts', 'contracts_by_vendor']);
/**
 * The facts (`projects_top`, the first projects in the table's default order, answers a page of
 * the table only: page-sql.ts `topPage`; never an aggregate, so it is not in BY_SIZE).
 */
export const FACTS = ['projects', 'projects_top', 'contracts', 'contracts_by_vendor'] as const;
