/**
 * Agency, vendor and project profiles: each number comes from the same planner as the explorer
 * (aggregateWith), so a profile and the explorer filtered to the same agency or vendor agree.
 * Pure apart from the `ask` function it is given (DuckDB-WASM on the site, native in tests).
 */
import { tableFiles, type Manifest, type ManifestFile } from '../schema/tables';
import type { MethodBucket } from '../schema/methods';
import { aggregateWith, busyVendor, sourceFiles, vendorRow, type Ask, type Row } from './aggregate';
import type { Dimensions } from './filters/resolve';
import { agencyIdsSql, byIdsSql } from './lookups';
import { activeDims, ALL_ROWS, type Resolved } from './plan';
import { parquet, sqlNumber, type Sql } from './sql';
import { where } from './where';

export interface AgencyRow {
  agency_id: number;
  agency_key: string;
  dept_name: string;
  dept_sub_name: string | null;
  province: string | null;
}
export interface VendorRow {
  vendor_id: number;
  vendor_key: string;
  tin: string | null;
  tin_status: string | null;
  name: string | null;
  /** Contracts counted here by name (their tax id broken or masked); see linkedSql. */
  linked_contracts: number;
  /** For a name key: how many valid tax ids use the name (2+: ambiguous, never linked). */
  name_tins: number | null;
}

/** A contract counted under a vendor by its winner's name; `reason` 1: tax id broken, 2: masked. */
export interface LinkedContract {
  project_id: string;
  fiscal_year: number;
  project_name: string | null;
  contract_date: string | null;
  price_agree: string | null;
  reason: 1 | 2;
}

/** At most this many linked contracts are listed on a profile (all are counted). */
export const LINKED_LISTED = 500;

/** Their order: the vendor copy's (year, project), then date and value (rows that tie are alike). */
export const LINKED_ORDER = 'project_seq, contract_date, price_agree, vendor_match';

/**
 * The vendor's contracts linked by name (the first LINKED_LISTED), from its rows of the vendor
 * copy, or from `vendor_linked` for a busy vendor (`busy`: that table's files, schema 30).
 */
export function linkedSql(files: readonly ManifestFile[], id: number, busy = false): Sql {
  const n = sqlNumber(id);
  const cond = busy ? '' : ' AND vendor_match > 0';
  return {
    sql: `SELECT project_id, fiscal_year, project_name, contract_date::VARCHAR AS contract_date,
        price_agree::VARCHAR AS price_agree, vendor_match AS reason
      FROM ${parquet(files)} WHERE vendor_id BETWEEN ${n} AND ${n}${cond}
      ORDER BY ${busy ? 'rank' : LINKED_ORDER} LIMIT ${sqlNumber(LINKED_LISTED)}`,
    params: [],
  };
}

export interface Totals {
  projects: number;
  budget: string;
  contracts: number;
  agreed: string;
}
export interface YearRow {
  fiscal_year: number;
  projects: number;
  budget: string;
  contracts: number;
  agreed: string;
}
export interface MethodRow {
  bucket: MethodBucket;
  projects: number;
}
export interface ShareRow {
  /** A vendor (in an agency profile) or an agency (in a vendor profile). */
  id: number;
  contracts: number;
  agreed: string;
  /** Of the agency's contract value (0–1). */
  share: number;
}

const num = (v: unknown) => Number(v ?? 0);
const text = (v: unknown) => String(v ?? '0');

function totalsOf(row: Row | undefined): Totals {
  return {
    projects: num(row?.projects),
    budget: text(row?.budget),
    contracts: num(row?.contracts),
    agreed: text(row?.agreed),
  };
}

function yearsOf(rows: Row[]): YearRow[] {
  return rows
    .map((x) => ({ ...totalsOf(x), fiscal_year: num(x.fiscal_year) }))
    .sort((a, b) => a.fiscal_year - b.fiscal_year);
}

