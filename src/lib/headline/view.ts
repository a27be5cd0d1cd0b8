/**
 * A view's headline numbers and first table page from the headline files (files.ts), without the
 * SQL engine: for the views whose only filters are fiscal years and one of an agency name, an
 * agency unit's link, a vendor, a search of one frequent word or one province, method, type or
 * status (the first page of the table in the default order only; another order or page is the
 * engine's, from the ordered copy where it holds the page; a unit's, over all years only). Any
 * other view returns null and waits for the engine, which answers every view (and must agree
 * with this to the last satang: tested).
 */
import { dataUrl } from '../db/dataset';
import type { Agency, Vendor } from '../db/lookup';
import type { ResultRow } from '../query/project-profile';
import { decimal, hundredths } from '../query/decimal';
import { FACETS, NO_FILTERS, TIN, type Filters } from '../query/filters';
import type { FacetKey } from '../query/filters/facets';
import {
  agencyPair,
  facetView,
  headlineCovers,
  headlineHas,
  knownHits,
  oneWord,
  unitLink,
} from './covers';
import { dimRow, facetIds, type DimRow } from '../query/filters/resolve';
import type { Overview, Totals } from '../query/overview';
import type { KnownHits } from '../query/search';
import type { Manifest } from '../schema/tables';
import {
  agencyFileKey,
  agencyKeyOf,
  agencyPairKey,
  agencyPairsEntry,
  emptyParts,
  facetPairKey,
  facetViewKey,
  headlinePath,
  PAGE_SIZE,
  vendorShard,
  wordFileKey,
  wordsAllEntry,
  type HeadRow,
  type RowsFile,
  type TotalsFile,
  type UnitFile,
  type VendorShard,
  type ViewFile,
  type YearNumbers,
} from './files';
import { agencyOf, dimsOf, overviewOf, type Read } from './parts';
import type { YearCount } from '../query/page-sql';

export interface Headline {
  totals: Totals;
  /**
   * The first page of the table; null where the files do not hold it (a vendor's view, another
   * order or page).
   */
  rows: ResultRow[] | null;
  vendor: Vendor | null;
  /** The method labels the table shows. */
  methods: DimRow[];
  /**
   * The view's facets and charts too (with its totals), when the files hold them: all years or
   * one year, of the nation or of an agency name.
   */
  overview: Overview | null;
  /** The ids of the view's agency name, as the engine would resolve them (null: no name). */
  agencyIds: number[] | null;
  /** A frequent word's hits in the index, as the engine's search would find them (null: none). */
  hits: KnownHits | null;
  /**
   * The view's projects in each chosen year that has any (every year when none is chosen), as
   * the engine counts them: a page in a year order starts from them (page-sql.ts `yearPage`).
   */
  years: YearCount[];
}

export type { Read };

