/**
 * The headline files: small JSON the ingest writes beside the Parquet, so the views a shared link
 * most often opens (fiscal years, an agency, a vendor) show their headline numbers and the first
 * page of the table before the SQL engine has loaded. Written from the same tables as the Parquet
 * (scripts/ingest/stages/headline.ts), read by `headline/view.ts`; the tests check both against
 * native DuckDB and against the engine's answer for the same view.
 *
 * Layout under `s-<snapshot>/headline/` (docs/data-schema.md):
 *   dims.json                                  the facets' dimension tables (their labels)
 *   dims/<facet>.json                          one asked only under another facet (districts,
 *                                              under a province; schema 20)
 *   all.json, all/fyYYYY.json                  national numbers per year; top rows, facets and
 *                                              charts (all years, one year)
 *   agency/<h>.json, agency/<h>/fyYYYY.json    the same for one agency name (h: agencyFileKey)
 *   word/<h>.json, word/<h>/fyYYYY.json        the same for a search of one frequent word
 *                                              (h: wordFileKey; schema 14)
 *   word-all/<h>.json, …/<h>/fyYYYY.json       its search of all fields, where an agency's or
 *                                              a winner's name adds projects (schema 47)
 *   vendor/<p>.json                            vendors by key, in shards (p: vendorShard)
 *   vendor-view/<h>.json, …/<h>/fyYYYY.json    a busy vendor's view, as an agency name's (h:
 *                                              agencyFileKey of its vendor_key; schema 14)
 *   facet/<h>.json, facet/<h>/fyYYYY.json      the view of one province, method, method group,
 *                                              project type or status (h: agencyFileKey of
 *                                              facetViewKey; schema 18); of two of method,
 *                                              type and status (h: of facetPairKey; schema 23);
 *                                              of a province and one of those (all years only;
 *                                              schema 40); of a busy agency name and one of
 *                                              those (h: of agencyPairKey; all years only;
 *                                              schema 44)
 *   unit/<agency_key>.json                     an agency unit: the view its links open (its name
 *                                              with its sub-unit and province) and its own
 *                                              numbers (schema 25)
 *   seen/all.json, seen/fyYYYY.json            what the snapshot added (`seen=latest`; schema 34)
 *   seen/agency/<h>.json, …/<h>/fyYYYY.json    the same within one agency name (h: agencyFileKey
 *                                              of the name; schema 36)
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Rows per page of the table; the headline files hold the first page of each view they cover. */
export const PAGE_SIZE = 50;

/** One year's headline numbers: projects, budget, contracts, agreed, ref_price, ref_agreed. */
export type YearNumbers = [number, string, number, string, string, string];

/**
 * One row of the table: project_id, project_seq, fiscal_year, agency_id, method_id, budget,
 * agreed, contracts, project_name (amounts as DuckDB writes a DECIMAL(18,2) as text); in a
 * word's files its rank (0: the word is a whole word of the name; search.ts); in a vendor's, a
 * null rank, then the value of its contracts in the project (`contracts` counts them).
 */
export type HeadRow = [
  string,
  number,
  number,
  number,
  number | null,
  string | null,
  string | null,
  number,
  string | null,
  (number | null)?,
  (string | null)?,
];

/** An agency of the rows: agency_key, dept_name, dept_sub_name, province. */
export type AgencyTuple = [string, string, string | null, string | null];

/** The first page of a view in the default order (budget, largest first), with its agencies. */
export interface RowsFile {
  rows: HeadRow[];
  agencies: Record<string, AgencyTuple>;
}

/** A facet's option id (null: rows with no value) and its projects. */
export type FacetCount = [number | null, number];

/**
 * The rest of a view's numbers, as the engine's batch returns them (query/overview.ts shapes both
 * alike): each facet's counts (projects, most first, ties by id), the year × method chart
 * (fiscal_year, method_id, projects, budget), the month chart (month, contracts, agreed), the
 * top agencies (agency_id, projects, budget; 10) and vendors (vendor_id, contracts, agreed; 11,
 * one of them maybe the contracts without a winner), with the names of both.
 */
export interface OverviewParts {
  facets: Record<string, FacetCount[]>;
  ym: [number, number | null, number, string][];
  month: [number | null, number, string][];
  agencies: [number, number, string][];
  vendors: [number | null, number, string][];
  /** The top agencies' names (the rows' are in `RowsFile.agencies`). */
  agencyNames: Record<string, AgencyTuple>;
  /** The top vendors: vendor_key, tin, tin_status, name, linked_contracts, name_tins. */
  vendorNames: Record<
    string,
    [string, string | null, string | null, string | null, number, number | null]
  >;
}