/** Projects per method bucket (a project without a method counts as `unknown`). */
function bucketsOf(rows: Row[], d: Dimensions): MethodRow[] {
  const bucketOf = new Map(d.method.map((x) => [x.id, x.bucket as MethodBucket]));
  const per = new Map<MethodBucket, number>();
  for (const x of rows) {
    const b = x.method_id === null ? 'unknown' : (bucketOf.get(num(x.method_id)) ?? 'unknown');
    per.set(b, (per.get(b) ?? 0) + num(x.projects));
  }
  return [...per].map(([bucket, projects]) => ({ bucket, projects }));
}

const MEASURES = ['projects', 'budget', 'contracts', 'agreed'] as const;

export interface AgencyProfile {
  /** The unit, or for a whole agency its name (`agency_key` empty, no sub-unit or province). */
  agency: AgencyRow;
  /** How many units the profile counts (1 for a unit's key). */
  units: number;
  r: Resolved;
  totals: Totals;
  years: YearRow[];
  methods: MethodRow[];
  /** The agency's largest winners by contract value, with their share of it. */
  vendors: (ShareRow & { vendor: VendorRow | null })[];
  /** Winners with a contract value, and the Herfindahl–Hirschman index over them (0–10,000). */
  vendorCount: number;
  hhi: number | null;
}

/**
 * Winners of the agency's contracts by value: the top `limit` with their shares, how many
 * winners there are and the HHI (sum of squared percentage shares) over all of them. From the
 * winners' sums per agency (`agg_agency_vendor`, schema 28) where the snapshot has them and only
 * agencies filter (the profile), from every year's contracts otherwise.
 */
export function concentrationSql(
  m: Manifest,
  r: Resolved,
  limit: number,
): Sql & { files: ManifestFile[] } {
  const sums = tableFiles(m, 'agg_agency_vendor');
  const fromSums = sums.length > 0 && activeDims(r).every((d) => d === 'agency');
  const files = fromSums ? sums : tableFiles(m, 'contracts', r.fy);
  // (The agency is `agency_id` on both: the WHERE written for contracts holds for the sums.)
  const w = where('contracts', r);
  const v = fromSums
    ? `SELECT vendor_id, sum(contracts) AS contracts, sum(agreed) AS value
       FROM ${parquet(files)} ${w.sql} GROUP BY vendor_id`
    : `SELECT vendor_id, count(*) AS contracts, sum(price_agree) AS value
       FROM ${parquet(files)} ${w.sql}${w.sql ? ' AND' : ' WHERE'} vendor_id IS NOT NULL AND price_agree > 0
       GROUP BY vendor_id`;
  return {
    sql: `WITH v AS (${v}),
      s AS (SELECT *, value::DOUBLE / sum(value::DOUBLE) OVER () AS share, count(*) OVER () AS vendors FROM v)
      SELECT vendor_id, contracts::INTEGER AS contracts, value::VARCHAR AS agreed, share,
        vendors::INTEGER AS vendors, sum(share * share) OVER () * 10000 AS hhi
      FROM s ORDER BY value DESC, vendor_id LIMIT ${sqlNumber(limit)}`,
    params: w.params,
    files,
  };
}

export async function agencyByKey(ask: Ask, m: Manifest, key: string): Promise<AgencyRow | null> {
  const files = tableFiles(m, 'agencies');
  const [id] = await ask(agencyIdsSql(files, key, null), files);
  if (!id) return null;
  const [row] = await ask(byIdsSql(files, 'agency_id', [num(id.agency_id)]), files);
  return row ? ({ ...row, agency_id: num(row.agency_id) } as unknown as AgencyRow) : null;
}

async function vendorsById(ask: Ask, m: Manifest, ids: number[]): Promise<Map<number, VendorRow>> {
  if (ids.length === 0) return new Map();
  const files = tableFiles(m, 'vendors');
  const rows = await ask(byIdsSql(files, 'vendor_id', ids), files);
  return new Map(
    rows.map((x) => [
      num(x.vendor_id),
      { ...x, vendor_id: num(x.vendor_id) } as unknown as VendorRow,
    ]),
  );
}

