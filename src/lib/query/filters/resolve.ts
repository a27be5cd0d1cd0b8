/**
 * URL names → the snapshot's ids, and facet counts → the options a filter panel lists. Both walk
 * the facet definitions (facets.ts): the dimension tables are loaded whole (they are small) and
 * read through each definition's columns.
 */
import { tableFiles, type Manifest } from '../../schema/tables';
import type { SearchHits } from '../hits';
import { dimensionSql } from '../lookups';
import { ALL_ROWS, type FacetIds, type Resolved } from '../plan';
import type { Sql } from '../sql';
import { FACETS, type FacetDef, type FacetKey } from './facets';
import type { Filters } from './model';
import { echo } from './read';

/** One option of a facet's dimension table, read through its definition. */
export interface DimRow {
  id: number;
  name: string;
  nameEn: string | null;
  /** Its group (the method bucket), when the facet has groups. */
  bucket: string | null;
}
/** Every facet's dimension table, whole (loaded once per snapshot). */
export type Dimensions = Record<FacetKey, DimRow[]>;

type Ask = (
  q: Sql,
  files: readonly import('../../schema/tables').ManifestFile[],
) => Promise<Record<string, string | number | null>[]>;

/** A row of a facet's dimension table, read through its definition. */
export function dimRow(def: FacetDef, r: Record<string, unknown>): DimRow {
  return {
    id: Number(r[def.id]),
    name: String(r[def.name]),
    nameEn:
      (def.nameEn ? (r[def.nameEn] as string | null) : null) ??
      def.namesEn?.[String(r[def.name])] ??
      null,
    bucket: def.buckets ? String(r[def.buckets.column]) : null,
  };
}

export async function loadDimensions(ask: Ask, m: Manifest): Promise<Dimensions> {
  const tables = await Promise.all(
    FACETS.map(async (def: FacetDef) => {
      const files = tableFiles(m, def.table);
      const rows = await ask(dimensionSql(files), files);
      return rows.map((r) => dimRow(def, r));
    }),
  );
  return Object.fromEntries(FACETS.map((def, i) => [def.key, tables[i]!])) as Dimensions;
}

/** A facet's URL values → ids: by name (either language) or, for a group, every member. */
export function facetIds(def: FacetDef, values: string[], rows: DimRow[]): FacetIds | null {
  if (!values.length) return null;
  const groups = def.buckets?.values.filter((b) => values.includes(b)) ?? [];
  const ids = rows
    .filter(
      (x) =>
        values.includes(x.name) ||
        (x.nameEn !== null && values.includes(x.nameEn)) ||
        (x.bucket !== null && groups.includes(x.bucket)),
    )
    .map((x) => x.id);
  return { ids, nulls: !!def.buckets && groups.includes(def.buckets.unknown) };
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
  seen: SearchHits | null = null,
): Resolved {
  const range = (on: Filters['amount']): [number | null, number | null] | null =>
    f.amount === on && (f.min !== null || f.max !== null) ? [f.min, f.max] : null;
  const r: Resolved = {
    ...ALL_ROWS,
    fy: f.fy,
    agency: f.agency ? (agencyIds ?? []) : null,
    vendor: f.vendor ? (vendorId === null ? [] : [vendorId]) : null,
    match: f.vendor && f.vendorMatch === 'tin' ? [0] : null,
    budget: range('budget'),
    contract: range('contract'),
    date: f.from || f.to ? [f.from, f.to] : null,
    search: f.q ? search : null,
    flag: f.flag.length ? flag : null,
    seen: f.seen || f.seenSince ? seen : null,
  };
  for (const def of FACETS) r[def.key] = facetIds(def, f[def.key], d[def.key]);
  return r;
}

/** A facet's URL values that name no option (in either language) and no group. */
function unknownOptions(def: FacetDef, values: string[], rows: DimRow[]): string[] {
  const known = new Set<string>(def.buckets?.values ?? []);
  for (const x of rows) known.add(x.name).add(x.nameEn ?? x.name);
  return values.filter((v) => !known.has(v)).map((v) => echo(def.key, v));
}

/**
 * The URL's values the snapshot has no row for, as `key=value` (an agency, sub-unit or vendor not
 * in it, a facet option it lacks, a fiscal year it does not cover). They stay in the filters (the
 * link keeps meaning what it says) and the page names them: without that, `agency=กองทัพ` reads
 * as "no project matches".
 */
export function unknownValues(
  f: Filters,
  d: Dimensions,
  years: readonly number[],
  agencyIds: number[] | null,
  vendorId: number | null,
): string[] {
  const out = f.fy.filter((y) => !years.includes(y)).map((y) => `fy=${y}`);
  if (f.agency && agencyIds?.length === 0) {
    out.push(echo('agency', f.agency), ...(f.sub ? [echo('sub', f.sub)] : []));
  }
  if (f.vendor && vendorId === null) out.push(echo('vendor', f.vendor));
  for (const def of FACETS) out.push(...unknownOptions(def, f[def.key], d[def.key]));
  return out;
}

/** The facets a view asks for: those shown only under another filter wait for it. */
export function facetsAsked(r: Resolved): FacetDef[] {
  return FACETS.filter((def: FacetDef) => !def.under || r[def.under as FacetKey] !== null);
}

/** The facets a view filtered by the facets `keys` alone asks (the districts under a province). */
export function facetsAskedUnder(keys: readonly string[]): FacetDef[] {
  return FACETS.filter((def: FacetDef) => !def.under || keys.includes(def.under));
}

export interface FacetItem {
  /** The URL value that selects it. */
  value: string;
  /** Its name in the data, and in English where the data has it (the component picks). */
  label: string;
  labelEn: string | null;
  projects: number;
  /** A group of options (a method bucket), named by the component from its value. */
  group?: boolean;
  /** A finer option under the groups above it (a raw method label). */
  minor?: boolean;
}

/**
 * A facet's counts (rows of `id`, `projects`) → its options, most projects first: groups first
 * (what most people compare), then each option; options of the same name (a district of two
 * chosen provinces) are one.
 */
export function facetItems(
  def: FacetDef,
  rows: Record<string, unknown>[],
  d: DimRow[],
): FacetItem[] {
  const byId = new Map(d.map((x) => [x.id, x]));
  const items = new Map<string, FacetItem>();
  const perGroup = new Map<string, number>();
  for (const row of rows) {
    const x = row[def.id] === null ? undefined : byId.get(Number(row[def.id]));
    const n = Number(row.projects);
    if (def.buckets) {
      const b = x?.bucket ?? def.buckets.unknown;
      perGroup.set(b, (perGroup.get(b) ?? 0) + n);
    }
    if (!x) continue;
    const cur = items.get(x.name);
    if (cur) cur.projects += n;
    else items.set(x.name, { value: x.name, label: x.name, labelEn: x.nameEn, projects: n });
  }
  const options = [...items.values()].sort((a, b) => b.projects - a.projects);
  if (!def.buckets) return options;
  // Each group, then its own options when it has two or more (one option is the group again).
  const bucketOf = new Map(d.map((x) => [x.name, x.bucket]));
  return def.buckets.values
    .filter((b) => perGroup.has(b))
    .flatMap((b) => {
      const own = options.filter((o) => (bucketOf.get(o.value) ?? def.buckets!.unknown) === b);
      return [
        { value: b, label: b, labelEn: null, projects: perGroup.get(b)!, group: true },
        ...(own.length > 1 ? own.map((o) => ({ ...o, minor: true })) : []),
      ];
    });
}
