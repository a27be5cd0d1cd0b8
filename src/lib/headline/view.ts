/**
 * A view's headline numbers and first table page from the headline files (files.ts), without the
 * SQL engine: for the views whose only filters are fiscal years, an agency name and a vendor (not
 * both), in the default order, on the first page. Any other view returns null and waits for the
 * engine, which answers every view (and must agree with this to the last satang: tested).
 */
import { dataUrl } from '../db/dataset';
import type { Agency, Vendor } from '../db/lookup';
import type { Row } from '../query/aggregate';
import type { ResultRow } from '../db/rows';
import { decimal, hundredths } from '../query/decimal';
import {
  FACETS,
  filtersToSearch,
  NO_FILTERS,
  TIN,
  type FacetKey,
  type Filters,
} from '../query/filters';
import { dimRow, facetsAsked, type Dimensions, type DimRow } from '../query/filters/resolve';
import { ALL_ROWS } from '../query/plan';
import { Memo, memoKey } from '../db/cache';
import { shapeOverview, type Overview, type OverviewRows, type Totals } from '../query/overview';
import type { Manifest } from '../schema/tables';
import {
  agencyFileKey,
  emptyParts,
  headlinePath,
  PAGE_SIZE,
  vendorShard,
  type DimsFile,
  type HeadRow,
  type OverviewParts,
  type RowsFile,
  type TotalsFile,
  type VendorShard,
  type ViewFile,
  type YearNumbers,
} from './files';

export interface Headline {
  totals: Totals;
  /** The first page of the table; null where the files do not hold it (a vendor's view). */
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
}

/** The filters the headline files answer: fiscal years with an agency name or a vendor. */
export function headlineCovers(f: Filters): boolean {
  const plain = { ...NO_FILTERS, fy: f.fy, agency: f.agency, vendor: f.vendor, snap: f.snap };
  return !(f.agency && f.vendor) && filtersToSearch(plain) === filtersToSearch(f);
}

/** Reads a JSON file of the headline folder; null when it is not there (a name the data lacks). */
export type Read = <T>(rel: string) => Promise<T | null>;

