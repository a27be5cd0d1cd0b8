/**
 * Run an aggregate request: plan its source(s), read the right files, merge the parts. Pure apart
 * from the `ask` function it is given, so the site (DuckDB-WASM) and the tests (native DuckDB)
 * run the same code.
 */
import {
  filesHolding,
  SPLIT,
  TABLES,
  tableFiles,
  type Manifest,
  type ManifestFile,
} from '../schema/tables';
import {
  aggregateSql,
  groupable,
  perProject,
  groupingNames,
  groupingSetMask,
  groupingSetsSql,
} from './aggregate-sql';
import { FACETS, TIN, type FacetKey } from './filters';
import { byIdsSql, vendorLookupSql } from './lookups';
import {
  DIM_KEYS,
  DIMS,
  HITS_DIMS,
  planSplit,
  PRE_AGGREGATES,
  type Dim,
  type Group,
  type Measure,
  type Resolved,
  type Source,
} from './plan';
import { BY_VENDOR } from './sources';
import type { Sql } from './sql';
import { where } from './where';

export type Row = Record<string, string | number | null>;
export type Ask = (q: Sql, files: readonly ManifestFile[]) => Promise<Row[]>;
export interface AggregateOptions {
  except?: Dim;
  orderBy?: Measure;
  limit?: number;
  /** Sources not to ask, besides those the snapshot lacks (aggregateBatch). */
  skip?: ReadonlySet<Source>;
}

/** The files a source reads under these filters: chosen years, or the vendor's key range. */
export function sourceFiles(
  m: Manifest,
  source: Source,
  r: Resolved,
  except?: Dim,
): ManifestFile[] {
  if (source === 'projects' || source === 'contracts') {
    // The year facet (except = fy) counts every year; a search, a flag or the first-seen filter
    // reads only its hits' years.
    let years = except === 'fy' ? [] : r.fy;
    for (const hits of HITS_DIMS.map((d) => r[d]?.years)) {
      if (!hits) continue;
      years = years.length ? years.filter((y) => hits.includes(y)) : hits;
      if (years.length === 0) return [];
    }
    return tableFiles(m, source, years);
  }
  const files = tableFiles(m, source);
  if (SPLIT[source] !== 'key') return files;
  // Files cut by ranges of their first column (the vendor copy by vendor, the agency-ordered
  // pre-aggregates by agency): those that hold the chosen ones.
  const key = DIM_KEYS.find((d) => DIMS[d].kind === 'ids' && DIMS[d].column === TABLES[source][0]);
  const ids = key && key !== except ? (r[key] as number[] | null) : null;
  return ids?.length ? filesHolding(files, ids) : files;
}

const isCount = (m: Measure) => m === 'projects' || m === 'contracts';

/**
 * The pre-aggregates this snapshot does not have: data of an older schema (the site reads back to
 * MIN_SCHEMA_VERSION) lacks the newer ones, and the planner then takes the next source.
 */
export function lacking(m: Manifest): ReadonlySet<Source> {
  let got = lackingOf.get(m);
  if (!got)
    lackingOf.set(m, (got = new Set(PRE_AGGREGATES.filter((s) => !tableFiles(m, s).length))));
  return got;
}
/** Per manifest: every aggregate of a view asks it. */
const lackingOf = new WeakMap<Manifest, ReadonlySet<Source>>();

/**
 * Whether `r` is a view of one busy vendor: one of the range of ids `vendor_top` holds (schema
 * 30; its busy vendors' tables hold those only).
 */
export function busyVendor(m: Manifest, r: Resolved): boolean {
  const v = r.vendor?.length === 1 ? r.vendor[0]! : null;
  return (
    v !== null &&
    tableFiles(m, 'vendor_top').some(
      (f) => f.rows > 0 && v >= Number(f.key_min) && v <= Number(f.key_max),
    )
  );
}

/**
 * The sources a view cannot ask: those the snapshot lacks, and the vendor-ordered ones (BY_VENDOR)
 * but for one busy vendor, whose rows alone they hold (another vendor's rows of the vendor copy
 * are one small group, read for its flags and linked contracts anyway).
 */
export function absentFor(m: Manifest, r: Resolved): ReadonlySet<Source> {
  return busyVendor(m, r) ? lacking(m) : new Set([...lacking(m), ...BY_VENDOR]);
}

/** Groups × measures, from one or two sources, merged on the groups. */
export async function aggregateWith(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  groups: readonly Group[],
  measures: readonly Measure[],
  opts: AggregateOptions = {},
): Promise<Row[]> {
  const absent = new Set([...absentFor(m, r), ...(opts.skip ?? [])]);
  const parts = planSplit(r, groups, measures, opts.except, absent);
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
    // No rows at all (no file for these years): the totals are zero (as DECIMAL(18,2) text), not missing.
    if (groups.length === 0 && results[0]!.length === 0) {
      return [Object.fromEntries(measures.map((x) => [x, isCount(x) ? 0 : '0.00']))];
    }
    return results[0]!;
  }
  return mergeParts(groups, measures, results, opts);
}