/** The parts of a view with no rows (a facet with no count has no entry). */
export function emptyParts(): OverviewParts {
  return {
    facets: {},
    ym: [],
    month: [],
    agencies: [],
    vendors: [],
    agencyNames: {},
    vendorNames: {},
  };
}

/**
 * A view of one year or of all years: its first page and the rest of its numbers. Since schema 20
 * a year's file also carries its view's `years`, `ids` and `hits` (`TotalsFile`'s), so a view of
 * one year reads that file alone.
 */
export interface ViewFile extends RowsFile {
  overview: OverviewParts;
  years?: Record<string, YearNumbers>;
  ids?: number[];
  hits?: WordHits;
}

/** A view's numbers per fiscal year (BE, as a string key) and its first page over all years. */
export interface TotalsFile extends ViewFile {
  years: Record<string, YearNumbers>;
  /**
   * An agency name's file (schema 13): the ids its name stands for in a link (`agency=<name>`),
   * as the engine resolves it (query/lookups.ts `agencyIdsSql`), so a view of it needs no lookup.
   */
  ids?: number[];
  /** A frequent word's file (schema 14): its hits in the word index. */
  hits?: WordHits;
}

/**
 * A frequent word's hits in the index: its terms (`term_id`, `kind` 2 or 3, and 4 in a file of
 * its search of all fields; where their postings lie among all postings in term-id order: first
 * and past-the-last row), and the `project_seq` range of its projects. A search of the word
 * copies them in one statement.
 */
export interface WordHits {
  terms: [number, number, number, number][];
  seq: [number, number];
  /**
   * (schema 46, `WORD_ALL_FROM`) A search of all fields (`qin=all`) finds these hits and no
   * others: in a word's file, the projects of the agencies and vendors whose names have the word
   * are all among them (and are not too many to follow); in its `word-all` file (schema 47),
   * always. The file answers that search too.
   */
  all?: 1;
  /**
   * (schema 47) A file of a search of all fields whose word more than `MAX_OWNERS` agencies or
   * vendors have in their names: its hits hold the first ones' projects, as the search finds
   * them, and the page says it followed only some.
   */
  cut?: 1;
}

/** The schema whose word files say whether they answer a search of all fields (`WordHits.all`). */
export const WORD_ALL_FROM = 46;

/**
 * The facets' dimension tables as stored (rows of provinces, methods, types, statuses; districts
 * too before schema 20).
 */
export type DimsFile = Record<string, Record<string, unknown>[]>;

/**
 * An agency unit's file (schema 25): the view a link to the unit opens (`agency=<name>&sub=
 * <sub-unit>&province=<province>`, as the agency list, the top agencies chart and the project
 * panel link it), its numbers per year, its first page and (with a province) its facets and
 * charts over all years (a year's are the engine's), and the ids its name and sub-unit stand for.
 * `own`: the unit's own numbers per year (its profile, `/agency?key=`), where they are not the
 * link's (a unit with no sub-unit whose name has other units in its province; one with no
 * province, whose link stands for its name and sub-unit anywhere).
 */
export interface UnitFile extends RowsFile {
  /** The unit: its `agency_id` and its tuple. */
  id: number;
  agency: AgencyTuple;
  years: Record<string, YearNumbers>;
  ids: number[];
  own?: Record<string, YearNumbers>;
  /**
   * The view's facets and charts over all years, where the link has a province (its own facet,
   * the province, counted over the name and sub-unit alone; its districts counted).
   */
  overview?: OverviewParts;
}

/** A vendor: vendor_id, vendor_key, tin, tin_status, name, linked_contracts. */
export type VendorTuple = [number, string, string | null, string | null, string | null, number];

/**
 * A shard of vendors, by every key that leads to them (`tin:…`, `name:…`). `view` (schema 14):
 * the vendor is a busy one, whose view has files of its own (`vendorView`).
 */
export type VendorShard = Record<
  string,
  { vendor: VendorTuple; years: Record<string, YearNumbers>; view?: 1 }
>;

