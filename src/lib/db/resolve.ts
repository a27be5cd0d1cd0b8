/**
 * A view's filters → the snapshot's ids (memoised lookups), with its search's hits and its
 * flags' tables made once per snapshot and inputs.
 */
import type { Filters } from '../query/filters';
import { toResolved, unknownValues } from '../query/filters/resolve';
import type { FlagId, Thresholds } from '../query/flag-defs';
import {
  countFlags,
  flaggedHits,
  runFlag,
  scopeOf,
  type FlagCount,
  type FlagScope,
  type FlagTable,
} from '../query/flags';
import type { SearchHits } from '../query/hits';
import type { Resolved } from '../query/plan';
import { runSearch, type KnownHits } from '../query/search';
import { hasFirstSeen, seenHits } from '../query/seen';
import type { Manifest } from '../schema/tables';
import { queryWords } from '../search/text';
import { Memo, memoKey } from './cache';
import { agencyIds, ask, dimensions, vendorByKey, type Vendor } from './lookup';

export type { FlagCount } from '../query/flags';

/** A search's hits, and how long finding them took (ms; the benchmark reads it). */
export type Search = SearchHits & { tooManyOwners: boolean; ms: number };

const searchCache = new Memo<Search>(1000);
const flagCache = new Memo<FlagTable>(1000);
const seenCache = new Memo<SearchHits>(100);
/** Frequent words' hits as their headline files have them (`knownSearch`), by search. */
const knownHits = new Map<string, KnownHits>();

/** A search's key: its snapshot, words and where it looks. */
const searchKey = (m: Manifest, q: string, qin: Filters['qin']) =>
  memoKey(m.snapshot_id, { words: queryWords(q).words, qin });

/**
 * A one-word search's hits as the headline files have them (of names, or of all fields where the
 * word's file answers that too): the search copies them.
 */
export function knownSearch(m: Manifest, q: string, qin: Filters['qin'], hits: KnownHits): void {
  knownHits.set(searchKey(m, q, qin), hits);
}

/** The hits of the URL's search (made once per search; see src/lib/query/search.ts). */
function searchHits(m: Manifest, f: Filters): Promise<Search> | null {
  if (!f.q) return null;
  // Hits over all years: the year facet counts the other years too (the facts' scans still
  // read only the chosen years).
  const req = { words: queryWords(f.q).words, qin: f.qin };
  const key = searchKey(m, f.q, f.qin);
  return searchCache.get(key, async () => {
    const t = performance.now();
    const hits = await runSearch(ask, m, req, knownHits.get(key) ?? null);
    return { ...hits, ms: Math.round(performance.now() - t) };
  });
}

/** The first-seen filter's projects (made once per snapshot and filter; see query/seen.ts). */
function seenTable(m: Manifest, f: Filters): Promise<SearchHits> | null {
  if (!f.seen && !f.seenSince) return null;
  const key = memoKey(m.snapshot_id, { seen: f.seen, since: f.seenSince });
  return seenCache.get(key, () => seenHits(ask, m, f));
}

/** A flag's table over a scope (made once per flag, thresholds and scope). */
export function flagTable(
  m: Manifest,
  id: FlagId,
  scope: FlagScope,
  th: Thresholds,
): Promise<FlagTable> {
  return flagCache.get(memoKey(m.snapshot_id, id, scope, th), () => runFlag(ask, m, id, scope, th));
}

/**
 * URL names → ids. A name the snapshot lacks gives an empty list (no row matches it) and is listed
 * in `unknown`.
 */
export async function resolveFilters(
  m: Manifest,
  f: Filters,
): Promise<{ r: Resolved; vendor: Vendor | null; search: Search | null; unknown: string[] }> {
  const [d, vendor, agency, search, seen] = await Promise.all([
    dimensions(m),
    f.vendor ? vendorByKey(m, f.vendor) : null,
    f.agency ? agencyIds(m, f.agency, f.sub) : null,
    searchHits(m, f),
    seenTable(m, f),
  ]);
  let r = toResolved(f, d, agency, vendor?.vendor_id ?? null, search, null, seen);
  const unknown = unknownValues(f, d, m.fiscal_years, agency, vendor?.vendor_id ?? null);
  // Data published before schema 16 does not say when its projects first appeared.
  if ((f.seen || f.seenSince) && !hasFirstSeen(m))
    unknown.push(
      ...(f.seen ? [`seen=${f.seen}`] : []),
      ...(f.seenSince ? [`seen_since=${f.seenSince}`] : []),
    );
  if (f.flag.length) {
    // A flag compares an agency with itself over the chosen years: its scope is those two.
    const tables = await Promise.all(f.flag.map((id) => flagTable(m, id, scopeOf(r), f.th)));
    r = { ...r, flag: await flaggedHits(ask, m, tables) };
  }
  return { r, vendor, search, unknown };
}

/** Every flag's counts under the filters (each flag's table made once per scope). */
export function flagCounts(
  m: Manifest,
  r: Resolved,
  th: Thresholds,
  scope?: FlagScope,
): Promise<FlagCount[]> {
  return countFlags(ask, m, r, (id, sc) => flagTable(m, id, sc, th), scope, th);
}
