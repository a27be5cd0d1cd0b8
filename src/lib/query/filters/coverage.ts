/**
 * Filters on a field that some years' sources lack. A contract-date filter over years whose files
 * carry no signing dates matches nothing, and 0 would read as "nothing was signed": the page names
 * the years that have none (or only some) of the field, beside the filter and in the results. The
 * counts come from the manifest (`coverage`, written by the ingest), so no query is needed.
 */
import { coveredOf, type CoveredField, type Manifest } from '../../schema/tables';
import type { Filters } from './model';

/** The field each filter reads, when the filter is set. */
const NEEDS: readonly {
  filter: 'date' | 'amount' | 'district';
  field: CoveredField;
  set(f: Filters): boolean;
}[] = [
  { filter: 'date', field: 'contract_date', set: (f) => f.from !== null || f.to !== null },
  {
    filter: 'amount',
    field: 'price_agree',
    set: (f) => f.amount === 'contract' && (f.min !== null || f.max !== null),
  },
  {
    filter: 'amount',
    field: 'budget',
    set: (f) => f.amount === 'budget' && (f.min !== null || f.max !== null),
  },
  { filter: 'district', field: 'district_id', set: (f) => f.district.length > 0 },
];

/** A set filter's field, missing in some of the view's years. */
export interface CoverageGap {
  filter: 'date' | 'amount' | 'district';
  field: CoveredField;
  /** Years whose rows have none of it. */
  none: number[];
  /** Years where only some rows have it, with the share that do (0–1). */
  some: { year: number; share: number }[];
}

/** The gaps of the set filters over the view's years (the chosen ones, else all). */
export function coverageGaps(f: Filters, m: Manifest): CoverageGap[] {
  const years = f.fy.length ? m.fiscal_years.filter((y) => f.fy.includes(y)) : m.fiscal_years;
  const gaps: CoverageGap[] = [];
  for (const need of NEEDS) {
    if (!need.set(f)) continue;
    const gap: CoverageGap = { filter: need.filter, field: need.field, none: [], some: [] };
    for (const year of years) {
      const c = m.coverage[String(year)];
      const rows = c ? coveredOf(c, need.field) : 0;
      const have = c?.fields[need.field] ?? 0;
      if (rows === 0) continue;
      if (have === 0) gap.none.push(year);
      else if (have < rows) gap.some.push({ year, share: have / rows });
    }
    if (gap.none.length || gap.some.length) gaps.push(gap);
  }
  return gaps;
}
