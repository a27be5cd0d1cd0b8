/**
 * Explorer filters as data: parsed from and written to the URL (the URL is the source of truth).
 * Values name things by stable keys (names, TINs, vendor keys), never by row numbers, so a link
 * stays valid when a new year is published. Invalid values are reported and ignored.
 */
import { MAX_QUERY, MAX_QUERY_WORDS, queryWords } from '../search/text';
import { FLAG_IDS, THRESHOLDS, parseThreshold, type FlagId, type Thresholds } from './flag-defs';

export const SORTS = ['-budget', 'budget', '-agreed', 'agreed', '-fy', 'fy'] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = '-budget';

export interface Filters {
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
  /** Province names (Thai, as in the data); any of them. */
  province: string[];
  /** Method buckets (`open`, `specific`, …) or raw method labels; any of them. */
  method: string[];
  /** Project types; any of them. */
  type: string[];
  /** Project statuses; any of them. */
  status: string[];
  /** A 13-digit TIN or a vendor key from the ingest (`tin:…`, `name:…`). */
  vendor: string | null;
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
  /** Integrity flags (docs/flags.md): projects flagged by any of them. */
  flag: FlagId[];
  /** Flag thresholds changed from their defaults, by URL key (`f1_min`, …). */
  th: Thresholds;
}

export const NO_FILTERS: Filters = {
  q: null,
  qin: 'name',
  fy: [],
  agency: null,
  sub: null,
  province: [],
  method: [],
  type: [],
  status: [],
  vendor: null,
  min: null,
  max: null,
  amount: 'budget',
  from: null,
  to: null,
  sort: DEFAULT_SORT,
  page: 1,
  snap: null,
  flag: [],
  th: {},
};

const MIN_FY = 2500;
const MAX_FY = 2700;
const MAX_TEXT = 300;
const MAX_LIST = 50;
const MAX_PAGE = 1_000_000;
const MAX_AMOUNT = 1e15;

export const TIN = /^\d{13}$/;
export const VENDOR_KEY = /^(tin:\d{13}|name:.+)$/;
export const AGENCY_KEY = /^[0-9a-f]{12}$/;

function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Short, safe echo of a bad value for the message. */
function echo(name: string, v: string): string {
  return `${name}=${v.length > 20 ? `${v.slice(0, 20)}…` : v}`;
}

/** The `q` value, or null with a message when it has nothing to search or is too long. */
function searchText(raw: string | null, invalid: string[]): string | null {
  const v = raw?.replace(/\s+/g, ' ').trim();
  if (!v) return null;
  const { problem } = queryWords(v);
  if (problem === 'too_long') invalid.push(`q: longer than ${MAX_QUERY} characters`);
  else if (problem === 'too_many_words') invalid.push(`q: more than ${MAX_QUERY_WORDS} words`);
  else if (problem === 'empty') invalid.push(`${echo('q', v)}: no letters or digits to search`);
  return problem ? null : v;
}

