/**
 * The explorer's queries: resolve the URL's names to the snapshot's ids (small dimension tables,
 * cached), then ask each number from the smallest source that can answer it (sql.ts `plan`), and
 * fetch the text of just the rows on screen.
 */
import type { Filters, Sort } from '../query/filters';
import {
  agencyIdsSql,
  agencySuggestSql,
  byIdsSql,
  bySeqSql,
  vendorNamesSql,
  rowSource,
  projectContractsSql,
  projectSql,
  rowsSql,
  vendorSuggestSql,
  type Group,
  type Resolved,
  type Source,
  type Sql,
} from '../query/sql';
import { METHOD_BUCKETS, type MethodBucket } from '../schema/methods';
import {
  aggregateBatch,
  CHART_REQUESTS,
  FACET_REQUESTS,
  TOTALS_REQUEST,
  sourceFiles,
  loadDimensions,
  toResolved,
  vendorKey,
  vendorRow,
  type Dimensions,
  type Row as QueryRow,
} from '../query/aggregate';
import { rowGroupRows, tableFiles, type Manifest, type ManifestFile } from '../schema/tables';
import { query } from './index';
import type { SearchHits } from '../query/hits';
import { runSearch } from '../query/search';
import {
  countFlags,
  flaggedHits,
  runFlag,
  scopeOf,
  type FlagCount,
  type FlagScope,
  type FlagTable,
} from '../query/flags';
import type { FlagId, Thresholds } from '../query/flag-defs';

export type { FlagCount } from '../query/flags';
import { queryWords } from '../search/text';

export function ask<T>(q: Sql, files: readonly ManifestFile[]): Promise<T[]> {
  return query<T>(q.sql, q.params, files);
}

/** Memoise per snapshot; a failed lookup is forgotten so a retry asks again. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

const dimCache = new Map<string, Promise<Dimensions>>();

export function dimensions(m: Manifest): Promise<Dimensions> {
  return memo(dimCache, m.snapshot_id, () => loadDimensions(ask, m));
}

export interface Agency {
  agency_id: number;
  agency_key: string;
  dept_name: string;
  dept_sub_name: string | null;
  province: string | null;
}
export interface Vendor {
  vendor_id: number;
  vendor_key: string;
  tin: string | null;
  tin_status: string | null;
  name: string | null;
}

const idCache = new Map<string, Promise<number[]>>();
const vendorCache = new Map<string, Promise<Vendor | null>>();

function agencyIds(m: Manifest, nameOrKey: string, sub: string | null): Promise<number[]> {
  return memo(idCache, `${m.snapshot_id}\u0000${nameOrKey}\u0000${sub ?? ''}`, async () => {
    const files = tableFiles(m, 'agencies');
    const r = await ask<{ agency_id: number }>(agencyIdsSql(files, nameOrKey, sub), files);
    return r.map((x) => Number(x.agency_id));
  });
}

export function vendorByKey(m: Manifest, vendor: string): Promise<Vendor | null> {
  return memo(vendorCache, `${m.snapshot_id}\u0000${vendorKey(vendor)}`, async () => {
    const v = (await vendorRow(ask, m, vendor)) as Vendor | undefined;
    return v ? { ...v, vendor_id: Number(v.vendor_id) } : null;
  });
}

const searchCache = new Map<string, Promise<Search>>();

/** A search's hits, and how long finding them took (ms; the benchmark reads it). */
export type Search = SearchHits & { tooManyOwners: boolean; ms: number };

/** The hits of the URL's search (made once per search; see src/lib/query/search.ts). */
function searchHits(m: Manifest, f: Filters): Promise<Search> | null {
  if (!f.q) return null;
  const { words } = queryWords(f.q);
  // Hits over all years: the year facet counts the other years too (the facts' scans still
  // read only the chosen years).
  const req = { words, qin: f.qin };
  return memo(searchCache, JSON.stringify([m.snapshot_id, req]), async () => {
    const t = performance.now();
    const hits = await runSearch(ask, m, req);
    return { ...hits, ms: Math.round(performance.now() - t) };
  });
}

const flagCache = new Map<string, Promise<FlagTable>>();

