/**
 * Explorer filters as data: parsed from and written to the URL (the URL is the source of truth).
 * Values name things by stable keys (names, TINs, vendor keys), never by row numbers, so a link
 * stays valid when a new year is published. Invalid values are reported and ignored. Each filter
 * is defined once, in defs.ts (facet filters in facets.ts).
 */
import type { Thresholds } from '../flag-defs';
import { isContractDim } from '../plan';
import { FILTER_DEFS, type Words } from './defs';
import { NO_FILTERS, type Filters } from './model';
import { UrlReader } from './read';

export { TIN, VENDOR_KEY } from './defs';
export { FACETS, FACET_KEYS, type FacetKey } from './facets';
export { DEFAULT_SORT, NO_FILTERS, SORTS, type Filters, type Sort } from './model';

export function parseFilters(params: URLSearchParams): { filters: Filters; invalid: string[] } {
  const u = new UrlReader(params);
  const filters = structuredClone(NO_FILTERS);
  for (const def of FILTER_DEFS) def.read(u, filters);
  return { filters, invalid: u.invalid };
}

/** The query string for filters, in a fixed order (equal filters give equal URLs). */
export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  for (const def of FILTER_DEFS) def.write(f, p);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** True when a filter needs contract rows (vendor, contract date, contract value). */
export function needsContracts(f: Filters): boolean {
  return FILTER_DEFS.some((def) => def.dims?.(f).some(isContractDim));
}

/** What the filters select, in words in one language (`all` when there is no filter). */
export function filtersInWords(f: Filters, t: Words, lang: 'th' | 'en'): string {
  const parts = FILTER_DEFS.flatMap((def) => def.describe?.(f, t, lang) ?? []);
  return parts.length ? parts.join('; ') : t('export.all');
}

/** The filters as a sentence in one language (`all` when there is none), then the order. */
export function describeFilters(f: Filters, t: Words, lang: 'th' | 'en'): string {
  const what = filtersInWords(f, t, lang);
  const order = t(`export.sort_${f.sort}`);
  return `${what}. ${t('export.order')}: ${f.q ? `${t('export.relevance')}, ${order}` : order}`;
}

/** A profile page's query string: its key, then flag thresholds changed from their defaults. */
export function profileSearch(keys: Record<string, string>, th: Thresholds): string {
  const p = new URLSearchParams(keys);
  for (const [k, v] of new URLSearchParams(filtersToSearch({ ...NO_FILTERS, th }))) p.append(k, v);
  return `?${p}`;
}