/** What the manifest says about the headline files (`Manifest.headline`). */
export interface HeadlineInfo {
  /** The folder, under the data's base (`s-<snapshot>/headline`). */
  path: string;
  /** Vendor shards are named by this many leading hex digits of the key's SHA-256. */
  vendor_shard_hex: number;
  files: number;
  bytes: number;
  /**
   * SHA-256 over every file's path and SHA-256, in path order (schema 13): part of the snapshot
   * id, so headline files written otherwise (a newer ingest) are a new snapshot.
   */
  sha256?: string;
  /** The methods table (the labels the table's rows show). */
  methods: { method_id: number; method_name: string; method_bucket: string }[];
  /**
   * (Schema 33) the facets of `FACET_SETS` whose every set of two or more values has files of its
   * own: those with at most `FACET_SET_VALUES` values.
   */
  sets?: string[];
  /**
   * (Schema 44) the busy agency names whose pairs with a facet value have files: the first
   * `AGENCY_PAIR_HEX` hex digits of each name's `agencyFileKey`, sorted. Another name's link to a
   * pair asks no file (one that shares the digits by chance asks, and finds none).
   */
  agency_pairs?: string[];
  /**
   * (Schema 47) The frequent words whose search of all fields has files of its own
   * (`headlinePath.wordAll`): the first `AGENCY_PAIR_HEX` hex digits of each word's
   * `wordFileKey`, sorted.
   */
  words_all?: string[];
}

export const headlinePath = {
  dims: () => 'dims.json',
  /** A facet asked only under another (`FacetDef.under`): not in dims.json since schema 20. */
  dimsUnder: (facet: string) => `dims/${facet}.json`,
  national: () => 'all.json',
  nationalYear: (fy: number) => `all/fy${fy}.json`,
  agency: (h: string) => `agency/${h}.json`,
  agencyYear: (h: string, fy: number) => `agency/${h}/fy${fy}.json`,
  vendor: (shard: string) => `vendor/${shard}.json`,
  vendorView: (h: string) => `vendor-view/${h}.json`,
  vendorViewYear: (h: string, fy: number) => `vendor-view/${h}/fy${fy}.json`,
  word: (h: string) => `word/${h}.json`,
  wordYear: (h: string, fy: number) => `word/${h}/fy${fy}.json`,
  /** (Schema 47) a frequent word's search of all fields, where `word` does not answer it. */
  wordAll: (h: string) => `word-all/${h}.json`,
  wordAllYear: (h: string, fy: number) => `word-all/${h}/fy${fy}.json`,
  facet: (h: string) => `facet/${h}.json`,
  facetYear: (h: string, fy: number) => `facet/${h}/fy${fy}.json`,
  unit: (agencyKey: string) => `unit/${agencyKey}.json`,
  /** (Schema 34) what the snapshot added (`seen=latest`); manifest `first_seen.headline`. */
  seen: () => 'seen/all.json',
  seenYear: (fy: number) => `seen/fy${fy}.json`,
  /** (Schema 36) what the snapshot added of one agency name (h: agencyFileKey of the name). */
  seenAgency: (h: string) => `seen/agency/${h}.json`,
  seenAgencyYear: (h: string, fy: number) => `seen/agency/${h}/fy${fy}.json`,
};

/**
 * The facets whose single values have views of their own (schema 18): a link to one province,
 * method (or method group), project type or status shows its numbers without reading every
 * year's facts. A district is asked only under its province: the province pre-aggregates
 * (plan.ts `BY_PROVINCE`) answer it.
 */
export const FACET_VIEWS = ['province', 'method', 'type', 'status'] as const;

/**
 * The facets two of which, one value each, have views of their own (schema 23): a method and a
 * status, a method and a type, a type and a status, all years and each.
 */
export const FACET_PAIRS = ['method', 'type', 'status'] as const;

/**
 * (Schema 40, `PLACE_PAIRS_FROM`) The facet one value of which with one value of `FACET_PAIRS`
 * has a view of its own over all years only: the link a province's view gives from its method,
 * type or status facet. The engine computed it from the province pre-aggregates in 0.8–1.2 s warm
 * (ten queries, 1.3–1.6 MB at 6M rows). Not each year: a file per province, value and year would
 * be ten times as many (77 provinces, ~20 values).
 */
export const PLACE_PAIR = 'province';
export const PLACE_PAIRS_FROM = 40;

/**
 * Whether one value each of facets `a` and `b` has files of its own: over all years and each
 * (`FACET_PAIRS`, schema 23), over all years only (`PLACE_PAIR` with one of them, schema 40), or
 * none. The ingest writes, and the site reads, by this one rule.
 */
