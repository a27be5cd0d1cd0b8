/**
 * The headline files: small JSON the ingest writes beside the Parquet, so the views a shared link
 * most often opens (fiscal years, an agency, a vendor) show their headline numbers and the first
 * page of the table before the SQL engine has loaded. Written from the same tables as the Parquet
 * (scripts/ingest/stages/headline.ts), read by `headline/view.ts`; the tests check both against
 * native DuckDB and against the engine's answer for the same view.
 *
 * Layout under `s-<snapshot>/headline/` (docs/data-schema.md):
 *   all.json, all/fyYYYY.json                  national numbers per year; top rows (all years, one year)
 *   agency/<h>.json, agency/<h>/fyYYYY.json    the same for one agency name (h: agencyFileKey)
 *   vendor/<p>.json                            vendors by key, in shards (p: vendorShard)
 */

/** Rows per page of the table; the headline files hold the first page of each view they cover. */
export const PAGE_SIZE = 50;

/** One year's headline numbers: projects, budget, contracts, agreed, ref_price, ref_agreed. */
export type YearNumbers = [number, string, number, string, string, string];

/**
 * One row of the table: project_id, project_seq, fiscal_year, agency_id, method_id, budget,
 * agreed, contracts, project_name (amounts as DuckDB writes a DECIMAL(18,2) as text).
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
];

/** An agency of the rows: agency_key, dept_name, dept_sub_name, province. */
export type AgencyTuple = [string, string, string | null, string | null];

/** The first page of a view in the default order (budget, largest first), with its agencies. */
export interface RowsFile {
  rows: HeadRow[];
  agencies: Record<string, AgencyTuple>;
}

/** A view's numbers per fiscal year (BE, as a string key) and its first page over all years. */
export interface TotalsFile extends RowsFile {
  years: Record<string, YearNumbers>;
}

/** A vendor: vendor_id, vendor_key, tin, tin_status, name, linked_contracts. */
export type VendorTuple = [number, string, string | null, string | null, string | null, number];

/** A shard of vendors, by every key that leads to them (`tin:…`, `name:…`). */
export type VendorShard = Record<
  string,
  { vendor: VendorTuple; years: Record<string, YearNumbers> }
>;

/** What the manifest says about the headline files (`Manifest.headline`). */
export interface HeadlineInfo {
  /** The folder, under the data's base (`s-<snapshot>/headline`). */
  path: string;
  /** Vendor shards are named by this many leading hex digits of the key's SHA-256. */
  vendor_shard_hex: number;
  files: number;
  bytes: number;
  /** The methods table (the labels the table's rows show). */
  methods: { method_id: number; method_name: string; method_bucket: string }[];
}

export const headlinePath = {
  national: () => 'all.json',
  nationalYear: (fy: number) => `all/fy${fy}.json`,
  agency: (h: string) => `agency/${h}.json`,
  agencyYear: (h: string, fy: number) => `agency/${h}/fy${fy}.json`,
  vendor: (shard: string) => `vendor/${shard}.json`,
};

/** SHA-256 of a text's UTF-8, in hex (Web Crypto: the browser and Node alike). */
export async function sha256Hex(text: string): Promise<string> {
  const d = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An agency name's file name: 16 hex digits of its SHA-256 (names are Thai text). */
export async function agencyFileKey(name: string): Promise<string> {
  return (await sha256Hex(name)).slice(0, 16);
}

/** The shard a vendor key is in. */
export async function vendorShard(key: string, hex: number): Promise<string> {
  return (await sha256Hex(key)).slice(0, hex);
}

/** Shards of about 32 vendors each: one request of a few KB finds any vendor. */
export function vendorShardHex(vendors: number): number {
  return Math.min(4, Math.max(1, Math.ceil(Math.log(Math.max(vendors, 1) / 32) / Math.log(16))));
}
