/**
 * The facet filters: each a list of values chosen from a small dimension table (`province=ตาก`),
 * counted per option under every other filter. One entry here drives the URL, the resolution of
 * names to the snapshot's ids, the WHERE column on each source, the facet query and its shaping,
 * the export's description and the filter panel. Adding one is an entry, its two labels
 * (`explore.<key>` in src/lib/i18n) and the ingest's column (docs/architecture.md, "Filters").
 */
import { METHOD_BUCKETS, METHODS_EN } from '../../schema/methods';
import { PROVINCES_EN, STATUSES_EN, TYPES_EN } from '../../schema/names-en';
import type { TableName } from '../../schema/tables';

export interface FacetDef {
  /** URL key, `Filters` field and `Resolved` dimension. */
  key: string;
  /** The dimension table and its columns. */
  table: TableName;
  /** Id column: the group of its facet, and the column on every source that holds it. */
  id: string;
  /** The column on contract rows, where it differs (the project's status). */
  contractId?: string;
  name: string;
  nameEn?: string;
  /** English names of the Thai values, where the table has none (names-en.ts). */
  namesEn?: Readonly<Record<string, string>>;
  /**
   * Named groups of options (the method buckets): a URL value that is a group selects every
   * option of that group (`column`), `unknown` also the rows with no value; `label` prefixes the
   * group to name it (`explore.bucket_open`).
   */
  buckets?: { column: string; values: readonly string[]; unknown: string; label: string };
  /** The pre-aggregates that carry this column (the facts always do). */
  aggregates: readonly FacetAggregate[];
  /** Asked and shown only under this facet's filter (a district list within its provinces). */
  under?: string;
  /** Options shown before "more". */
  top?: number;
}

/** The pre-aggregates that carry a facet's column (the planner's other sources: sources.ts). */
export type FacetAggregate =
  | 'agg_cube'
  | 'agg_agency_year'
  | 'agg_agency_year_by_agency'
  | 'agg_agency_method'
  | (typeof BY_AGENCY_FACETS)[number]
  | 'agg_vendor_method'
  | 'agg_place'
  | 'agg_vendor_place'
  | 'agg_vendor_province'
  | 'agg_month_place'
  | 'agg_agency_facets'
  | 'agg_vendor_facets'
  | 'agg_month_facets'
  | (typeof BY_PLACE_FACETS)[number];

/** The pre-aggregates by status, type and method (schema 22; how they are asked: plan.ts). */
export const BY_FACETS = ['agg_agency_facets', 'agg_vendor_facets', 'agg_month_facets'] as const;
/** An agency's rows by every facet, ordered by agency (schema 43; plan.ts). */
export const BY_AGENCY_FACETS = [
  'agg_agency_cube',
  'agg_agency_month',
  'agg_agency_winners',
] as const;
/** The province pre-aggregates by type and status (schema 24; plan.ts). */
export const BY_PLACE_FACETS = [
  'agg_place_facets',
  'agg_vendor_place_facets',
  'agg_vendor_province_facets',
  'agg_month_place_facets',
] as const;

export const FACETS = [
  {
    key: 'province',
    table: 'provinces',
    id: 'province_id',
    name: 'province_name',
    nameEn: 'province_name_en',
    namesEn: PROVINCES_EN,
    aggregates: [
      'agg_cube',
      'agg_agency_year',
      'agg_agency_year_by_agency',
      'agg_place',
      'agg_vendor_place',
      'agg_vendor_province',
      'agg_month_place',
      ...BY_PLACE_FACETS,
      ...BY_AGENCY_FACETS,
    ],
  },
  {
    key: 'method',
    table: 'methods',
    id: 'method_id',
    name: 'method_name',
    namesEn: METHODS_EN,
    buckets: {
      column: 'method_bucket',
      values: METHOD_BUCKETS,
      unknown: 'unknown',
      label: 'explore.bucket_',
    },
    aggregates: [
      'agg_cube',
      'agg_agency_method',
      'agg_vendor_method',
      'agg_place',
      'agg_vendor_place',
      'agg_vendor_province',
      'agg_month_place',
      ...BY_FACETS,
      ...BY_AGENCY_FACETS,
    ],
    top: 6,
  },
  {
    key: 'type',
    table: 'project_types',
    id: 'type_id',
    name: 'type_name',
    namesEn: TYPES_EN,
    aggregates: ['agg_cube', ...BY_FACETS, ...BY_PLACE_FACETS, ...BY_AGENCY_FACETS],
  },
  {
    key: 'status',
    table: 'statuses',
    id: 'status_id',
    contractId: 'project_status_id',
    name: 'status_name',
    namesEn: STATUSES_EN,
    aggregates: ['agg_cube', ...BY_FACETS, ...BY_PLACE_FACETS, ...BY_AGENCY_FACETS],
  },
  {
    // Where the agency is (e-GP's เขต/อำเภอ), so the agency pre-aggregate carries it.
    key: 'district',
    table: 'districts',
    id: 'district_id',
    name: 'district_name',
    nameEn: 'district_name_en',
    aggregates: [
      'agg_agency_year',
      'agg_agency_year_by_agency',
      'agg_place',
      'agg_place_facets',
      ...BY_AGENCY_FACETS,
    ],
    under: 'province',
  },
] as const satisfies readonly FacetDef[];

export type FacetKey = (typeof FACETS)[number]['key'];
export type FacetGroup = (typeof FACETS)[number]['id'];
export const FACET_KEYS: readonly FacetKey[] = FACETS.map((x) => x.key);