/** The site's reader: the file over HTTP, beside the manifest. */
function httpRead(m: Manifest): Read {
  return async <T>(rel: string) => {
    const res = await fetch(dataUrl(`${m.headline!.path}/${rel}`));
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${rel}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
}

/** The years' numbers added up (every year when none is chosen). */
function totalsOf(years: Record<string, YearNumbers>, fy: number[]): Totals {
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

/** The table's default order: budget, largest first, no budget last; ties by project id. */
function byBudget(a: HeadRow, b: HeadRow): number {
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
  const rows = files.flatMap((x) => x.rows).sort(byBudget);
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
      contract_value: null,
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
async function vendorEntry(
  m: Manifest,
  read: Read,
  id: string,
): Promise<VendorShard[string] | null> {
  const key = TIN.test(id) ? `tin:${id}` : id;
  const file = headlinePath.vendor(await vendorShard(key, m.headline!.vendor_shard_hex));
  return (await read<VendorShard>(file))?.[key] ?? null;
}

function vendorOf(v: VendorShard[string]): Vendor {
  const [vendor_id, vendor_key, tin, tin_status, name, linked_contracts] = v.vendor;
  return { vendor_id, vendor_key, tin, tin_status, name, linked_contracts };
}

async function vendorView(
  m: Manifest,
  read: Read,
  f: Filters,
): Promise<Omit<Headline, 'methods'> | null> {
  const v = await vendorEntry(m, read, f.vendor!);
  return v
    ? {
        totals: totalsOf(v.years, f.fy),
        rows: null,
        vendor: vendorOf(v),
        overview: null,
        agencyIds: null,
      }
    : null;
}

/**
 * The national view, or an agency name's: its own file, and the chosen years' first pages, asked
 * at the same time (a year the view lacks has no file).
 */
async function totalsView(
  m: Manifest,
  read: Read,
  f: Filters,
): Promise<Omit<Headline, 'methods'> | null> {
  const h = f.agency ? await agencyFileKey(f.agency) : null;
  const yearFile = (y: number) =>
    h ? headlinePath.agencyYear(h, y) : headlinePath.nationalYear(y);
  const chosen = f.fy.filter((y) => m.fiscal_years.includes(y));
  // The labels of the facets, asked beside the view's files (one year or all: see below).
  const dims = f.fy.length <= 1 ? dimsOf(m, read) : null;
  const [file, years] = await Promise.all([
    read<TotalsFile>(h ? headlinePath.agency(h) : headlinePath.national()),
    f.fy.length ? Promise.all(chosen.map((y) => read<ViewFile>(yearFile(y)))) : null,
  ]);
  // A year with projects whose page is missing: the files are not whole (a snapshot replaced
  // while the page was open); the engine says what happened.
  if (!file || years?.some((x, i) => !x && file.years[String(chosen[i])])) return null;
  const d = await dims;
  const totals = totalsOf(file.years, f.fy);
  // One year's or every year's overview is in its file (a year without projects has none: its
  // overview is empty); that of several years is not. Files of schema 12 have none.
  const parts = !file.overview
    ? null
    : !f.fy.length
      ? file.overview
      : f.fy.length === 1
        ? (years?.[0]?.overview ?? emptyParts())
        : null;
  return {
    totals,
    rows: firstPage(file, years),
    vendor: null,
    overview: parts && d ? await overviewOf(d, totals, file, parts) : null,
    agencyIds: h ? (file.ids ?? null) : null,
  };
}

const dimsCache = new Memo<Dimensions | null>();

/** The facets' dimension tables (their labels), once per snapshot. */
function dimsOf(m: Manifest, read: Read): Promise<Dimensions | null> {
  return dimsCache.get(memoKey(m.snapshot_id, m.headline!.path), async () => {
    const file = await read<DimsFile>(headlinePath.dims());
    if (!file) return null;
    return Object.fromEntries(
      FACETS.map((def) => [def.key, (file[def.key] ?? []).map((r) => dimRow(def, r))]),
    ) as Dimensions;
  });
}

/** A view's overview from its file's parts: the engine's rows rebuilt, then shaped alike. */
async function overviewOf(
  d: Dimensions,
  totals: Totals,
  all: TotalsFile,
  p: OverviewParts,
): Promise<Overview> {
  const facets: OverviewRows['facets'] = {
    fy: Object.entries(all.years).map(([y, n]) => ({ fiscal_year: Number(y), projects: n[0] })),
  };
  for (const def of facetsAsked(ALL_ROWS)) {
    const counts = p.facets[def.key] ?? [];
    facets[def.key as FacetKey] = counts.map(([id, projects]) => ({ [def.id]: id, projects }));
  }
  const rows: OverviewRows = {
    totals: [totals as unknown as Row],
    facets,
    ym: p.ym.map(([fiscal_year, method_id, projects, budget]) => ({
      fiscal_year,
      method_id,
      projects,
      budget,
    })),
    month: p.month.map(([month, contracts, agreed]) => ({ month, contracts, agreed })),
    agencies: p.agencies.map(([agency_id, projects, budget]) => ({ agency_id, projects, budget })),
    vendors: p.vendors.map(([vendor_id, contracts, agreed]) => ({ vendor_id, contracts, agreed })),
  };
  return shapeOverview(d, rows, async (table, ids) => {
    const found = new Map<number, Row>();
    for (const id of ids) {
      if (table === 'agencies') {
        const a = p.agencyNames[String(id)];
        if (a) found.set(id, agencyOf(id, a));
      } else {
        const v = p.vendorNames[String(id)];
        if (v) {
          const [vendor_key, tin, tin_status, name, linked_contracts, name_tins] = v;
          found.set(id, {
            vendor_id: id,
            vendor_key,
            tin,
            tin_status,
            name,
            linked_contracts,
            name_tins,
          });
        }
      }
    }
    return found;
  });
}

function agencyOf(id: number, a: RowsFile['agencies'][string]): Agency & Row {
  return { agency_id: id, agency_key: a[0], dept_name: a[1], dept_sub_name: a[2], province: a[3] };
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
  if (!m.headline || !headlineCovers(f)) return null;
  const view = f.vendor ? await vendorView(m, read, f) : await totalsView(m, read, f);
  if (!view) return null;
  return { ...view, methods: m.headline.methods.map((r) => dimRow(METHODS, r)) };
}

/** A profile's headline: its numbers over all years and per year. */
export interface ProfileHeadline {
  totals: Totals;
  years: {
    fiscal_year: number;
    projects: number;
    budget: string;
    contracts: number;
    agreed: string;
  }[];
  vendor: Vendor | null;
}

/** An agency name's or a vendor's profile numbers from the headline files (null: not there). */
export async function profileHeadline(
  m: Manifest,
  which: { agency: string } | { vendor: string },
  read: Read = httpRead(m),
): Promise<ProfileHeadline | null> {
  if (!m.headline) return null;
  const v = 'vendor' in which ? await vendorEntry(m, read, which.vendor) : null;
  const file =
    'agency' in which
      ? await read<TotalsFile>(headlinePath.agency(await agencyFileKey(which.agency)))
      : v;
  if (!file) return null;
  const years = Object.keys(file.years)
    .map(Number)
    .sort((a, b) => a - b)
    .map((y) => {
      const { projects, budget, contracts, agreed } = totalsOf(file.years, [y]);
      return { fiscal_year: y, projects, budget, contracts, agreed };
    });
  return { totals: totalsOf(file.years, []), years, vendor: v && vendorOf(v) };
}
