/**
 * Which source answers a question. Every number on the explorer is an aggregate over one of
 * several sources that hold the same facts at different grains; `plan()` picks the smallest that
 * has every filtered and grouped dimension and every measure: the pre-aggregates when they can
 * answer, the project facts otherwise, and contract rows (ordered by vendor when a vendor is
 * chosen) when a filter is about contracts. Project money is counted once per project in every
 * source. The dimensions themselves (column, kind, sources) are declared once, in `DIMS`.
 */
import { BY_AGENCY_FACETS, FACETS, type FacetGroup, type FacetKey } from './filters/facets';
import { TABLES } from '../schema/tables';
import type { SearchHits } from './hits';
import {
  BY_AGENCY,
  BY_FACETS,
  BY_PROVINCE,
  BY_SIZE,
  BY_VENDOR,
  CONTRACT_ROWS,
  FACTS,
  PLACE_FACETS,
  ROWS,
  WINNERS_ONLY,
  type Source,
} from './sources';

export { CONTRACT_ROWS, type Source };

/** A facet filter's ids; `nulls`: also rows with no value (the method's `unknown` bucket). */
export interface FacetIds {
  ids: number[];
  nulls: boolean;
}

/** Filters with names resolved to the snapshot's integer ids (null: no filter on it). */
export type Resolved = {
  fy: number[];
  agency: number[] | null;
  vendor: number[] | null;
  /** How a vendor's records were matched (`vendor_match` values; [0]: only by its own key). */
  match: number[] | null;
  budget: [number | null, number | null] | null;
  contract: [number | null, number | null] | null;
  date: [string | null, string | null] | null;
  /** A keyword search's hits (a table the search made; see search.ts). */
  search: SearchHits | null;
  /** Projects flagged by the chosen integrity flags (a table; see flags.ts). */
  flag: SearchHits | null;
  /** Projects first seen in the latest snapshot or since a date (a table; see seen.ts). */
  seen: SearchHits | null;
} & Record<FacetKey, FacetIds | null>;

export type Dim = keyof Resolved;

/** How a dimension filters: the WHERE it writes (where.ts). */
export type DimKind = 'years' | 'ids' | 'facet' | 'range' | 'dates' | 'hits';
export interface DimDef {
  kind: DimKind;
  column: string;
  /** The column on contract rows, where it differs. */
  contractColumn?: string;
  /** The sources that hold it. */
  sources: readonly Source[];
  /**
   * About contracts (a winner, a contract's value or date): the projects it selects are those
   * with a matching contract, so contract rows then answer project measures too.
   */
  ofContracts?: true;
}

/** Whether a source's table has a column (schema/tables.ts). */
const hasColumn = (s: Source, c: string) => (TABLES[s] as readonly string[]).includes(c);
/** The sources with a fiscal year (not the all-years ones: by agency, vendors by province, by facets). */
const EVERY: readonly Source[] = [...BY_SIZE, 'projects_top' as const].filter((s) =>
  hasColumn(s, 'fiscal_year'),
);

export const DIMS: Record<Dim, DimDef> = {
  fy: { kind: 'years', column: 'fiscal_year', sources: EVERY },
  agency: {
    kind: 'ids',
    column: 'agency_id',
    sources: [
      'agg_agency',
      'agg_agency_year_by_agency',
      'agg_agency_method',
      'agg_vendor_agency',
      'agg_agency_year',
      'agg_flags',
      'agg_flags_all',
      'agg_place',
      'agg_agency_facets',
      'agg_place_facets',
      ...BY_AGENCY_FACETS,
      ...FACTS,
    ],
  },
  ...(Object.fromEntries(
    FACETS.map((x) => [
      x.key,
      {
        kind: 'facet',
        column: x.id,
        contractColumn: 'contractId' in x ? x.contractId : undefined,
        sources: [...x.aggregates, ...FACTS],
      },
    ]),
  ) as unknown as Record<FacetKey, DimDef>),
  vendor: {
    kind: 'ids',
    column: 'vendor_id',
    sources: [
      ...BY_VENDOR,
      'agg_vendor_year',
      'agg_vendor_place',
      'agg_vendor_province',
      'agg_vendor_facets',
      'agg_vendor_place_facets',
      'agg_vendor_province_facets',
      'agg_agency_winners',
      ...CONTRACT_ROWS,
    ],
    ofContracts: true,
  },
  match: { kind: 'ids', column: 'vendor_match', sources: [...CONTRACT_ROWS], ofContracts: true },
  budget: { kind: 'range', column: 'budget', sources: FACTS },
  contract: {
    kind: 'range',
    column: 'price_agree',
    sources: [...CONTRACT_ROWS],
    ofContracts: true,
  },
  date: { kind: 'dates', column: 'contract_date', sources: [...CONTRACT_ROWS], ofContracts: true },
  search: { kind: 'hits', column: 'project_seq', sources: FACTS },
  flag: { kind: 'hits', column: 'project_seq', sources: FACTS },
  seen: { kind: 'hits', column: 'project_seq', sources: FACTS },
};
/** Every dimension, in the order WHERE clauses are written. */
export const DIM_KEYS = Object.keys(DIMS) as Dim[];
/** The dimensions that filter by a table of projects (a search's, a flag's, the first-seen's). */
export const HITS_DIMS = DIM_KEYS.filter((d) => DIMS[d].kind === 'hits') as (
  'search' | 'flag' | 'seen'
)[];