/** The site's reader: the file over HTTP, beside the manifest. */
export function httpRead(m: Manifest): Read {
  return async <T>(rel: string) => {
    const res = await fetch(dataUrl(`${m.headline!.path}/${rel}`));
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${rel}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
}

/** The projects of each of these years with any (every year when none is chosen). */
function yearCounts(years: Record<string, YearNumbers>, fy: number[]): YearCount[] {
  return Object.entries(years)
    .map(([y, n]) => ({ year: Number(y), n: n[0] }))
    .filter((x) => x.n > 0 && (!fy.length || fy.includes(x.year)));
}

/** The years' numbers added up (every year when none is chosen). */
export function totalsOf(years: Record<string, YearNumbers>, fy: number[]): Totals {
  const sum = [0, 0n, 0, 0n, 0n, 0n] as [number, bigint, number, bigint, bigint, bigint];
  for (const [y, n] of Object.entries(years)) {
    if (fy.length && !fy.includes(Number(y))) continue;
    sum[0] += n[0];
    sum[1] += hundredths(n[1]);
    sum[2] += n[2];
    sum[3] += hundredths(n[3]);
    sum[4] += hundredths(n[4]);
    sum[5] += hundredths(n[5]);
  }
  return {
    projects: sum[0],
    budget: decimal(sum[1]),
    contracts: sum[2],
    agreed: decimal(sum[3]),
    ref_price: decimal(sum[4]),
    ref_agreed: decimal(sum[5]),
  };
}

/**
 * The table's default order: a search's whole-word matches first, then budget, largest first, no
 * budget last; ties by project id.
 */
function byOrder(a: HeadRow, b: HeadRow): number {
  if ((a[9] ?? 0) !== (b[9] ?? 0)) return (a[9] ?? 0) - (b[9] ?? 0);
  if (a[5] !== b[5]) {
    if (a[5] === null) return 1;
    if (b[5] === null) return -1;
    const d = hundredths(b[5]) - hundredths(a[5]);
    if (d !== 0n) return d > 0n ? 1 : -1;
  }
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function resultRows(files: RowsFile[]): ResultRow[] {
  const agencies = Object.assign({}, ...files.map((x) => x.agencies)) as RowsFile['agencies'];
  const rows = files.flatMap((x) => x.rows).sort(byOrder);
  return rows.slice(0, PAGE_SIZE).map((r) => {
    const a = agencies[String(r[3])];
    const agency: Agency | null = a ? agencyOf(r[3], a) : null;
    return {
      project_id: r[0],
      project_seq: r[1],
      fiscal_year: r[2],
      agency_id: r[3],
      method_id: r[4],
      budget: r[5],
      agreed: r[6],
      contracts: r[7],
      contract_value: r[10] ?? null,
      project_name: r[8],
      agency,
    };
  });
}

/** The first page: over all years from the view's own file, else from the chosen years' files. */
function firstPage(all: RowsFile, years: (RowsFile | null)[] | null): ResultRow[] {
  return resultRows(years ? years.filter((x): x is RowsFile => x !== null) : [all]);
}

/** A vendor's entry, by a 13-digit TIN or any of its keys; null when the data lacks it. */
export async function vendorEntry(
  m: Manifest,
  read: Read,
  id: string,
): Promise<VendorShard[string] | null> {
  const key = TIN.test(id) ? `tin:${id}` : id;
  const file = headlinePath.vendor(await vendorShard(key, m.headline!.vendor_shard_hex));
  return (await read<VendorShard>(file))?.[key] ?? null;
}

export function vendorOf(v: VendorShard[string]): Vendor {
  const [vendor_id, vendor_key, tin, tin_status, name, linked_contracts] = v.vendor;
  return { vendor_id, vendor_key, tin, tin_status, name, linked_contracts };
}

/** A view's files: over all years, and one year's; `agency`: an agency name's (with its ids). */
interface ViewPaths {
  all: string;
  year: (fy: number) => string;
  agency: boolean;
  /**
   * A facet value's view, of this facet: a year it has no project in still counts its own facet
   * (the national one), which its missing file cannot give; the engine does.
   */
  facet?: FacetKey;
}

/**
 * A vendor's view: its numbers per year from its shard; a busy vendor's first page, facets and
 * charts from its own files, as an agency name's (`viewOf`).
 */
async function vendorView(
  m: Manifest,
  read: Read,
  f: Filters,
): Promise<Omit<Headline, 'methods'> | null> {
  const v = await vendorEntry(m, read, f.vendor!);
  if (!v) return null;
  const vendor = vendorOf(v);
  if (!v.view) {
    const totals = totalsOf(v.years, f.fy);
    const years = yearCounts(v.years, f.fy);
    return { totals, rows: null, vendor, overview: null, agencyIds: null, hits: null, years };
  }
  const h = await agencyFileKey(vendor.vendor_key);
  const paths: ViewPaths = {
    all: headlinePath.vendorView(h),
    year: (y: number) => headlinePath.vendorViewYear(h, y),
    agency: false,
  };
  const view = await viewOf(m, read, f, paths, v.years);
  return view && { ...view, vendor };
}

/**
 * An agency unit's link: its numbers per year and (all years: in the default order) its first
 * page and its facets and charts from the unit's file. No file: the link is not one the site makes (another sub-unit or
 * province than a unit's); no project: it names nothing the data has, or nothing in its province;
 * the engine says which.
 */
async function unitView(
  m: Manifest,
  read: Read,
  f: Filters,
): Promise<Omit<Headline, 'methods'> | null> {
  const key = await agencyKeyOf(f.agency!, f.sub, f.province[0] ?? null);
  // All years: the facets and charts too, which count the province's districts.
  const dims = f.fy.length ? null : dimsOf(m, read, 'province');
  const file = await read<UnitFile>(headlinePath.unit(key));
  if (!file || !Object.keys(file.years).length) return null;
  const totals = totalsOf(file.years, f.fy);
  const d = await dims;
  const first = !f.fy.length && f.sort === NO_FILTERS.sort && f.page === 1;
  return {
    totals,
    rows: first ? resultRows([file]) : null,
    vendor: null,
    overview:
      d && file.overview ? await overviewOf(d, totals, file, file.overview, 'province') : null,
    agencyIds: file.ids,
    hits: null,
    years: yearCounts(file.years, f.fy),
  };
}

/** The facet values' view keys (`facetViewKey`), or null where one names nothing in the data. */
async function facetKeys(
  m: Manifest,
  read: Read,
  facets: { key: FacetKey; values: string[] }[],
): Promise<string[] | null> {
  const d = await dimsOf(m, read);
  const keys: string[] = [];
  for (const facet of facets) {
    const def = FACETS.find((x) => x.key === facet.key)!;
    const ids = d && facetIds(def, facet.values, d[facet.key]);
    if (!ids || (!ids.ids.length && !ids.nulls)) return null;
    keys.push(facetViewKey(facet.key, ids.ids, ids.nulls));
  }
  return keys;
}

/**
 * The files of the national view, what the snapshot added (in all or within an agency name), an
 * agency name's, a word's or a facet value's (null: the value names nothing in the data, which
 * the engine says; a busy agency name's with a facet value, schema 44).
 */
async function viewFiles(m: Manifest, read: Read, f: Filters): Promise<ViewPaths | null> {
  if (f.seen === 'latest' && f.agency) {
    const h = await agencyFileKey(f.agency);
    return {
      all: headlinePath.seenAgency(h),
      year: (y) => headlinePath.seenAgencyYear(h, y),
      agency: true,
    };
  }
  if (f.seen === 'latest')
    return { all: headlinePath.seen(), year: headlinePath.seenYear, agency: false };
  const pair = agencyPair(f, m.schema_version);
  const facets = pair ?? facetView(f, m.schema_version, m.headline?.sets);
  if (facets) {
    // A name with no such files (not busy) asks none: the engine's at once.
    const busy = m.headline?.agency_pairs ?? [];
    if (pair && !busy.includes(await agencyPairsEntry(f.agency!))) return null;
    const keys = await facetKeys(m, read, facets);
    if (!keys) return null;
    const h = await agencyFileKey(pair ? agencyPairKey(f.agency!, keys[0]!) : facetPairKey(keys));
    return {
      all: headlinePath.facet(h),
      year: (y) => headlinePath.facetYear(h, y),
      // A busy agency name's pair (over all years only) carries the name's ids, as its own file.
      agency: !!pair,
      // (A pair's first: neither of a pair has a facet asked under it.)
      facet: facets[0]!.key,
    };
  }
  const word = f.q ? oneWord(f.q) : null;
  if (word !== null) {
    const h = await wordFileKey(word);
    // A search of all fields where an agency's or a winner's name adds projects: its own files
    // (schema 47), listed in the manifest. Another word's files answer it where they say so.
    if (f.qin === 'all' && m.headline?.words_all?.includes(await wordsAllEntry(word)))
      return {
        all: headlinePath.wordAll(h),
        year: (y) => headlinePath.wordAllYear(h, y),
        agency: false,
      };
    return { all: headlinePath.word(h), year: (y) => headlinePath.wordYear(h, y), agency: false };
  }
  if (f.agency) {
    const h = await agencyFileKey(f.agency);
    return {
      all: headlinePath.agency(h),
      year: (y) => headlinePath.agencyYear(h, y),
      agency: true,
    };
  }
  return { all: headlinePath.national(), year: headlinePath.nationalYear, agency: false };
}

/**
 * A view from its own file and the chosen years' first pages, asked at the same time (a year the
 * view lacks has no file); its numbers per year from that file, or `perYear` when given.
 */
async function viewOf(
  m: Manifest,
  read: Read,
  f: Filters,
  paths: ViewPaths,
  perYear: Record<string, YearNumbers> | null = null,
): Promise<Omit<Headline, 'methods'> | null> {
  const chosen = f.fy.filter((y) => m.fiscal_years.includes(y));
  // The labels of the facets, asked beside the view's files (one year or all: see below).
  const dims = f.fy.length <= 1 ? dimsOf(m, read, paths.facet ?? null) : null;
  const yearFiles = f.fy.length
    ? Promise.all(chosen.map((y) => read<ViewFile>(paths.year(y))))
    : null;
  // One year: its file alone when it carries the view's years (schema 20) or they come from
  // elsewhere (a vendor's shard); otherwise (older files, a year the view has no file for, several
  // years) the view's file over all years too, asked beside the years' files.
  const one = f.fy.length === 1 && chosen.length === 1 ? (await yearFiles)![0] : null;
  const own = one && (perYear ?? one.years) ? one : null;
  const [got, years] = own
    ? [{ ...own, years: (perYear ?? own.years)! }, [own]]
    : await Promise.all([read<TotalsFile>(paths.all), yearFiles]);
  // A year with projects whose page is missing: the files are not whole (a snapshot replaced
  // while the page was open); the engine says what happened. A search of all fields: a word's
  // file answers it only where it says so (its names' where they find the same hits, or the
  // search's own, schema 47).
  const file = got && perYear ? { ...got, years: perYear } : got;
  const all = !f.q || f.qin !== 'all' || !!file?.hits?.all;
  if (!file || !all || years?.some((x, i) => !x && file.years[String(chosen[i])])) return null;
  const d = await dims;
  const totals = totalsOf(file.years, f.fy);
  // One year's or every year's overview is in its file (a year without projects has none: its
  // overview is empty); that of several years is not. Files of schema 12 have none.
  const parts = !file.overview
    ? null
    : !f.fy.length
      ? file.overview
      : f.fy.length === 1
        ? (years?.[0]?.overview ?? (paths.facet ? null : emptyParts()))
        : null;
  return {
    totals,
    rows: f.sort === NO_FILTERS.sort && f.page === 1 ? firstPage(file, years) : null,
    vendor: null,
    overview: parts && d ? await overviewOf(d, totals, file, parts, paths.facet ?? null) : null,
    agencyIds: paths.agency ? (file.ids ?? null) : null,
    hits: file.hits ? knownHits(m, file.years, file.hits) : null,
    years: yearCounts(file.years, f.fy),
  };
}

const METHODS = FACETS.find((d) => d.key === 'method')!;

/**
 * The view's headline from the headline files, or null when they do not answer it (other filters,
 * a name the data lacks, data published without them).
 */
export async function headlineView(
  m: Manifest,
  f: Filters,
  read: Read = httpRead(m),
): Promise<Headline | null> {
  if (!m.headline || !headlineCovers(f, m.schema_version, headlineHas(m))) return null;
  const unit = unitLink(f, m.schema_version);
  const paths = f.vendor || unit ? null : await viewFiles(m, read, f);
  const view = unit
    ? await unitView(m, read, f)
    : f.vendor
      ? await vendorView(m, read, f)
      : paths && (await viewOf(m, read, f, paths));
  if (!view) return null;
  return { ...view, methods: m.headline.methods.map((r) => dimRow(METHODS, r)) };
}