/** Two sources' rows of one request merged by their group values, then ordered and cut. */
function mergeParts(
  groups: readonly Group[],
  measures: readonly Measure[],
  results: readonly Row[][],
  opts: AggregateOptions = {},
): Row[] {
  const key = (row: Row) => JSON.stringify(groups.map((g) => row[g]));
  const merged = new Map<string, Row>();
  for (const rows of results) {
    for (const row of rows) merged.set(key(row), { ...merged.get(key(row)), ...row });
  }
  if (groups.length === 0 && merged.size === 0) merged.set('', {});
  let out = [...merged.values()].map((row) => {
    for (const x of measures) row[x] ??= isCount(x) ? 0 : '0.00';
    return row;
  });
  if (opts.orderBy) {
    const by = opts.orderBy;
    out.sort((a, b) => Number(b[by]) - Number(a[by]));
  }
  if (opts.limit) out = out.slice(0, opts.limit);
  return out;
}

/**
 * The vendor-ordered pre-aggregates (BY_VENDOR) when a batch scans the vendor's rows of the copy
 * anyway (a facet by type, the months): that scan answers their requests too, in the same query,
 * where they would add files and queries. Empty otherwise (a vendor profile's batch-free asks).
 */
function copyAnswers(m: Manifest, r: Resolved, reqs: readonly BatchRequest[]): ReadonlySet<Source> {
  const absent = absentFor(m, r);
  const scans = reqs.some((q) =>
    planSplit(r, q.groups, q.measures, q.opts?.except, absent).some(
      (p) => p.source === 'contracts_by_vendor',
    ),
  );
  return scans ? BY_VENDOR : new Set();
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
  const skip = copyAnswers(m, r, reqs);
  const absent = new Set([...absentFor(m, r), ...skip]);
  // A request two sources answer (its project measures from one, its contract measures from
  // another; not ordered or cut) is asked as its two parts, each batched with the requests over
  // its source: a search's totals and its month and winners charts are one scan of its
  // contracts, where they were two.
  const items: BatchRequest[] = [];
  const of = reqs.map((q) => {
    const split =
      q.opts?.orderBy || q.opts?.limit
        ? []
        : planSplit(r, q.groups, q.measures, q.opts?.except, absent);
    const each = split.length > 1 ? split.map((p) => ({ ...q, measures: p.measures })) : [q];
    return each.map((x) => items.push(x) - 1);
  });
  const rows = await batched(ask, m, r, items, skip, absent);
  return reqs.map((q, i) => {
    const at = of[i]!;
    return at.length === 1
      ? rows[at[0]!]!
      : mergeParts(
          q.groups,
          q.measures,
          at.map((j) => rows[j]!),
          q.opts,
        );
  });
}

/** `aggregateBatch`'s requests, each answered by one source or asked on its own. */
async function batched(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  reqs: readonly BatchRequest[],
  skip: ReadonlySet<Source>,
  absent: ReadonlySet<Source>,
): Promise<Row[][]> {
  const out: Promise<Row[]>[] = [];
  const alone = (i: number) => {
    const q = reqs[i]!;
    out[i] = aggregateWith(ask, m, r, q.groups, q.measures, { ...q.opts, skip });
  };
  const shared = new Map<string, { at: number[]; source: Source; files: ManifestFile[] }>();
  reqs.forEach((q, i) => {
    const except = q.opts?.except;
    const parts = planSplit(r, q.groups, q.measures, except, absent);
    const source = parts[0]!.source;
    const files = sourceFiles(m, source, r, except);
    if (parts.length > 1 || !files.length || !groupable(source, q.groups, q.measures))
      return alone(i);
    const w = where(source, r, except);
    // Contract rows grouped by project first (project measures) or not: two scans.
    const key = JSON.stringify([
      source,
      files.map((f) => f.path),
      w.sql,
      w.params,
      perProject(source, q.measures),
    ]);
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
 * own left out): the years, then each facet of facets.ts.
 */
export const FACET_REQUESTS: readonly (BatchRequest & { key: 'fy' | FacetKey })[] = [
  { key: 'fy' as const, group: 'fiscal_year' as const },
  ...FACETS.map((x) => ({ key: x.key, group: x.id })),
].map(({ key, group }) => ({
  key,
  groups: [group],
  measures: ['projects'],
  opts: { except: key, orderBy: 'projects' },
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

/** The ingest's vendor key for a URL `vendor=` value (a bare TIN means `tin:<TIN>`). */
export function vendorKey(vendor: string): string {
  return TIN.test(vendor) ? `tin:${vendor}` : vendor;
}

/**
 * The `vendors` row of a URL `vendor=` value (TIN or key), or undefined. Vendors are ordered by
 * activity, so the key finds its id in `vendor_keys` first (one small row group), then its row
 * by id.
 */
export async function vendorRow(ask: Ask, m: Manifest, vendor: string): Promise<Row | undefined> {
  const keys = tableFiles(m, 'vendor_keys');
  const vendors = tableFiles(m, 'vendors');
  const [id] = await ask(vendorLookupSql(keys, vendorKey(vendor)), keys);
  if (!id) return undefined;
  return (await ask(byIdsSql(vendors, 'vendor_id', [Number(id.vendor_id)]), vendors))[0];
}