/** A filter on contracts: its projects are those with a matching contract. */
export function isContractDim(d: Dim): boolean {
  return DIMS[d].ofContracts === true;
}

/** No filter: every row. */
export const ALL_ROWS = Object.fromEntries(
  DIM_KEYS.map((d) => [d, d === 'fy' ? [] : null]),
) as unknown as Resolved;

export type Group = 'fiscal_year' | 'agency_id' | 'vendor_id' | 'month' | FacetGroup;
/** The dimension a group is of (`month` is only a group). */
export function groupDim(g: Group): Dim | 'month' {
  if (g === 'month') return 'month';
  if (g === 'fiscal_year') return 'fy';
  return DIM_KEYS.find((d) => DIMS[d].column === g)!;
}

/** The column of a dimension (or the month) on a source. */
export function column(source: Source, d: Dim | 'month'): string {
  if (d === 'month') return isMonthly(source) ? 'month' : 'month(contract_date)';
  const def = DIMS[d];
  return (CONTRACT_ROWS.has(source) && def.contractColumn) || def.column;
}

/** The sources by month of signing (a `month` column; the contract rows have its date). */
const isMonthly = (s: Source) => hasColumn(s, 'month');

function holds(s: Source, d: Dim | 'month'): boolean {
  return d === 'month' ? isMonthly(s) || CONTRACT_ROWS.has(s) : DIMS[d].sources.includes(s);
}

export type Measure = 'projects' | 'budget' | 'ref_price' | 'ref_agreed' | 'contracts' | 'agreed';
export const PROJECT_MEASURES: readonly Measure[] = [
  'projects',
  'budget',
  'ref_price',
  'ref_agreed',
];
export const CONTRACT_MEASURES: readonly Measure[] = ['contracts', 'agreed'];
const MEASURES: Record<Source, readonly Measure[]> = {
  agg_month: CONTRACT_MEASURES,
  agg_month_place: CONTRACT_MEASURES,
  agg_vendor_year: CONTRACT_MEASURES,
  agg_vendor_place: CONTRACT_MEASURES,
  agg_vendor_province: CONTRACT_MEASURES,
  agg_vendor_facets: CONTRACT_MEASURES,
  agg_month_facets: CONTRACT_MEASURES,
  agg_vendor_place_facets: CONTRACT_MEASURES,
  agg_vendor_province_facets: CONTRACT_MEASURES,
  agg_month_place_facets: CONTRACT_MEASURES,
  agg_place_facets: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency_facets: ['projects', 'budget'],
  agg_place: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency_year: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency_year_by_agency: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency_method: ['projects', 'budget'],
  agg_agency_cube: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_agency_month: CONTRACT_MEASURES,
  agg_agency_winners: CONTRACT_MEASURES,
  agg_vendor_method: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_vendor_agency: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  agg_flags: ['projects'],
  agg_flags_all: ['projects'],
  agg_flags_vendor: ['projects'],
  agg_cube: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  projects: PROJECT_MEASURES,
  projects_top: [],
  contracts_by_vendor: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
  contracts: [...PROJECT_MEASURES, ...CONTRACT_MEASURES],
};

