/** The explorer's filters as data (the URL is their source of truth; see index.ts). */
import type { FlagId, Thresholds } from '../flag-defs';
import { FACET_KEYS, type FacetKey } from './facets';

export const SORTS = ['-budget', 'budget', '-agreed', 'agreed', '-fy', 'fy'] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = '-budget';

export type Filters = {
  /** Keyword search (docs/search.md); null: none. */
  q: string | null;
  /** Where `q` searches: project names, or (`all`) also agency and winners' names. */
  qin: 'name' | 'all';
  /** Fiscal years (BE); empty = all years. */
  fy: number[];
  /** Agency: its full name (ชื่อหน่วยงาน, may cover same-name agencies) or its 12-hex key. */
  agency: string | null;
  /** Sub-unit name (ชื่อหน่วยงานย่อย) within the agency. */
  sub: string | null;
  /** A 13-digit TIN or a vendor key from the ingest (`tin:…`, `name:…`). */
  vendor: string | null;
  /** `tin`: only the vendor's records that carry its tax id (none linked by name). */
  vendorMatch: 'all' | 'tin';
  /** Amount range in baht, on the project budget or (amount=contract) on the contract value. */
  min: number | null;
  max: number | null;
  amount: 'budget' | 'contract';
  /** Contract date range (ISO dates, inclusive). */
  from: string | null;
  to: string | null;
  sort: Sort;
  /** 1-based page of the results table. */
  page: number;
  /** Pinned dataset snapshot id (a citation); the page warns when the live data differs. */
  snap: string | null;
  /**
   * When projects first appeared (`first_seen`, schema 16): `latest`, those the viewed snapshot was
   * the first to hold; `seenSince`, those first seen on or after an ISO date. Both may be set.
   */
  seen: 'latest' | null;
  seenSince: string | null;
  /** Integrity flags (docs/flags.md): projects flagged by any of them. */
  flag: FlagId[];
  /** Flag thresholds changed from their defaults, by URL key (`f1_min`, …). */
  th: Thresholds;
} & Record<FacetKey, string[]>; // facet values (names as in the data, or method buckets); any of them

export const NO_FILTERS: Filters = {
  q: null,
  qin: 'name',
  fy: [],
  agency: null,
  sub: null,
  ...(Object.fromEntries(FACET_KEYS.map((k) => [k, []])) as unknown as Record<FacetKey, string[]>),
  vendor: null,
  vendorMatch: 'all',
  min: null,
  max: null,
  amount: 'budget',
  from: null,
  to: null,
  sort: DEFAULT_SORT,
  page: 1,
  snap: null,
  seen: null,
  seenSince: null,
  flag: [],
  th: {},
};
