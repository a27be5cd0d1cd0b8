/**
 * Explorer filters as data: parsed from and written to the URL (the URL is the source of truth).
 * Invalid values are reported and ignored, never passed on.
 */
export interface Filters {
  /** Fiscal years (BE); empty = all years. */
  fy: number[];
  /** Exact agency name (ชื่อหน่วยงาน); may cover several same-name agencies. */
  agency: string | null;
}

export const NO_FILTERS: Filters = { fy: [], agency: null };

const MIN_FY = 2500;
const MAX_FY = 2700;
const MAX_TEXT = 300;

export function parseFilters(params: URLSearchParams): { filters: Filters; invalid: string[] } {
  const invalid: string[] = [];
  const years = new Set<number>();
  for (const v of params.getAll('fy')) {
    const range = /^(\d{4})(?:-(\d{4}))?$/.exec(v.trim());
    const lo = Number(range?.[1]);
    const hi = Number(range?.[2] ?? range?.[1]);
    if (!range || lo < MIN_FY || hi > MAX_FY || lo > hi) {
      invalid.push(`fy=${v}`);
      continue;
    }
    for (let y = lo; y <= hi; y++) years.add(y);
  }
  let agency: string | null = params.get('agency')?.trim() || null;
  if (agency && agency.length > MAX_TEXT) {
    invalid.push(`agency=${agency.slice(0, 20)}…`);
    agency = null;
  }
  return { filters: { fy: [...years].sort((a, b) => a - b), agency }, invalid };
}

export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  for (const y of f.fy) p.append('fy', String(y));
  if (f.agency) p.set('agency', f.agency);
  const s = p.toString();
  return s ? `?${s}` : '';
}