/** A flag's table over a scope (made once per flag, thresholds and scope). */
export function flagTable(
  m: Manifest,
  id: FlagId,
  scope: FlagScope,
  th: Thresholds,
): Promise<FlagTable> {
  const key = JSON.stringify([m.snapshot_id, id, scope, th]);
  return memo(flagCache, key, () => runFlag(ask, m, id, scope, th));
}

/** URL names → ids. A name the snapshot lacks gives an empty list: no row matches it. */
export async function resolveFilters(
  m: Manifest,
  f: Filters,
): Promise<{ r: Resolved; vendor: Vendor | null; search: Search | null }> {
  const [d, vendor, agency, search] = await Promise.all([
    dimensions(m),
    f.vendor ? vendorByKey(m, f.vendor) : null,
    f.agency ? agencyIds(m, f.agency, f.sub) : null,
    searchHits(m, f),
  ]);
  let r = toResolved(f, d, agency, vendor?.vendor_id ?? null, search);
  if (f.flag.length) {
    // A flag compares an agency with itself over the chosen years: its scope is those two.
    const tables = await Promise.all(f.flag.map((id) => flagTable(m, id, scopeOf(r), f.th)));
    r = { ...r, flag: await flaggedHits(ask, m, tables) };
  }
  return { r, vendor, search };
}

/** Every flag's counts under the filters (each flag's table made once per scope). */
export function flagCounts(
  m: Manifest,
  r: Resolved,
  th: Thresholds,
  scope?: FlagScope,
): Promise<FlagCount[]> {
  return countFlags(ask, m, r, (id, sc) => flagTable(m, id, sc, th), scope);
}

export type Row = QueryRow;

export interface Totals {
  projects: number;
  budget: string;
  contracts: number;
  agreed: string;
  ref_price: string;
  ref_agreed: string;
}

function totalsFrom([row]: Row[]): Totals {
  return {
    projects: Number(row?.projects ?? 0),
    budget: String(row?.budget ?? '0'),
    contracts: Number(row?.contracts ?? 0),
    agreed: String(row?.agreed ?? '0'),
    ref_price: String(row?.ref_price ?? '0'),
    ref_agreed: String(row?.ref_agreed ?? '0'),
  };
}

export interface FacetItem {
  /** The URL value that selects it. */
  value: string;
  label: string;
  projects: number;
  /** A finer option under the ones above it (a raw method label under the buckets). */
  minor?: boolean;
}
export interface Facets {
  fy: FacetItem[];
  method: FacetItem[];
  province: FacetItem[];
  type: FacetItem[];
  status: FacetItem[];
}

/**
 * Totals, facets and charts of a view, asked as one batch: those over the same rows share a
 * query (aggregateBatch). Under a year and an agency, say: the totals and the top agencies are
 * one query of `agg_agency_year`; the method, type and status facets and the year × method chart
 * one scan of the agency's projects; the month chart and the top vendors one of its contracts.
 */
export async function overview(
  m: Manifest,
  r: Resolved,
  lang: 'th' | 'en',
): Promise<{ totals: Totals; facets: Facets; charts: Charts }> {
  const d = await dimensions(m);
  const rows = await aggregateBatch(ask, m, r, [
    TOTALS_REQUEST,
    ...FACET_REQUESTS,
    ...CHART_REQUESTS,
  ]);
  const [t, fy, method, province, type, status, ym, month, agencies, vendors] = rows as [
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
    Row[],
  ];
  return {
    totals: totalsFrom(t),
    facets: facetsFrom(d, lang, { fy, method, province, type, status }),
    charts: await chartsFrom(m, d, { ym, month, agencies, vendors }),
  };
}

