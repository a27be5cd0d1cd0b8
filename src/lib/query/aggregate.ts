/**
 * Run an aggregate request: plan its source(s), read the right files, merge the parts. Pure apart
 * from the `ask` function it is given, so the site (DuckDB-WASM) and the tests (native DuckDB)
 * run the same code.
 */
import { METHOD_BUCKETS, type MethodBucket } from '../schema/methods';
import { tableFiles, type Manifest, type ManifestFile } from '../schema/tables';
import { TIN, type Filters } from './filters';
import {
  aggregateSql,
  byIdsSql,
  groupingNames,
  groupingSetsAnswer,
  groupingSetMask,
  groupingSetsSql,
  where,
  dimensionSql,
  planSplit,
  type Dim,
  type Group,
  type Measure,
  type Resolved,
  type Source,
  type Sql,
  vendorLookupSql,
} from './sql';
import type { SearchHits } from './hits';

export type Row = Record<string, string | number | null>;
export type Ask = (q: Sql, files: readonly ManifestFile[]) => Promise<Row[]>;
export interface AggregateOptions {
  except?: Dim;
  orderBy?: Measure;
  limit?: number;
}

/** The files a source reads under these filters: chosen years, or the vendor's key range. */
export function sourceFiles(
  m: Manifest,
  source: Source,
  r: Resolved,
  except?: Dim,
): ManifestFile[] {
  if (source === 'projects' || source === 'contracts') {
    // The year facet (except = fy) counts every year; a search or a flag reads only its hits'
    // years.
    let years = except === 'fy' ? [] : r.fy;
    for (const hits of [r.search?.years, r.flag?.years]) {
      if (!hits) continue;
      years = years.length ? years.filter((y) => hits.includes(y)) : hits;
      if (years.length === 0) return [];
    }
    return tableFiles(m, source, years);
  }
  const files = tableFiles(m, source);
  if (source !== 'contracts_by_vendor' || !r.vendor?.length) return files;
  return files.filter((f) =>
    r.vendor!.some((v) => v >= Number(f.key_min) && v <= Number(f.key_max)),
  );
}

const isCount = (m: Measure) => m === 'projects' || m === 'contracts';

/** Groups × measures, from one or two sources, merged on the groups. */
export async function aggregateWith(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  opts: AggregateOptions = {},
): Promise<Row[]> {
  const parts = planSplit(r, groups, measures, opts.except);
  const one = parts.length === 1;
  const results = await Promise.all(
    parts.map(async (p) => {
      const files = sourceFiles(m, p.source, r, opts.except);
      if (files.length === 0) return [];
      const q = aggregateSql({
        ...p,
        files,
        r,
        groups,
        except: opts.except,
        orderBy: one ? opts.orderBy : undefined,
        limit: one ? opts.limit : undefined,
      });
      return ask(q, files);
    }),
  );
  if (one) {
    // No rows at all (no file for these years): the totals are zero, not missing.
    if (groups.length === 0 && results[0]!.length === 0) {
      return [Object.fromEntries(measures.map((x) => [x, isCount(x) ? 0 : '0']))];
    }
    return results[0]!;
  }
  // Two sources: merge rows by their group values, then order and cut here.
  const key = (row: Row) => JSON.stringify(groups.map((g) => row[g]));
  const merged = new Map<string, Row>();
  for (const rows of results) {
    for (const row of rows) merged.set(key(row), { ...merged.get(key(row)), ...row });
  }
  if (groups.length === 0 && merged.size === 0) merged.set('', {});
  let out = [...merged.values()].map((row) => {
    for (const x of measures) row[x] ??= isCount(x) ? 0 : '0';
    return row;
  });
  if (opts.orderBy) {
    const by = opts.orderBy;
    out.sort((a, b) => Number(b[by]) - Number(a[by]));
  }
  if (opts.limit) out = out.slice(0, opts.limit);
  return out;
}

export interface BatchRequest {
  groups: readonly Group[];
  measures: readonly Measure[];
  opts?: AggregateOptions;
}

/**
 * Several aggregates of one view (totals, facets, charts). Those that one query on one source
 * answers over the same rows (the same files and WHERE: a facet leaves out only a filter that is
 * not set) are asked together with GROUPING SETS: one scan and one query instead of one each
 * (each query costs the engine a fixed ~5–20 ms, measured in DuckDB-WASM: bench:explore
 * --queries). Each comes back as `aggregateWith` gives it, in the same order.
 */
