/**
 * Which views the headline files answer (files.ts): the filters they cover, a view's facet values
 * with files of their own, and a one-word search (its hits as the word's file has them).
 */
import { filtersToSearch, NO_FILTERS, type Filters } from '../query/filters';
import { FACETS, type FacetDef, type FacetKey } from '../query/filters/facets';
import type { KnownHits } from '../query/search';
import { SCHEMA_VERSION, tableFiles, type Manifest } from '../schema/tables';
import { queryWords, TERM_HITS_WHOLE } from '../search/text';
import {
  AGENCY_PAIRS_FROM,
  FACET_PAIRS,
  FACET_VIEWS,
  pairFiles,
  PLACE_PAIRS_FROM,
  WORD_ALL_FROM,
  type WordHits,
  type YearNumbers,
} from './files';

/** A search of one word (as the index has it), or null. */
export function oneWord(q: string): string | null {
  const { words, problem } = queryWords(q);
  return problem === null && words.length === 1 ? words[0]! : null;
}

/**
 * The view's facet values with files of their own, if they are its filter: one value of a facet
 * (files.ts `FACET_VIEWS`), one value each of two of `FACET_PAIRS` (schema 23) or of a province
 * and one of those over all years (schema 40), two or more of a
 * facet's named groups, the method groups but `unknown` (schema 24), or two or more values of a
 * facet of `sets` (the manifest's `headline.sets`, schema 33: types and statuses, when few).
 */
export function facetView(
  f: Filters,
  schema: number,
  sets: readonly string[] = [],
): { key: FacetKey; values: string[] }[] | null {
  if (f.agency || f.vendor || f.q) return null;
  const set = FACET_VIEWS.filter((k) => f[k].length);
  if (set.length === 1 && f[set[0]!].length > 1) {
    const key = set[0]!;
    if (schema >= 33 && sets.includes(key)) return [{ key, values: f[key] }];
    // Named groups only: `unknown` also stands for rows with no value (headline-facets.ts).
    const b = (FACETS.find((d) => d.key === key) as FacetDef).buckets;
    const all = !!b && schema >= 24 && f[key].every((v) => v !== b.unknown && b.values.includes(v));
    return all ? [{ key, values: f[key] }] : null;
  }
  if (!set.length || set.some((k) => f[k].length > 1)) return null;
  const files = set.length === 2 ? pairFiles(set[0]!, set[1]!) : null;
  const pair =
    (files === 'each-year' && schema >= 23) ||
    (files === 'all-years' && schema >= PLACE_PAIRS_FROM && !f.fy.length);
  return set.length === 1 || pair ? set.map((key) => ({ key, values: f[key] })) : null;
}

/**
 * An agency name with one value of a method, type or status over all years (schema 44): the
 * link the name's facets give. Its file exists for a busy name only (files.ts `BUSY_NAMES`);
 * another name's view gets no file and is the engine's.
 */
export function agencyPair(
  f: Filters,
  schema: number,
): { key: FacetKey; values: string[] }[] | null {
  if (schema < AGENCY_PAIRS_FROM || !f.agency || f.sub !== null || f.fy.length) return null;
  if (f.vendor || f.q || f.seen) return null;
  const set = FACET_VIEWS.filter((k) => f[k].length);
  const key = set[0];
  const paired = (FACET_PAIRS as readonly string[]).includes(key ?? '');
  return set.length === 1 && paired && f[key!].length === 1
    ? [{ key: key!, values: f[key!] }]
    : null;
}

/**
 * A link to an agency unit (schema 25): its name with its sub-unit, its one province or both, as
 * the site links a unit (the agency list, the top agencies chart, the project panel); the unit's
 * file (files.ts `UnitFile`) answers it.
 */
export function unitLink(f: Filters, schema: number): boolean {
  return (
    schema >= 25 && !!f.agency && f.province.length <= 1 && (f.sub !== null || !!f.province.length)
  );
}

/** The headline files a snapshot may have beyond its schema's (`headlineHas`). */
export interface HeadlineHas {
  /** The facets whose sets of values have files (manifest `headline.sets`, schema 33). */
  sets?: readonly string[];
  /** What the snapshot added has files (manifest `first_seen.headline`, schema 34). */
  seen?: boolean;
}

export const headlineHas = (m: Manifest): HeadlineHas => ({
  sets: m.headline?.sets,
  seen: !!m.first_seen?.headline,
});

/**
 * The filters the headline files may answer: fiscal years with one of an agency name, a vendor,
 * a one-word search of project names (the word's file exists only for frequent words; since
 * schema 46 of all fields too, which the word's file answers only where it says so) or one
 * value of a province, method, type or status, one value each of two of method, type and
 * status (data of `schema` 23 or newer), two or more named method groups (24 or newer) or values
 * of a facet of `has.sets` (33 or newer), or an agency unit's link (25 or newer), a province with
 * one value of a method, type or status over all years (40 or newer), an agency name with one of
 * those over all years (44 or newer; a busy name's file only), or what the
 * snapshot added (`seen=latest`, where `has.seen`); in any order and on any page (the files hold
 * the first page in the default order only).
 */
export function headlineCovers(
  f: Filters,
  schema: number = SCHEMA_VERSION,
  has: HeadlineHas = {},
): boolean {
  const facets = facetView(f, schema, has.sets) ?? agencyPair(f, schema) ?? [];
  // What the snapshot added, by itself or in some years, and (schema 36) within an agency name.
  const seen =
    !!has.seen &&
    f.seen === 'latest' &&
    !facets.length &&
    !f.vendor &&
    !f.q &&
    (!f.agency || (schema >= 36 && !unitLink(f, schema)));
  const plain = {
    ...NO_FILTERS,
    fy: f.fy,
    agency: f.agency,
    vendor: f.vendor,
    q: f.q,
    ...(f.q && schema >= WORD_ALL_FROM ? { qin: f.qin } : {}),
    snap: f.snap,
    ...Object.fromEntries(facets.map((x) => [x.key, x.values])),
    ...(unitLink(f, schema) ? { sub: f.sub, province: f.province } : {}),
    ...(seen ? { seen: f.seen } : {}),
    // Another order or page changes only the table: the numbers, facets and charts are the view's.
    sort: f.sort,
    page: f.page,
  };
  return (
    [f.agency, f.vendor, f.q].filter(Boolean).length <= 1 &&
    (f.q === null || oneWord(f.q) !== null) &&
    filtersToSearch(plain) === filtersToSearch(f)
  );
}

/** A word's hits as its file has them, as the engine's search would count them (search.ts). */
export function knownHits(m: Manifest, years: Record<string, YearNumbers>, w: WordHits): KnownHits {
  const count = (y: number | null) => (y === null ? 0 : (years[String(y)]?.[0] ?? 0));
  return {
    terms: w.terms.map(([id, kind, start, end]) => ({
      id,
      start,
      end,
      rank: kind - TERM_HITS_WHOLE,
    })),
    tooManyOwners: !!w.cut,
    rows: Object.values(years).reduce((n, y) => n + y[0], 0),
    // In the order of the projects' files, as the search's own count lists them.
    years: tableFiles(m, 'projects')
      .filter((f) => count(f.fiscal_year) > 0)
      .map((f) => f.fiscal_year!),
    seqMin: w.seq[0],
    seqMax: w.seq[1],
  };
}