/** The pre-aggregates (a snapshot of an older schema may lack the newer ones: `lacking`). */
export const PRE_AGGREGATES: readonly Source[] = BY_SIZE.filter((s) => !ROWS.has(s));
const NONE: ReadonlySet<Source> = new Set();

/** Whether a source keeps one row per project (or per contract) rather than sums. */
export function isRows(source: Source): boolean {
  return ROWS.has(source);
}

/** The dimensions a resolved filter constrains, minus one (a facet ignores its own filter). */
export function activeDims(r: Resolved, except?: Dim): Dim[] {
  return DIM_KEYS.filter((d) => d !== except && (d === 'fy' ? r.fy.length > 0 : r[d] !== null));
}

/**
 * Every source that answers `measures` grouped by `groups` under `r` (minus `except`), smallest
 * first; `plan` takes the first. Contract rows answer project measures only when a contract
 * filter is set: otherwise projects without a contract would be missed, so such a request is
 * split (see `planSplit`).
 */
export function candidates(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
  lacking: ReadonlySet<Source> = NONE,
): Source[] {
  const dims = activeDims(r, except);
  const needs = [...dims, ...groups.map(groupDim)];
  const contractFilter = dims.some(isContractDim);
  let found = BY_SIZE.filter((s) => {
    if (lacking.has(s)) return false;
    if (!needs.every((d) => holds(s, d))) return false;
    if (!measures.every((m) => MEASURES[s].includes(m))) return false;
    // The vendor pre-aggregate leaves out contracts without a winner: only for vendor questions,
    // and not under a vendor filter: there the vendor copy answers from row groups the view reads
    // anyway, while the pre-aggregate's footer alone (2k-row groups of every vendor's years) is
    // ~180 KB at 6M rows.
    if (WINNERS_ONLY.has(s) && (!needs.includes('vendor') || dims.includes('vendor'))) return false;
    if (BY_VENDOR.has(s) && (r.vendor?.length ?? 0) !== 1) return false;
    if (CONTRACT_ROWS.has(s)) {
      if (s === 'contracts_by_vendor' && r.vendor === null) return false;
      if (!contractFilter && measures.some((m) => PROJECT_MEASURES.includes(m))) return false;
    }
    return true;
  });
  // An agency's or a vendor's facts are a narrow range of rows: read them, not an aggregate whole
  // (nor a province's rows by type and status: an agency's own province is in its link).
  const narrow = dims.includes('agency') || dims.includes('vendor');
  // An agency's flags in one year: its projects' bits (narrow); over all years `agg_flags_all`.
  if (narrow) found = found.filter((s) => s !== 'agg_flags');
  const agencyAllYears = dims.includes('agency') && !dims.includes('fy');
  if (!agencyAllYears) found = found.filter((s) => !BY_AGENCY.has(s));
  // An agency's own rows, not its province's (a unit's link names its province).
  else if (found.some((s) => BY_AGENCY.has(s))) found = found.filter((s) => !BY_PROVINCE.has(s));
  if (dims.includes('province')) return found.filter((s) => !narrow || !PLACE_FACETS.has(s));
  const wide = (s: Source) => BY_PROVINCE.has(s) || BY_FACETS.has(s);
  const other = found.some((s) => !wide(s) && !ROWS.has(s));
  return found.filter((s) => !wide(s) || (!other && !narrow));
}

export function plan(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
  lacking?: ReadonlySet<Source>,
): Source | null {
  return candidates(r, groups, measures, except, lacking)[0] ?? null;
}

/** Where the table's project rows come from: project rows, or contract rows under a contract filter. */
export function rowSource(r: Resolved): Source {
  return candidates(r, [], ['projects']).find(isRows)!;
}

/** One or two (source, measures) pairs that together answer the request. */
export function planSplit(
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  except?: Dim,
  lacking?: ReadonlySet<Source>,
): { source: Source; measures: Measure[] }[] {
  const one = plan(r, groups, measures, except, lacking);
  if (one) return [{ source: one, measures: [...measures] }];
  const parts = [PROJECT_MEASURES, CONTRACT_MEASURES]
    .map((set) => measures.filter((m) => set.includes(m)))
    .filter((ms) => ms.length > 0);
  return parts.map((ms) => {
    const s = plan(r, groups, ms, except, lacking);
    if (!s) throw new Error(`no source answers ${ms.join(', ')}`);
    return { source: s, measures: ms };
  });
}