export async function aggregateBatch(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  reqs: readonly BatchRequest[],
): Promise<Row[][]> {
  const out: Promise<Row[]>[] = [];
  const alone = (i: number) => {
    const q = reqs[i]!;
    out[i] = aggregateWith(ask, m, r, q.groups, q.measures, q.opts);
  };
  const shared = new Map<string, { at: number[]; source: Source; files: ManifestFile[] }>();
  reqs.forEach((q, i) => {
    const except = q.opts?.except;
    const parts = planSplit(r, q.groups, q.measures, except);
    const source = parts[0]!.source;
    const files = sourceFiles(m, source, r, except);
    if (parts.length > 1 || !files.length || !groupingSetsAnswer(source, q.measures))
      return alone(i);
    const w = where(source, r, except);
    const key = JSON.stringify([source, files.map((f) => f.path), w.sql, w.params]);
    const same = shared.get(key) ?? { at: [], source, files };
    // One set per grouping: a second request with the same groups is asked on its own.
    const setKey = (g: readonly Group[]) => [...g].sort().join();
    if (same.at.some((j) => setKey(reqs[j]!.groups) === setKey(q.groups))) return alone(i);
    same.at.push(i);
    shared.set(key, same);
  });
  for (const { at, source, files } of shared.values()) {
    if (at.length === 1 || at.every((i) => !reqs[i]!.groups.length)) {
      at.forEach(alone);
      continue;
    }
    const sets = at.map((i) => ({
      groups: reqs[i]!.groups,
      orderBy: reqs[i]!.opts?.orderBy,
      limit: reqs[i]!.opts?.limit,
    }));
    const measures = [...new Set(at.flatMap((i) => reqs[i]!.measures))];
    const except = reqs[at[0]!]!.opts?.except;
    const rows = ask(groupingSetsSql({ source, files, r, except, sets, measures }), files);
    const names = groupingNames(sets.map((x) => x.groups));
    for (const i of at) {
      const q = reqs[i]!;
      const mask = groupingSetMask(names, q.groups);
      out[i] = rows.then((all) => {
        const mine = all
          .filter((row) => Number(row.grouping_set) === mask)
          .sort((a, b) => Number(a.rank_in_set) - Number(b.rank_in_set))
          .map((row) =>
            Object.fromEntries([...q.groups, ...q.measures].map((k) => [k, row[k] ?? null])),
          );
        // The totals over no rows are zero, not missing (as aggregateWith).
        if (!q.groups.length && !mine.length)
          return [Object.fromEntries(q.measures.map((x) => [x, isCount(x) ? 0 : '0']))];
        return mine;
      });
    }
  }
  return Promise.all(out);
}

/** The explorer's totals: every measure under the filters. */
export const TOTALS_REQUEST: BatchRequest = {
  groups: [],
  measures: ['projects', 'budget', 'ref_price', 'ref_agreed', 'contracts', 'agreed'],
};

/**
 * The explorer's facets: project counts per option of each filter, under every other filter (its
 * own left out).
 */
export const FACET_REQUESTS: readonly BatchRequest[] = (
  [
    ['fiscal_year', 'fy'],
    ['method_id', 'method'],
    ['province_id', 'province'],
    ['type_id', 'type'],
    ['status_id', 'status'],
  ] as const
).map(([g, except]) => ({
  groups: [g],
  measures: ['projects'],
  opts: { except, orderBy: 'projects' },
}));

/** The explorer's charts' numbers (names of the top agencies and vendors are looked up after). */
export const CHART_REQUESTS: readonly BatchRequest[] = [
  { groups: ['fiscal_year', 'method_id'], measures: ['projects', 'budget'] },
  { groups: ['month'], measures: ['contracts', 'agreed'] },
  {
    groups: ['agency_id'],
    measures: ['projects', 'budget'],
    opts: { orderBy: 'budget', limit: 10 },
  },
  {
    groups: ['vendor_id'],
    measures: ['contracts', 'agreed'],
    opts: { orderBy: 'agreed', limit: 11 },
  },
];