function facetsFrom(
  d: Dimensions,
  lang: 'th' | 'en',
  { fy, method, province, type, status }: Record<keyof Facets, Row[]>,
): Facets {
  const named = <T>(
    rows: Row[],
    g: Group,
    list: T[],
    idOf: (x: T) => number,
    labelOf: (x: T) => string,
    valueOf: (x: T) => string = labelOf,
  ): FacetItem[] => {
    const byId = new Map(list.map((x) => [idOf(x), x]));
    return rows.flatMap((row) => {
      const x = row[g] === null ? undefined : byId.get(Number(row[g]));
      return x ? [{ value: valueOf(x), label: labelOf(x), projects: Number(row.projects) }] : [];
    });
  };
  // Methods: the buckets first (what most people compare), then each raw label.
  const bucketOf = new Map(d.methods.map((x) => [x.method_id, x.method_bucket]));
  const perBucket = new Map<string, number>();
  for (const row of method) {
    const b =
      row.method_id === null ? 'unknown' : (bucketOf.get(Number(row.method_id)) ?? 'unknown');
    perBucket.set(b, (perBucket.get(b) ?? 0) + Number(row.projects));
  }
  return {
    fy: fy
      .map((row) => ({
        value: String(row.fiscal_year),
        label: String(row.fiscal_year),
        projects: Number(row.projects),
      }))
      .sort((a, b) => Number(a.value) - Number(b.value)),
    method: [
      ...METHOD_BUCKETS.filter((b) => perBucket.has(b)).map((b) => ({
        value: b,
        label: b,
        projects: perBucket.get(b)!,
      })),
      ...named(
        method,
        'method_id',
        d.methods,
        (x) => x.method_id,
        (x) => x.method_name,
      ).map((item) => ({ ...item, minor: true })),
    ],
    province: named(
      province,
      'province_id',
      d.provinces,
      (x) => x.province_id,
      (x) => (lang === 'en' && x.province_name_en ? x.province_name_en : x.province_name),
      (x) => x.province_name,
    ),
    type: named(
      type,
      'type_id',
      d.types,
      (x) => x.type_id,
      (x) => x.type_name,
    ),
    status: named(
      status,
      'status_id',
      d.statuses,
      (x) => x.status_id,
      (x) => x.status_name,
    ),
  };
}

export interface Charts {
  /** Budget by fiscal year and method bucket. */
  yearMethod: { fiscal_year: number; bucket: MethodBucket; projects: number; budget: number }[];
  /** Contract value by month of the contract date (1–12, CE months). */
  month: { month: number; contracts: number; agreed: number }[];
  topAgencies: (Agency & { projects: number; budget: string })[];
  topVendors: (Vendor & { contracts: number; agreed: string })[];
}

async function chartsFrom(
  m: Manifest,
  d: Dimensions,
  { ym, month, agencies, vendors }: Record<'ym' | 'month' | 'agencies' | 'vendors', Row[]>,
): Promise<Charts> {
  const bucketOf = new Map(d.methods.map((x) => [x.method_id, x.method_bucket]));
  const yearMethod = new Map<string, Charts['yearMethod'][number]>();
  for (const row of ym) {
    const bucket =
      row.method_id === null ? 'unknown' : (bucketOf.get(Number(row.method_id)) ?? 'unknown');
    const k = `${row.fiscal_year}|${bucket}`;
    const cur = yearMethod.get(k) ?? {
      fiscal_year: Number(row.fiscal_year),
      bucket,
      projects: 0,
      budget: 0,
    };
    cur.projects += Number(row.projects);
    cur.budget += Number(row.budget);
    yearMethod.set(k, cur);
  }
  const vendorRows = vendors.filter((v) => v.vendor_id !== null).slice(0, 10);
  const [agencyNames, vendorNames] = await Promise.all([
    namesById<Agency>(
      m,
      'agencies',
      'agency_id',
      agencies.map((a) => Number(a.agency_id)),
    ),
    namesById<Vendor>(
      m,
      'vendors',
      'vendor_id',
      vendorRows.map((v) => Number(v.vendor_id)),
    ),
  ]);
  return {
    yearMethod: [...yearMethod.values()],
    month: month
      .filter((x) => x.month !== null)
      .map((x) => ({
        month: Number(x.month),
        contracts: Number(x.contracts),
        agreed: Number(x.agreed),
      })),
    topAgencies: agencies.map((a) => ({
      ...agencyNames.get(Number(a.agency_id))!,
      projects: Number(a.projects),
      budget: String(a.budget),
    })),
    topVendors: vendorRows.map((v) => ({
      ...vendorNames.get(Number(v.vendor_id))!,
      contracts: Number(v.contracts),
      agreed: String(v.agreed),
    })),
  };
}

/** Agency and vendor rows by id, per snapshot: a view's table and charts often name the same ones. */
const nameCache = new Map<string, Promise<Row | undefined>>();

