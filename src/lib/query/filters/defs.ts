/**
 * Every explorer filter, once: the URL keys it reads and writes (in URL order), how it reads
 * them (bad values are named and ignored), the resolved dimensions it constrains (plan.ts `DIMS`:
 * their columns, sources and whether they need contract rows), and its description in words
 * (exports, citations). `parseFilters`, `filtersToSearch`, `needsContracts` and `describeFilters`
 * iterate over this list.
 */
import { MAX_QUERY, MAX_QUERY_WORDS, queryWords } from '../../search/text';
import { FLAG_IDS, FLAGS, ruleText, THRESHOLDS, parseThreshold, type FlagId } from '../flag-defs';
import type { Dim } from '../plan';
import { FACETS, type FacetDef } from './facets';
import { DEFAULT_SORT, SORTS, type Filters } from './model';
import { echo, isIsoDate, UrlReader } from './read';

export const TIN = /^\d{13}$/;
export const VENDOR_KEY = /^(tin:\d{13}|name:.+)$/;

const MIN_FY = 2500;
const MAX_FY = 2700;
const MAX_PAGE = 1_000_000;

/** The translator a description is written with (i18next's `t`). */
export type Words = (key: string, opts?: Record<string, unknown>) => string;

export interface FilterDef {
  /** What the filter is (for the list of filters in docs and tests). */
  name: string;
  /** Reads its values into `f` (which starts as NO_FILTERS). */
  read(u: UrlReader, f: Filters): void;
  /** Writes its values that differ from the defaults. */
  write(f: Filters, p: URLSearchParams): void;
  /** The dimensions it constrains under `f` (none when unset). */
  dims?(f: Filters): Dim[];
  /** Its part of the sentence that describes a view; null when unset. */
  describe?(f: Filters, t: Words, lang: 'th' | 'en'): string | null;
}

const listed = (label: string, v: readonly (string | number)[]) =>
  v.length ? `${label}: ${v.join(', ')}` : null;

/** The `q` value, or null with a message when it has nothing to search or is too long. */
function searchText(u: UrlReader): string | null {
  const v = u.get('q')?.replace(/\s+/g, ' ').trim();
  if (!v) return null;
  const { problem } = queryWords(v);
  if (problem === 'too_long') u.bad(`q: longer than ${MAX_QUERY} characters`);
  else if (problem === 'too_many_words') u.bad(`q: more than ${MAX_QUERY_WORDS} words`);
  else if (problem === 'empty') u.bad(`${echo('q', v)}: no letters or digits to search`);
  return problem ? null : v;
}

const search: FilterDef = {
  name: 'keyword search (q, qin)',
  read(u, f) {
    f.q = searchText(u);
    f.qin = u.oneOf('qin', ['name', 'all'], 'name');
  },
  write(f, p) {
    if (f.q) p.set('q', f.q);
    if (f.q && f.qin !== 'name') p.set('qin', f.qin);
  },
  dims: (f) => (f.q ? ['search'] : []),
  describe(f, t) {
    if (!f.q) return null;
    const words = queryWords(f.q).words.join(' · ');
    const all = f.qin === 'all' ? `, ${t('explore.search_all')}` : '';
    return `${t('export.search')}: “${f.q}” (${words})${all}`;
  },
};

const years: FilterDef = {
  name: 'fiscal years (fy, BE; ranges as 2560-2562)',
  read(u, f) {
    const ys = new Set<number>();
    for (const v of u.all('fy')) {
      const range = /^(\d{4})(?:-(\d{4}))?$/.exec(v.trim());
      const lo = Number(range?.[1]);
      const hi = Number(range?.[2] ?? range?.[1]);
      if (!range || lo < MIN_FY || hi > MAX_FY || lo > hi) u.bad(echo('fy', v));
      else for (let y = lo; y <= hi; y++) ys.add(y);
    }
    f.fy = [...ys].sort((a, b) => a - b);
  },
  write(f, p) {
    for (const y of f.fy) p.append('fy', String(y));
  },
  dims: (f) => (f.fy.length ? ['fy'] : []),
  describe: (f, t) => listed(t('explore.fiscal_years'), f.fy),
};

const agency: FilterDef = {
  name: 'agency (agency: name or key; sub: its sub-unit)',
  read(u, f) {
    f.agency = u.text('agency');
    f.sub = f.agency ? u.text('sub') : null;
    if (!f.agency && u.get('sub')) u.bad('sub without agency');
  },
  write(f, p) {
    if (f.agency) p.set('agency', f.agency);
    if (f.agency && f.sub) p.set('sub', f.sub);
  },
  dims: (f) => (f.agency ? ['agency'] : []),
  describe(f, t) {
    if (!f.agency) return null;
    const sub = f.sub ? `; ${t('explore.sub')}: ${f.sub}` : '';
    return `${t('export.agency')}: ${f.agency}${sub}`;
  },
};

function facet(def: FacetDef): FilterDef {
  const key = def.key as keyof Filters & FacetDef['key'];
  const values = (f: Filters) => f[key] as string[];
  const b = def.buckets;
  return {
    name: `${def.key} (${def.table})`,
    read(u, f) {
      (f[key] as string[]) = u.list(def.key);
    },
    write(f, p) {
      for (const v of values(f)) p.append(def.key, v);
    },
    dims: (f) => (values(f).length ? [def.key as Dim] : []),
    describe: (f, t) =>
      listed(
        t(`explore.${def.key}`),
        values(f).map((v) => (b?.values.includes(v) ? t(`${b.label}${v}`) : v)),
      ),
  };
}

