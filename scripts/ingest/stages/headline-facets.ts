/**
 * The headline files of single facet values (schema 18; files.ts `FACET_VIEWS`): for each
 * province, method, method group, project type and status, the view `method=<value>` (and so on)
 * over all years and per year, as an agency name's (stages/headline.ts). Without them such a view, offered by every
 * facet of the national explorer, read every year's facts: 150 MB at 6M rows for one method group.
 * A value's key is the ids it stands for (`facetViewKey`), as the site resolves a link's value.
 */
import {
  FACET_VIEWS,
  facetViewKey,
  headlinePath,
  type AgencyTuple,
  type DimsFile,
  type OverviewParts,
} from '../../../src/lib/headline/files.ts';
import { FACETS, type FacetDef } from '../../../src/lib/query/filters/facets.ts';
import { dimRow, facetIds } from '../../../src/lib/query/filters/resolve.ts';
import type { StageDb } from './db.ts';
import { overviews, viewKey, type Scope } from './headline-overview.ts';
import { namedPages, namedYears, viewFiles, writeNamed, type Writer } from './headline-write.ts';

/** Each view's key by every id it covers (an id of a group is in its own view and the group's). */
function viewIds(def: FacetDef, dims: DimsFile): [string, number | null][] {
  const rows = (dims[def.key] ?? []).map((r) => dimRow(def, r));
  const values = [...rows.map((x) => x.name), ...(def.buckets?.values ?? [])];
  const out = new Map<string, (number | null)[]>();
  for (const v of values) {
    const ids = facetIds(def, [v], rows);
    if (!ids || (!ids.ids.length && !ids.nulls)) continue;
    out.set(facetViewKey(def.key, ids.ids, ids.nulls), [...ids.ids, ...(ids.nulls ? [null] : [])]);
  }
  return [...out].flatMap(([k, ids]) => ids.map((id) => [k, id] as [string, number | null]));
}

/** The rows `alias` (projects or contracts) of each view, by its key `f.k`. */
const joinOn = (def: FacetDef, alias: string, column: string) =>
  `JOIN (SELECT k, id FROM facet_views WHERE facet = '${def.key}') f
    ON f.id IS NOT DISTINCT FROM ${alias}.${column}`;

function scopeOf(def: FacetDef): Scope {
  return {
    name: 'f.k',
    join: joinOn(def, 't', def.id),
    contractJoin: joinOn(def, 't', def.contractId ?? def.id),
    national: false,
    unitsFromAggregate: false,
    ownFacet: def.key,
  };
}

/**
 * Write every facet value's files. `national`: the national view's parts by `viewKey`, whose
 * count of a view's own facet it shows (the explorer counts a facet with its own filter left out).
 */
export async function writeFacetViews(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
  dims: DimsFile,
  national: ReadonlyMap<string, OverviewParts>,
): Promise<void> {
  db.stage('writing the headline files of facet values');
  const defs: FacetDef[] = FACETS.filter((d) => (FACET_VIEWS as readonly string[]).includes(d.key));
  await db.run(`CREATE OR REPLACE TEMP TABLE facet_views (facet VARCHAR, k VARCHAR, id INTEGER)`);
  for (const def of defs) {
    const rows = viewIds(def, dims);
    if (!rows.length) continue;
    const values = rows.map(([k, id]) => `('${def.key}', '${k}', ${id ?? 'NULL'})`).join(', ');
    await db.run(`INSERT INTO facet_views VALUES ${values}`);
  }
  for (const def of defs) {
    const scope = scopeOf(def);
    const parts = await overviews(db, agencies, scope);
    for (const [key, p] of parts) {
      const fy = key.slice(key.indexOf('|') + 1);
      p.facets[def.key] =
        national.get(viewKey(null, fy ? Number(fy) : null))?.facets[def.key] ?? [];
    }
    const years = await namedYears(db, scope);
    const pages = await namedPages(db, 'f.k', { from: `projects p ${joinOn(def, 'p', def.id)}` });
    const at = { all: headlinePath.facet, year: headlinePath.facetYear };
    await writeNamed(w, at, years, pages, viewFiles(parts, agencies));
  }
}