export function pairFiles(a: string, b: string): 'each-year' | 'all-years' | null {
  const paired = (k: string) => (FACET_PAIRS as readonly string[]).includes(k);
  if (paired(a) && paired(b)) return 'each-year';
  if ((a === PLACE_PAIR && paired(b)) || (b === PLACE_PAIR && paired(a))) return 'all-years';
  return null;
}

export const FACET_PAIR_SEP = '&';

/**
 * (Schema 44, `AGENCY_PAIRS_FROM`) A busy agency name with one value of `FACET_PAIRS` has a view
 * of its own over all years: the link its method, type or status facet gives. The engine computed
 * it from the agency-ordered pre-aggregates in eleven queries (2–5 s warm, about 2 MB at 6M rows
 * for the busiest name). Busy: the `max` names with the most projects, each with at least `share`
 * of them and at least `min`, as the busy vendors (a name past them has no file: the engine's).
 */
export const AGENCY_PAIRS_FROM = 44;
export const BUSY_NAMES = { max: 256, share: 0.0001, min: 25 };
export const AGENCY_PAIR_HEX = 8;
/** A name's entry in the manifest's `headline.agency_pairs`. */
export const agencyPairsEntry = async (name: string): Promise<string> =>
  (await agencyFileKey(name)).slice(0, AGENCY_PAIR_HEX);
/**
 * (Schema 47) A frequent word's entry in the manifest's `headline.words_all`, the words whose
 * search of all fields has files of its own (`headlinePath.wordAll`): as a name's, its file key's
 * first digits (`wordFileKey` is `agencyFileKey`).
 */
export const wordsAllEntry = agencyPairsEntry;
/**
 * An agency name's pair's view key: the name, then the value's key (`facetViewKey`), which has no
 * separator in it, so the last one splits them.
 */
export const agencyPairKey = (name: string, valueKey: string): string =>
  facetPairKey([`agency:${name}`, valueKey]);

/**
 * The facets whose sets of two or more values have views of their own (schema 33), as the method
 * groups' sets have since 24: a link to two project types (`type=ซื้อ&type=จ้างก่อสร้าง`) read
 * the facet pre-aggregates whole, ordered by method first (5.9 MB at 6M rows). Only a facet of at
 * most `FACET_SET_VALUES` values: every subset is a view (57 of 6 values).
 */
export const FACET_SETS = ['type', 'status'] as const;
export const FACET_SET_VALUES = 6;
/** A pair's view key: the two values' keys (`facetViewKey`) in `FACET_VIEWS` order. */
export const facetPairKey = (keys: readonly string[]): string => keys.join(FACET_PAIR_SEP);

/**
 * A facet view's key: the facet and the ids its value stands for, ascending (`null`: also the
 * rows with no value, the method group `unknown`), so a name and a group of one member share it.
 */
export function facetViewKey(facet: string, ids: readonly number[], nulls: boolean): string {
  const sorted = [...ids].sort((a, b) => a - b).map(String);
  return `${facet}:${[...sorted, ...(nulls ? ['null'] : [])].join(',')}`;
}

/**
 * SHA-256 of a text's UTF-8, in hex. Not Web Crypto: `crypto.subtle` exists only in a secure
 * context, and a page served over plain http (a LAN address, an iframe in an http page) must find
 * its headline files too.
 */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** An agency name's file name: 16 hex digits of its SHA-256 (names are Thai text). */
export async function agencyFileKey(name: string): Promise<string> {
  return (await sha256Hex(name)).slice(0, 16);
}

/**
 * An agency unit's `agency_key` from its name, sub-unit and province, as the ingest computes it
 * (stages/dimensions.ts): a link to the unit names its file.
 */
export async function agencyKeyOf(
  name: string,
  sub: string | null,
  province: string | null,
): Promise<string> {
  return (await sha256Hex([name, sub ?? '', province ?? ''].join('\x1f'))).slice(0, 12);
}

/** A frequent word's file name (the word normalised as a query's: search/text.ts `queryWords`). */
export const wordFileKey = agencyFileKey;

/** The shard a vendor key is in. */
export async function vendorShard(key: string, hex: number): Promise<string> {
  return (await sha256Hex(key)).slice(0, hex);
}

/** Shards of about 32 vendors each: one request of a few KB finds any vendor. */
export function vendorShardHex(vendors: number): number {
  return Math.min(4, Math.max(1, Math.ceil(Math.log(Math.max(vendors, 1) / 32) / Math.log(16))));
}