/** The small dimension tables, whole (loaded once per snapshot). */
export interface Method {
  method_id: number;
  method_name: string;
  method_bucket: MethodBucket;
}
export interface Dimensions {
  methods: Method[];
  types: { type_id: number; type_name: string }[];
  provinces: { province_id: number; province_name: string; province_name_en: string | null }[];
  statuses: { status_id: number; status_name: string }[];
}

function idsOf<T>(rows: T[], match: (r: T) => boolean, id: (r: T) => number): number[] {
  return rows.filter(match).map(id);
}

/**
 * URL names → the snapshot's ids, given the dimension tables and the looked-up agency ids and
 * vendor id. A name the snapshot lacks gives an empty list: no row matches it.
 */
export function toResolved(
  f: Filters,
  d: Dimensions,
  agencyIds: number[] | null,
  vendorId: number | null,
  search: SearchHits | null = null,
  flag: SearchHits | null = null,
): Resolved {
  const buckets = f.method.filter((x) => (METHOD_BUCKETS as readonly string[]).includes(x));
  const range = (on: Filters['amount']): [number | null, number | null] | null =>
    f.amount === on && (f.min !== null || f.max !== null) ? [f.min, f.max] : null;
  return {
    fy: f.fy,
    agency: f.agency ? (agencyIds ?? []) : null,
    province: f.province.length
      ? idsOf(
          d.provinces,
          (p) =>
            f.province.includes(p.province_name) ||
            (p.province_name_en !== null && f.province.includes(p.province_name_en)),
          (p) => p.province_id,
        )
      : null,
    method: f.method.length
      ? {
          ids: idsOf(
            d.methods,
            (x) => f.method.includes(x.method_name) || buckets.includes(x.method_bucket),
            (x) => x.method_id,
          ),
          nulls: buckets.includes('unknown'),
        }
      : null,
    type: f.type.length
      ? idsOf(
          d.types,
          (t) => f.type.includes(t.type_name),
          (t) => t.type_id,
        )
      : null,
    status: f.status.length
      ? idsOf(
          d.statuses,
          (s) => f.status.includes(s.status_name),
          (s) => s.status_id,
        )
      : null,
    vendor: f.vendor ? (vendorId === null ? [] : [vendorId]) : null,
    budget: range('budget'),
    contract: range('contract'),
    date: f.from || f.to ? [f.from, f.to] : null,
    search: f.q ? search : null,
    flag: f.flag.length ? flag : null,
  };
}

/** The four small dimension tables, whole, with their ids as numbers. */
export async function loadDimensions(ask: Ask, m: Manifest): Promise<Dimensions> {
  const whole = async <T>(table: 'methods' | 'project_types' | 'provinces' | 'statuses') => {
    const files = tableFiles(m, table);
    const rows = await ask(dimensionSql(files), files);
    return rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith('_id') ? Number(v) : v])),
    ) as T[];
  };
  const [methods, types, provinces, statuses] = await Promise.all([
    whole<Method>('methods'),
    whole<Dimensions['types'][number]>('project_types'),
    whole<Dimensions['provinces'][number]>('provinces'),
    whole<Dimensions['statuses'][number]>('statuses'),
  ]);
  return { methods, types, provinces, statuses };
}

/** The ingest's vendor key for a URL `vendor=` value (a bare TIN means `tin:<TIN>`). */
export function vendorKey(vendor: string): string {
  return TIN.test(vendor) ? `tin:${vendor}` : vendor;
}

/**
 * The `vendors` row of a URL `vendor=` value (TIN or key), or undefined. Since schema 8 vendors
 * are ordered by activity, so the key finds its id in `vendor_keys` first (one more query, one
 * small row group), then its row by id.
 */
export async function vendorRow(ask: Ask, m: Manifest, vendor: string): Promise<Row | undefined> {
  const key = vendorKey(vendor);
  const keys = tableFiles(m, 'vendor_keys');
  const vendors = tableFiles(m, 'vendors');
  if (keys.length === 0) return (await ask(vendorLookupSql(vendors, key), vendors))[0];
  const [id] = await ask(vendorLookupSql(keys, key), keys);
  if (!id) return undefined;
  return (await ask(byIdsSql(vendors, 'vendor_id', [Number(id.vendor_id)]), vendors))[0];
}