/**
 * Every unit of an agency named `name` (its sub-units and provinces) as one: the first unit's
 * row stands for it, without sub-unit, province or key. Null when no agency has the name.
 */
async function wholeAgency(
  ask: Ask,
  m: Manifest,
  name: string,
): Promise<{ agency: AgencyRow; ids: number[] } | null> {
  const files = tableFiles(m, 'agencies');
  const ids = (await ask(agencyIdsSql(files, name, null), files)).map((x) => num(x.agency_id));
  if (!ids.length) return null;
  const [row] = await ask(byIdsSql(files, 'agency_id', [ids[0]!]), files);
  if (row?.dept_name !== name) return null; // the name was a key
  const agency = {
    agency_id: ids[0]!,
    agency_key: '',
    dept_name: name,
    dept_sub_name: null,
    province: null,
  };
  return { agency, ids };
}

/**
 * An agency's profile: one unit by its key, or (`{ name }`) the whole agency across every unit
 * of that name, such as กองทัพเรือ's bases and offices (#21).
 */
export async function agencyProfile(
  ask: Ask,
  m: Manifest,
  d: Dimensions,
  which: { key: string } | { name: string },
): Promise<AgencyProfile | null> {
  const found =
    'key' in which
      ? await agencyByKey(ask, m, which.key).then((a) =>
          a ? { agency: a, ids: [a.agency_id] } : null,
        )
      : await wholeAgency(ask, m, which.name);
  if (!found) return null;
  const { agency, ids } = found;
  const r: Resolved = { ...ALL_ROWS, agency: ids };
  const conc = concentrationSql(m, r, 10);
  const [[total], years, methods, top] = await Promise.all([
    aggregateWith(ask, m, r, [], MEASURES),
    aggregateWith(ask, m, r, ['fiscal_year'], MEASURES),
    aggregateWith(ask, m, r, ['method_id'], ['projects']),
    ask(conc, conc.files),
  ]);
  const names = await vendorsById(
    ask,
    m,
    top.map((x) => num(x.vendor_id)),
  );
  return {
    agency,
    units: ids.length,
    r,
    totals: totalsOf(total),
    years: yearsOf(years),
    methods: bucketsOf(methods, d),
    vendors: top.map((x) => ({
      id: num(x.vendor_id),
      contracts: num(x.contracts),
      agreed: text(x.agreed),
      share: num(x.share),
      vendor: names.get(num(x.vendor_id)) ?? null,
    })),
    vendorCount: num(top[0]?.vendors),
    hhi: top.length ? num(top[0]!.hhi) : null,
  };
}

export interface VendorProfile {
  vendor: VendorRow;
  r: Resolved;
  /** Every spelling of the name seen, most used first. */
  names: { name: string; contracts: number }[];
  totals: Totals;
  years: YearRow[];
  methods: MethodRow[];
  /** Agencies it wins from, with its share of each one's contract value (all years). */
  agencies: (ShareRow & { agency: AgencyRow | null })[];
  /** How many agencies it won from, and their ids. */
  agencyCount: number;
  agencyIds: number[];
  /** Only the records carrying its own key (`vendor_match=tin`): none linked by name. */
  strict: boolean;
  /** Its contracts linked by name (none when strict). */
  linked: LinkedContract[];
}

function vendorOf(v: Row): VendorRow {
  return {
    ...v,
    vendor_id: num(v.vendor_id),
    linked_contracts: num(v.linked_contracts),
    name_tins: v.name_tins === null || v.name_tins === undefined ? null : num(v.name_tins),
  } as unknown as VendorRow;
}

const textOrNull = (x: unknown) => (x === null || x === undefined ? null : String(x));

