/**
 * Lookups the explorer and the profiles share, on DuckDB-WASM and memoised per snapshot: the
 * dimension tables, an agency's ids, a vendor by key, agency and vendor rows by id, names and
 * details by `project_seq`, and the type-ahead suggestions.
 */
import { vendorKey, vendorRow, type Row } from '../query/aggregate';
import { loadDimensions, type Dimensions } from '../query/filters/resolve';
import {
  agencyIdsSql,
  agencySuggestSql,
  byIdsSql,
  byProximity,
  bySeqSql,
  vendorSuggestSql,
} from '../query/lookups';
import { unionAll, type Sql } from '../query/sql';
import {
  holdsSeq,
  rowGroupRows,
  tableFiles,
  type Manifest,
  type ManifestFile,
} from '../schema/tables';
import { Memo, memoKey } from './cache';
import { afterInFlight, query } from './index';

export function ask<T>(q: Sql, files: readonly ManifestFile[]): Promise<T[]> {
  return query<T>(q.sql, q.params, files);
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
  /** Its contracts counted by name (their tax id broken or masked). */
  linked_contracts: number;
}

const dimCache = new Memo<Dimensions>();
const idCache = new Memo<number[]>();
const vendorCache = new Memo<Vendor | null>();
/** Agency and vendor rows by id: a view's table and charts often name the same ones. */
const nameCache = new Memo<Row | undefined>();

export function dimensions(m: Manifest): Promise<Dimensions> {
  return dimCache.get(m.snapshot_id, () => loadDimensions(ask, m));
}

const idKey = (m: Manifest, nameOrKey: string, sub: string | null) =>
  memoKey(m.snapshot_id, nameOrKey, sub ?? '');

export function agencyIds(m: Manifest, nameOrKey: string, sub: string | null): Promise<number[]> {
  return idCache.get(idKey(m, nameOrKey, sub), async () => {
    const files = tableFiles(m, 'agencies');
    const r = await ask<{ agency_id: number }>(agencyIdsSql(files, nameOrKey, sub), files);
    return r.map((x) => Number(x.agency_id));
  });
}

/**
 * An agency name's ids (with a sub-unit: its) known without a query (from the headline files), for
 * `agencyIds`.
 */
export function knownAgencyIds(m: Manifest, name: string, sub: string | null, ids: number[]): void {
  void idCache.get(idKey(m, name, sub), async () => ids);
}

/**
 * A vendor as the headline files have it (its shard): the engine need not look it up, by key nor,
 * for a tax id's key, by id (`namesById`: its own view's top vendors name it). The shard has its
 * row but `name_tins`, which the ingest counts for name keys only (null for a tax id's).
 */
export function knownVendor(m: Manifest, vendor: string, v: Vendor): void {
  void vendorCache.get(memoKey(m.snapshot_id, vendorKey(vendor)), async () => v);
  if (v.vendor_key.startsWith('tin:')) {
    const row = { ...v, name_tins: null };
    void nameCache.get(memoKey(m.snapshot_id, 'vendors', v.vendor_id), async () => row);
  }
}

export function vendorByKey(m: Manifest, vendor: string): Promise<Vendor | null> {
  return vendorCache.get(memoKey(m.snapshot_id, vendorKey(vendor)), async () => {
    const v = (await vendorRow(ask, m, vendor)) as Vendor | undefined;
    return v
      ? { ...v, vendor_id: Number(v.vendor_id), linked_contracts: Number(v.linked_contracts ?? 0) }
      : null;
  });
}

/**
 * The ids of a table to look up next, asked in one query once the queries in flight when the
 * first was wanted are answered: a view's chart and its table each want names as their own query
 * returns, and the engine answers one query at a time, so those wanted meanwhile go together.
 */
const nameBatches = new Map<string, { ids: Set<number>; found: Promise<Map<number, Row>> }>();

function nameBatch(m: Manifest, table: 'agencies' | 'vendors', col: 'agency_id' | 'vendor_id') {
  const k = memoKey(m.snapshot_id, table);
  let batch = nameBatches.get(k);
  if (!batch) {
    const ids = new Set<number>();
    const found = afterInFlight().then(async () => {
      nameBatches.delete(k);
      const files = tableFiles(m, table);
      // (In groups of nearby ids, each read from its own row group: lookups.ts.)
      const rows = await ask<Row>(byIdsSql(files, col, [...ids]), files);
      return new Map(rows.map((x) => [Number(x[col]), { ...x, [col]: Number(x[col]) }]));
    });
    batch = { ids, found };
    nameBatches.set(k, batch);
  }
  return batch;
}

export async function namesById<T extends { agency_id?: number; vendor_id?: number }>(
  m: Manifest,
  table: 'agencies' | 'vendors',
  col: 'agency_id' | 'vendor_id',
  ids: number[],
): Promise<Map<number, T>> {
  const key = (id: number) => memoKey(m.snapshot_id, table, id);
  const wanted = [...new Set(ids)];
  nameCache.trim(); // before deciding what is missing, so every wanted id is then looked up
  const missing = wanted.filter((id) => !nameCache.has(key(id)));
  if (missing.length) {
    const batch = nameBatch(m, table, col);
    for (const id of missing) {
      batch.ids.add(id);
      nameCache.set(
        key(id),
        batch.found.then((byId) => byId.get(id)),
      );
    }
  }
  const rows = await Promise.all(wanted.map((id) => nameCache.get(key(id), async () => undefined)));
  return new Map(wanted.flatMap((id, i) => (rows[i] ? [[id, rows[i] as unknown as T]] : [])));
}

/**
 * Rows looked up in groups of nearby `project_seq`, keyed by seq: `part` gives each group's
 * select (null: none) and its files, and all are asked as one query.
 */
export async function byNearbySeq(
  rows: { project_seq: number }[],
  span: number,
  part: (group: { project_seq: number }[]) => { q: Sql; files: readonly ManifestFile[] } | null,
): Promise<Map<number, Row>> {
  const parts = byProximity(rows, (r) => r.project_seq, span).flatMap((g) => part(g) ?? []);
  if (!parts.length) return new Map();
  const files = [...new Set(parts.flatMap((x) => x.files))];
  const found = await ask<Row>(unionAll(parts.map((x) => x.q)), files);
  return new Map(found.map((x) => [Number(x.project_seq), x]));
}

/** Rows of a table by `project_seq`: only the files whose seq range holds them. */
export async function bySeq(
  m: Manifest,
  table: 'details' | 'project_names',
  rows: { project_seq: number }[],
): Promise<Map<number, Row>> {
  const holds = (f: ManifestFile, g: { project_seq: number }[]) =>
    g.some((r) => holdsSeq(f, r.project_seq));
  const files = tableFiles(m, table).filter((f) => holds(f, rows));
  if (files.length === 0) return new Map();
  // Rows far apart (a vendor's wins, a search's hits) are looked up in groups of nearby
  // projects, each with a literal seq range that reads about one row group.
  return byNearbySeq(rows, rowGroupRows(table), (g) => {
    const some = files.filter((f) => holds(f, g));
    return some.length ? { q: bySeqSql(some, g), files: some } : null;
  });
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