const vendor: FilterDef = {
  name: 'vendor (a 13-digit tax id or a vendor key; vendor_match=tin: only records carrying it)',
  read(u, f) {
    f.vendor = u.text('vendor', (v) => TIN.test(v) || VENDOR_KEY.test(v));
    f.vendorMatch = u.oneOf('vendor_match', ['all', 'tin'], 'all');
  },
  write(f, p) {
    if (f.vendor) p.set('vendor', f.vendor);
    if (f.vendor && f.vendorMatch !== 'all') p.set('vendor_match', f.vendorMatch);
  },
  dims: (f) =>
    f.vendor ? ['vendor', ...(f.vendorMatch === 'tin' ? (['match'] as const) : [])] : [],
  describe: (f, t) =>
    f.vendor
      ? `${t('export.vendor')}: ${f.vendor}${f.vendorMatch === 'tin' ? ` (${t('export.vendor_tin_only')})` : ''}`
      : null,
};

const amount: FilterDef = {
  name: 'amount range (min, max in baht; amount=budget|contract)',
  read(u, f) {
    f.min = u.amount('min');
    f.max = u.amount('max');
    f.amount = u.oneOf('amount', ['budget', 'contract'], 'budget');
    if (f.min !== null && f.max !== null && f.min > f.max) {
      u.bad('min > max');
      f.min = f.max = null;
    }
  },
  write(f, p) {
    if (f.min !== null) p.set('min', String(f.min));
    if (f.max !== null) p.set('max', String(f.max));
    if (f.amount !== 'budget' && (f.min !== null || f.max !== null)) p.set('amount', f.amount);
  },
  dims: (f) =>
    f.min === null && f.max === null ? [] : [f.amount === 'contract' ? 'contract' : 'budget'],
  describe(f, t) {
    if (f.min === null && f.max === null) return null;
    const on = t(f.amount === 'contract' ? 'explore.amount_contract' : 'explore.amount_budget');
    return `${on}: ${f.min ?? '…'}–${f.max ?? '…'} ${t('unit.baht')}`;
  },
};

const dates: FilterDef = {
  name: 'contract signing dates (from, to: ISO dates, inclusive)',
  read(u, f) {
    f.from = u.text('from', isIsoDate);
    f.to = u.text('to', isIsoDate);
    if (f.from && f.to && f.from > f.to) {
      u.bad('from > to');
      f.from = f.to = null;
    }
  },
  write(f, p) {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  },
  dims: (f) => (f.from || f.to ? ['date'] : []),
  describe: (f, t) =>
    f.from || f.to ? `${t('explore.dates')}: ${f.from ?? '…'}–${f.to ?? '…'}` : null,
};

const seen: FilterDef = {
  name: 'when projects first appeared (seen=latest: added by the latest snapshot; seen_since: an ISO date)',
  read(u, f) {
    f.seen = u.text('seen', (v) => v === 'latest') as Filters['seen'];
    f.seenSince = u.text('seen_since', isIsoDate);
  },
  write(f, p) {
    if (f.seen) p.set('seen', f.seen);
    if (f.seenSince) p.set('seen_since', f.seenSince);
  },
  dims: (f) => (f.seen || f.seenSince ? ['seen'] : []),
  describe(f, t) {
    const parts = [
      ...(f.seen ? [t('explore.seen_latest')] : []),
      ...(f.seenSince ? [t('explore.seen_since_on', { date: f.seenSince })] : []),
    ];
    return parts.length ? parts.join('; ') : null;
  },
};

const view: FilterDef = {
  name: 'order, page and pinned snapshot (sort, page, snap)',
  read(u, f) {
    f.sort = u.oneOf('sort', SORTS, DEFAULT_SORT);
    const page = u.get('page');
    if (page !== null) {
      const n = Number(page);
      if (/^\d+$/.test(page) && n >= 1 && n <= MAX_PAGE) f.page = n;
      else u.bad(echo('page', page));
    }
    f.snap = u.text('snap', (v) => /^[0-9a-f]{6,64}$/.test(v));
  },
  write(f, p) {
    if (f.sort !== DEFAULT_SORT) p.set('sort', f.sort);
    if (f.page !== 1) p.set('page', String(f.page));
    if (f.snap) p.set('snap', f.snap);
  },
};

const flags: FilterDef = {
  name: 'integrity flags (flag) and their thresholds (f1_min, …)',
  read(u, f) {
    const ids = new Set<FlagId>();
    for (const v of u.list('flag')) {
      const id = v.toUpperCase();
      if ((FLAG_IDS as readonly string[]).includes(id)) ids.add(id as FlagId);
      else u.bad(echo('flag', v));
    }
    f.flag = [...ids].sort();
    const th: Record<string, number> = {};
    for (const def of THRESHOLDS) {
      const raw = u.get(def.key);
      if (raw === null || raw.trim() === '') continue;
      const n = parseThreshold(def, raw);
      if (n === null) u.bad(`${echo(def.key, raw)} (${def.min}–${def.max})`);
      else if (n !== def.default) th[def.key] = n;
    }
    f.th = th;
  },
  write(f, p) {
    for (const id of f.flag) p.append('flag', id);
    for (const def of THRESHOLDS) {
      const v = f.th[def.key];
      if (v !== undefined && v !== def.default) p.set(def.key, String(v));
    }
  },
  dims: (f) => (f.flag.length ? ['flag'] : []),
  describe(f, t, lang) {
    if (!f.flag.length) return null;
    // Each flag with its rule as the thresholds set it: the export says exactly what it selected.
    const rules = f.flag.map((id) => `${id} ${ruleText(FLAGS[id], f.th, lang, String)}`);
    return t('explore.flags_filtered', { ids: rules.join('; ') });
  },
};

/** In URL order. */
export const FILTER_DEFS: readonly FilterDef[] = [
  search,
  years,
  agency,
  ...FACETS.map(facet),
  vendor,
  amount,
  dates,
  seen,
  view,
  flags,
];