function linkedOf(x: Row): LinkedContract {
  return {
    project_id: String(x.project_id),
    fiscal_year: num(x.fiscal_year),
    project_name: textOrNull(x.project_name),
    contract_date: textOrNull(x.contract_date),
    price_agree: textOrNull(x.price_agree),
    reason: num(x.reason) as 1 | 2,
  };
}

export async function vendorProfile(
  ask: Ask,
  m: Manifest,
  d: Dimensions,
  id: string,
  strict = false,
): Promise<VendorProfile | null> {
  const v = await vendorRow(ask, m, id);
  if (!v) return null;
  const vendor = vendorOf(v);
  const r: Resolved = { ...ALL_ROWS, vendor: [vendor.vendor_id], match: strict ? [0] : null };
  const nameFiles = tableFiles(m, 'vendor_names');
  // The vendor's own files of the copy (their key ranges hold it): listing them all read every
  // file's footer, ~3 MB at 6M rows.
  const copy = sourceFiles(m, 'contracts_by_vendor', r);
  // A busy vendor's from their own table (schema 30): among its rows of the copy they read its
  // own file whole.
  const busy = busyVendor(m, r);
  const linkedFiles = busy ? tableFiles(m, 'vendor_linked') : copy;
  const [[total], years, methods, agencies, count, names, linked] = await Promise.all([
    aggregateWith(ask, m, r, [], ['projects', 'contracts', 'agreed']),
    aggregateWith(ask, m, r, ['fiscal_year'], ['contracts', 'agreed']),
    aggregateWith(ask, m, r, ['method_id'], ['projects']),
    aggregateWith(ask, m, r, ['agency_id'], ['contracts', 'agreed'], {
      orderBy: 'agreed',
      limit: 20,
    }),
    aggregateWith(ask, m, r, ['agency_id'], ['contracts']),
    nameFiles.length
      ? ask(
          {
            sql: `SELECT name, contracts FROM ${parquet(nameFiles)}
              WHERE vendor_id BETWEEN ${sqlNumber(vendor.vendor_id)} AND ${sqlNumber(vendor.vendor_id)}
              ORDER BY contracts DESC, name`,
            params: [],
          },
          nameFiles,
        )
      : Promise.resolve([]),
    vendor.linked_contracts > 0 && !strict
      ? ask(linkedSql(linkedFiles, vendor.vendor_id, busy), linkedFiles)
      : Promise.resolve([]),
  ]);
  const ids = agencies.map((x) => num(x.agency_id));
  const [whole, agencyRows] = await Promise.all([
    ids.length
      ? aggregateWith(ask, m, { ...ALL_ROWS, agency: ids }, ['agency_id'], ['agreed'])
      : Promise.resolve([]),
    ids.length
      ? ask(byIdsSql(tableFiles(m, 'agencies'), 'agency_id', ids), tableFiles(m, 'agencies'))
      : [],
  ]);
  const totalOf = new Map(whole.map((x) => [num(x.agency_id), Number(x.agreed)]));
  const agencyOf = new Map(
    agencyRows.map((x) => [
      num(x.agency_id),
      { ...x, agency_id: num(x.agency_id) } as unknown as AgencyRow,
    ]),
  );
  return {
    vendor,
    r,
    names: names.map((x) => ({ name: String(x.name), contracts: num(x.contracts) })),
    totals: totalsOf(total),
    years: yearsOf(years),
    methods: bucketsOf(methods, d),
    agencies: agencies.map((x) => {
      const all = totalOf.get(num(x.agency_id)) ?? 0;
      return {
        id: num(x.agency_id),
        contracts: num(x.contracts),
        agreed: text(x.agreed),
        share: all > 0 ? Number(x.agreed) / all : 0,
        agency: agencyOf.get(num(x.agency_id)) ?? null,
      };
    }),
    agencyCount: count.length,
    agencyIds: count.map((x) => num(x.agency_id)),
    strict,
    linked: linked.map(linkedOf),
  };
}