async function namesById<T extends { agency_id?: number; vendor_id?: number }>(
  m: Manifest,
  table: 'agencies' | 'vendors',
  col: 'agency_id' | 'vendor_id',
  ids: number[],
): Promise<Map<number, T>> {
  const key = (id: number) => `${m.snapshot_id}\u0000${table}\u0000${id}`;
  const wanted = [...new Set(ids)];
  // Bounded: emptied before deciding what is missing, so every wanted id is then looked up.
  if (nameCache.size > 20_000) nameCache.clear();
  const missing = wanted.filter((id) => !nameCache.has(key(id)));
  if (missing.length) {
    const files = tableFiles(m, table);
    // Ids far apart are looked up one by one: each lookup reads one small row group, where one
    // range over all of them would read everything between.
    for (const g of byProximity(missing, (id) => id, 1024)) {
      const found = ask<Row>(byIdsSql(files, col, g), files).then(
        (rows) => new Map(rows.map((x) => [Number(x[col]), { ...x, [col]: Number(x[col]) }])),
      );
      for (const id of g) {
        const one = found.then((byId) => byId.get(id));
        one.catch(() => nameCache.delete(key(id))); // a failed lookup is asked again
        nameCache.set(key(id), one);
      }
    }
  }
  const rows = await Promise.all(wanted.map((id) => nameCache.get(key(id))!));
  return new Map(wanted.flatMap((id, i) => (rows[i] ? [[id, rows[i] as unknown as T]] : [])));
}

export interface ResultRow {
  project_id: string;
  /** The project's place in the facts' order (this snapshot): finds its details row cheaply. */
  project_seq: number;
  fiscal_year: number;
  agency_id: number;
  method_id: number | null;
  budget: string | null;
  agreed: string | null;
  contracts: number;
  /** Value of the matching contracts (only when a contract filter is set). */
  contract_value: string | null;
  project_name: string | null;
  agency: Agency | null;
}

export const PAGE_SIZE = 50;

