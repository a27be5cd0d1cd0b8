/**
 * A view's facets and charts from the parts in its headline file (files.ts `OverviewParts`): the
 * engine's rows rebuilt, then shaped by the same code as the engine's (query/overview.ts).
 */
import { Memo, memoKey } from '../db/cache';
import type { Agency } from '../db/lookup';
import type { Row } from '../query/aggregate';
import { FACETS, type FacetKey } from '../query/filters';
import { dimRow, facetsAskedUnder, type Dimensions } from '../query/filters/resolve';
import { shapeOverview, type Overview, type OverviewRows, type Totals } from '../query/overview';
import type { Manifest } from '../schema/tables';
import {
  headlinePath,
  type DimsFile,
  type OverviewParts,
  type RowsFile,
  type TotalsFile,
} from './files';

/** Reads a JSON file of the headline folder; null when it is not there (a name the data lacks). */
export type Read = <T>(rel: string) => Promise<T | null>;

const dimsCache = new Memo<unknown>();

/** A file of dimension rows, once per snapshot. */
function dimsFile<T>(m: Manifest, read: Read, rel: string): Promise<T | null> {
  const key = memoKey(m.snapshot_id, m.headline!.path, rel);
  return dimsCache.get(key, () => read<T>(rel)) as Promise<T | null>;
}

/**
 * The facets' dimension tables (their labels), with those asked only under the facet `under`
 * (a province's view: its districts). Since schema 20 those are in files of their own
 * (`dims/<facet>.json`); before, in dims.json, which is read as it is.
 */
export async function dimsOf(
  m: Manifest,
  read: Read,
  under: string | null = null,
): Promise<Dimensions | null> {
  const file = await dimsFile<DimsFile>(m, read, headlinePath.dims());
  if (!file) return null;
  type Rows = DimsFile[string];
  const rows = async (def: (typeof FACETS)[number]): Promise<Rows> => {
    if (file[def.key] || !('under' in def) || def.under !== under) return file[def.key] ?? [];
    return (await dimsFile<Rows>(m, read, headlinePath.dimsUnder(def.key))) ?? [];
  };
  const tables = await Promise.all(
    FACETS.map(async (def) => [def.key, (await rows(def)).map((r) => dimRow(def, r))] as const),
  );
  return Object.fromEntries(tables) as Dimensions;
}

/**
 * A view's overview from its file's parts: the engine's rows rebuilt, then shaped alike. `under`:
 * the facet a facet value's view is of (a province's view counts its districts too).
 */
export async function overviewOf(
  d: Dimensions,
  totals: Totals,
  all: Pick<TotalsFile, 'years'>,
  p: OverviewParts,
  under: string | null = null,
): Promise<Overview> {
  const facets: OverviewRows['facets'] = {
    fy: Object.entries(all.years).map(([y, n]) => ({ fiscal_year: Number(y), projects: n[0] })),
  };
  for (const def of facetsAskedUnder(under ? [under] : [])) {
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

export function agencyOf(id: number, a: RowsFile['agencies'][string]): Agency & Row {
  return { agency_id: id, agency_key: a[0], dept_name: a[1], dept_sub_name: a[2], province: a[3] };
}