export function parseFilters(params: URLSearchParams): { filters: Filters; invalid: string[] } {
  const invalid: string[] = [];
  const years = new Set<number>();
  for (const v of params.getAll('fy')) {
    const range = /^(\d{4})(?:-(\d{4}))?$/.exec(v.trim());
    const lo = Number(range?.[1]);
    const hi = Number(range?.[2] ?? range?.[1]);
    if (!range || lo < MIN_FY || hi > MAX_FY || lo > hi) {
      invalid.push(echo('fy', v));
      continue;
    }
    for (let y = lo; y <= hi; y++) years.add(y);
  }
  const text = (name: string, ok: (v: string) => boolean = () => true): string | null => {
    const v = params.get(name)?.trim();
    if (!v) return null;
    if (v.length > MAX_TEXT || !ok(v)) {
      invalid.push(echo(name, v));
      return null;
    }
    return v;
  };
  const list = (name: string): string[] => {
    const all = [...new Set(params.getAll(name).map((v) => v.trim()))].filter(Boolean);
    const good = all.filter((v) => v.length <= MAX_TEXT);
    for (const v of all) if (v.length > MAX_TEXT) invalid.push(echo(name, v));
    if (good.length > MAX_LIST) invalid.push(`${name}: more than ${MAX_LIST} values`);
    return good.slice(0, MAX_LIST).sort();
  };
  const amount = (name: string): number | null => {
    const v = params.get(name)?.trim().replace(/,/g, '');
    if (!v) return null;
    const n = Number(v);
    if (!/^\d+(\.\d{1,2})?$/.test(v) || n > MAX_AMOUNT) {
      invalid.push(echo(name, params.get(name)!));
      return null;
    }
    return n;
  };
  const agency = text('agency');
  const q = searchText(params.get('q'), invalid);
  const filters: Filters = {
    q,
    qin: 'name',
    fy: [...years].sort((a, b) => a - b),
    agency,
    sub: agency ? text('sub') : null,
    province: list('province'),
    method: list('method'),
    type: list('type'),
    status: list('status'),
    vendor: text('vendor', (v) => TIN.test(v) || VENDOR_KEY.test(v)),
    min: amount('min'),
    max: amount('max'),
    amount: 'budget',
    from: text('from', isIsoDate),
    to: text('to', isIsoDate),
    sort: DEFAULT_SORT,
    page: 1,
    snap: text('snap', (v) => /^[0-9a-f]{6,64}$/.test(v)),
    flag: [],
    th: {},
  };
  for (const v of list('flag')) {
    const id = v.toUpperCase();
    if ((FLAG_IDS as readonly string[]).includes(id)) filters.flag.push(id as FlagId);
    else invalid.push(echo('flag', v));
  }
  filters.flag = [...new Set(filters.flag)].sort();
  const th: Record<string, number> = {};
  for (const def of THRESHOLDS) {
    const raw = params.get(def.key);
    if (raw === null || raw.trim() === '') continue;
    const n = parseThreshold(def, raw);
    if (n === null) invalid.push(`${echo(def.key, raw)} (${def.min}–${def.max})`);
    else if (n !== def.default) th[def.key] = n;
  }
  filters.th = th;
  if (!agency && params.get('sub')) invalid.push('sub without agency');
  const qin = params.get('qin');
  if (qin === 'all') filters.qin = 'all';
  else if (qin !== null && qin !== 'name') invalid.push(echo('qin', qin));
  const amt = params.get('amount');
  if (amt === 'contract') filters.amount = 'contract';
  else if (amt !== null && amt !== 'budget') invalid.push(echo('amount', amt));
  if (filters.min !== null && filters.max !== null && filters.min > filters.max) {
    invalid.push(`min > max`);
    filters.min = filters.max = null;
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    invalid.push(`from > to`);
    filters.from = filters.to = null;
  }
  const sort = params.get('sort');
  if (sort !== null) {
    if ((SORTS as readonly string[]).includes(sort)) filters.sort = sort as Sort;
    else invalid.push(echo('sort', sort));
  }
  const page = params.get('page');
  if (page !== null) {
    const n = Number(page);
    if (/^\d+$/.test(page) && n >= 1 && n <= MAX_PAGE) filters.page = n;
    else invalid.push(echo('page', page));
  }
  return { filters, invalid };
}

/** The query string for filters, in a fixed order (equal filters give equal URLs). */
export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.q && f.qin !== 'name') p.set('qin', f.qin);
  for (const y of f.fy) p.append('fy', String(y));
  if (f.agency) p.set('agency', f.agency);
  if (f.agency && f.sub) p.set('sub', f.sub);
  for (const k of ['province', 'method', 'type', 'status'] as const) {
    for (const v of f[k]) p.append(k, v);
  }
  if (f.vendor) p.set('vendor', f.vendor);
  if (f.min !== null) p.set('min', String(f.min));
  if (f.max !== null) p.set('max', String(f.max));
  if (f.amount !== 'budget' && (f.min !== null || f.max !== null)) p.set('amount', f.amount);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.sort !== DEFAULT_SORT) p.set('sort', f.sort);
  if (f.page !== 1) p.set('page', String(f.page));
  if (f.snap) p.set('snap', f.snap);
  for (const id of f.flag) p.append('flag', id);
  for (const def of THRESHOLDS) {
    const v = f.th[def.key];
    if (v !== undefined && v !== def.default) p.set(def.key, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** True when a filter needs contract rows (vendor, contract date, contract value). */
export function needsContracts(f: Filters): boolean {
  return (
    f.vendor !== null ||
    f.from !== null ||
    f.to !== null ||
    (f.amount === 'contract' && (f.min !== null || f.max !== null))
  );
}

/** A profile page's query string: its key, then flag thresholds changed from their defaults. */
export function profileSearch(keys: Record<string, string>, th: Thresholds): string {
  const p = new URLSearchParams(keys);
  for (const [k, v] of new URLSearchParams(filtersToSearch({ ...NO_FILTERS, th }))) p.append(k, v);
  return `?${p}`;
}