/** One page of the table, with the text of just those rows. */
export async function pageRows(
  m: Manifest,
  r: Resolved,
  sort: Sort,
  page: number,
): Promise<ResultRow[]> {
  const source = rowSource(r);
  const files = sourceFiles(m, source, r);
  if (files.length === 0) return [];
  const q = rowsSql(source, files, r, sort, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  const top = await ask<Row>(q, files);
  if (top.length === 0) return [];
  const ids = top.map((x) => String(x.project_id));
  const [names, agencies] = await Promise.all([
    namesFor(
      m,
      r,
      source,
      files,
      top.map((x) => ({ project_seq: Number(x.project_seq) })),
    ),
    namesById<Agency>(m, 'agencies', 'agency_id', [
      ...new Set(top.map((x) => Number(x.agency_id))),
    ]),
  ]);
  return top.map((x, i) => ({
    project_id: ids[i]!,
    project_seq: Number(x.project_seq),
    fiscal_year: Number(x.fiscal_year),
    agency_id: Number(x.agency_id),
    method_id: x.method_id === null ? null : Number(x.method_id),
    budget: x.budget as string | null,
    agreed: x.agreed as string | null,
    contracts: Number(x.contracts ?? 0),
    contract_value: x.contract_value as string | null,
    project_name: (names.get(Number(x.project_seq))?.project_name as string | null) ?? null,
    agency: agencies.get(Number(x.agency_id)) ?? null,
  }));
}

/**
 * Names of the rows on screen: a vendor's view takes them from the vendor copy it has just read
 * (`files`, schema 6); any other view from `details`. Both are looked up in groups of nearby
 * `project_seq`, each with a literal range: in the vendor copy (ordered by vendor, then seq since
 * schema 7) rows within one row group's span of seq lie in at most two of the vendor's row
 * groups, so a busy vendor's 50 names do not read the name chunks of all its groups.
 */
async function namesFor(
  m: Manifest,
  r: Resolved,
  source: Source,
  files: ManifestFile[],
  rows: { project_seq: number }[],
): Promise<Map<number, Row>> {
  if (source !== 'contracts_by_vendor' || m.schema_version < 6 || !r.vendor?.length)
    return bySeq(m, NAMES(m), rows);
  const vendors = r.vendor;
  return byNearbySeq(rows, rowGroupRows('contracts_by_vendor'), (g) =>
    ask<Row>(vendorNamesSql(files, vendors, g), files),
  );
}

/** Rows looked up in groups of nearby `project_seq` (one query each), keyed by seq. */
async function byNearbySeq(
  rows: { project_seq: number }[],
  span: number,
  lookup: (group: { project_seq: number }[]) => Promise<Row[]>,
): Promise<Map<number, Row>> {
  const found = await Promise.all(byProximity(rows, (r) => r.project_seq, span).map(lookup));
  return new Map(found.flat().map((x) => [Number(x.project_seq), x]));
}

/** Where names are: `project_names` since schema 9, `details` before. */
const NAMES = (m: Manifest) => (m.schema_version >= 9 ? 'project_names' : 'details');

/** Rows of a table by `project_seq`: only the files whose seq range holds them. */
async function bySeq(
  m: Manifest,
  table: 'details' | 'project_names',
  rows: { project_seq: number }[],
): Promise<Map<number, Row>> {
  const holds = (f: ManifestFile, g: { project_seq: number }[]) =>
    f.seq_min == null || g.some((r) => r.project_seq >= f.seq_min! && r.project_seq <= f.seq_max!);
  const files = tableFiles(m, table).filter((f) => holds(f, rows));
  if (files.length === 0) return new Map();
  // Rows far apart (a vendor's wins, a search's hits) are looked up in groups of nearby
  // projects, each with a literal seq range that reads about one row group.
  return byNearbySeq(rows, rowGroupRows(table), (g) => {
    const some = files.filter((f) => holds(f, g));
    return some.length ? ask<Row>(bySeqSql(some, g), some) : Promise.resolve([]);
  });
}

/** Items grouped so that each group's keys lie within `span` of its smallest. */
function byProximity<T>(items: T[], key: (x: T) => number, span: number): T[][] {
  const groups: T[][] = [];
  for (const x of [...items].sort((a, b) => key(a) - key(b))) {
    const last = groups.at(-1);
    if (last && key(x) - key(last[0]!) < span) last.push(x);
    else groups.push([x]);
  }
  return groups;
}

export interface ProjectDetail {
  project: Row;
  details: Row | null;
  agency: Agency | null;
  contracts: { row: Row; vendor: Vendor | null }[];
}

function withoutSeq(row: Row | undefined): Row | null {
  if (!row) return null;
  const rest = { ...row };
  delete rest.project_seq;
  return rest;
}

/** Everything about one project for the detail panel: its row, text and contracts. */
export async function projectDetail(m: Manifest, row: ResultRow): Promise<ProjectDetail> {
  const years = [row.fiscal_year];
  const pf = tableFiles(m, 'projects', years);
  const cf = tableFiles(m, 'contracts', years);
  const [[project], contracts, details, names] = await Promise.all([
    ask<Row>(projectSql(pf, row.project_id, row.agency_id), pf),
    ask<Row>(projectContractsSql(cf, row.project_id, row.agency_id), cf),
    bySeq(m, 'details', [row]),
    // Before schema 9 the name is in the details row just asked for.
    NAMES(m) === 'details' ? new Map<number, Row>() : bySeq(m, 'project_names', [row]),
  ]);
  const text = details.get(row.project_seq);
  const vendors = await namesById<Vendor>(
    m,
    'vendors',
    'vendor_id',
    contracts.filter((c) => c.vendor_id !== null).map((c) => Number(c.vendor_id)),
  );
  return {
    project: project ?? {},
    // (project_seq is this snapshot's row number, not a field of the project.)
    details: withoutSeq(text && { ...text, ...names.get(row.project_seq) }),
    agency: row.agency,
    contracts: contracts.map((c) => ({
      row: c,
      vendor: c.vendor_id === null ? null : (vendors.get(Number(c.vendor_id)) ?? null),
    })),
  };
}

export async function suggestAgencies(m: Manifest, text: string, limit = 30): Promise<Agency[]> {
  const t = text.trim();
  if (t.length < 2) return [];
  const files = tableFiles(m, 'agencies');
  return ask<Agency>(agencySuggestSql(files, t, limit), files);
}

export async function suggestVendors(
  m: Manifest,
  text: string,
  limit = 30,
): Promise<{ vendor_key: string; tin: string | null; name: string | null }[]> {
  const t = text.trim();
  if (t.length < 2) return [];
  const files = tableFiles(m, 'vendors');
  return ask(vendorSuggestSql(files, t, limit), files);
}
