/**
 * The headline files of single facet values (schema 18; files.ts `FACET_VIEWS`): for each
 * province, method, method group, project type and status, the view `method=<value>` (and so on)
 * over all years and per year, as an agency name's (stages/headline.ts). Without them such a view, offered by every
 * facet of the national explorer, read every year's facts: 150 MB at 6M rows for one method group.
 * A value's key is the ids it stands for (`facetViewKey`), as the site resolves a link's value.
 * And (schema 23, `FACET_PAIRS`), over all years and per year, the views of one value each of two
 * of method, type and status, which otherwise read the facet pre-aggregates or a year's facts
 * (2.7 and 17 MB at 6M rows for the busiest method and status). And (schema 24) the views of
 * two or more method groups (`groupSets`), which read the facet pre-aggregates (4.9 MB at 6M rows
 * for two groups) or a year's facts; and (schema 33) those of two or more values of a type or a
 * status (`FACET_SETS`, the facets with few values), which read the same (5.9 MB for two types).
 * And (schema 40) a province with one value of those over all years, which the engine computed
 * from the province pre-aggregates in ten queries (1.3–1.6 MB at 6M rows). And (schema 44) a busy
 * agency name with one value of those over all years, which the engine computed from the
 * agency-ordered pre-aggregates in eleven queries (about 2 MB and 2–5 s warm for the busiest).
 */
import {
  agencyPairsEntry,
  BUSY_NAMES,
  FACET_PAIR_SEP,
  FACET_PAIRS,
  FACET_SET_VALUES,
  FACET_SETS,
  FACET_VIEWS,
  facetViewKey,
  headlinePath,
  pairFiles,
  type AgencyTuple,
  type DimsFile,
  type OverviewParts,
} from '../../../src/lib/headline/files.ts';
import { FACETS, type FacetDef } from '../../../src/lib/query/filters/facets.ts';
import { dimRow, facetIds, type DimRow } from '../../../src/lib/query/filters/resolve.ts';
import { sqlString } from '../rules.ts';
import type { StageDb } from './db.ts';
import { overviews, viewKey, type Scope } from './headline-overview.ts';
import {
  busyFloor,
  namedPages,
  namedYears,
  viewFiles,
  writeNamed,
  type Writer,
} from './headline-write.ts';

/**
 * Each view's key by every id it covers (an id of a group is in its own view and the group's):
 * one value's views, those of two or more of the facet's groups (`groupSets`, schema 24) and, of
 * a facet of `sets`, those of two or more of its values (schema 33).
 */
function viewIds(def: FacetDef, dims: DimsFile, sets: readonly string[]): ViewId[] {
  const rows = (dims[def.key] ?? []).map((r) => dimRow(def, r));
  const values = [
    ...rows.map((x) => [x.name]),
    ...(def.buckets?.values ?? []).map((g) => [g]),
    ...groupSets(def, rows),
    ...(sets.includes(def.key) ? subsets(rows.map((x) => x.name)) : []),
  ];
  const out = new Map<string, { ids: (number | null)[]; one: boolean }>();
  for (const v of values) {
    const ids = facetIds(def, v, rows);
    if (!ids || (!ids.ids.length && !ids.nulls)) continue;
    const k = facetViewKey(def.key, ids.ids, ids.nulls);
    const one = v.length === 1 || !!out.get(k)?.one;
    out.set(k, { ids: [...ids.ids, ...(ids.nulls ? [null] : [])], one });
  }
  return [...out].flatMap(([k, x]) => x.ids.map((id): ViewId => [k, id, x.one]));
}

/** A view's key, an id it covers, and whether the view is of one value (pairs are of those). */
type ViewId = [string, number | null, boolean];

/**
 * Every set of two or more of the facet's named groups (the method groups but `unknown`) that
 * stand for rows: a link to `method=open&method=selective` (the competitive methods) is one file.
 * `unknown` also stands for the rows with no value, which the ids cannot tell: a set with it is
 * the engine's (covers.ts), as a set with a group the data lacks is the set without it.
 */
function groupSets(def: FacetDef, rows: DimRow[]): string[][] {
  return subsets(
    (def.buckets?.values ?? []).filter(
      (g) => g !== def.buckets!.unknown && !!facetIds(def, [g], rows)?.ids.length,
    ),
  );
}

/** Every subset of two or more of `items`, by the bits of 1 … 2^n - 1. */
function subsets(items: string[]): string[][] {
  return Array.from({ length: 2 ** items.length - 1 }, (_, i) =>
    items.filter((_, j) => ((i + 1) >> j) & 1),
  ).filter((set) => set.length > 1);
}

/**
 * The facets of `FACET_SETS` whose sets of values get files (schema 33): those of at most
 * `FACET_SET_VALUES` values (the manifest's `headline.sets` names them for the site).
 */
export function setFacets(dims: DimsFile): string[] {
  return FACET_SETS.filter((k) => (dims[k] ?? []).length <= FACET_SET_VALUES);
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
    ownFacets: [def.key],
  };
}

/** The rows `alias` of each pair's view, by its key `f.k` (`column`: the facet's column there). */
function pairJoin(a: FacetDef, b: FacetDef, alias: string, column: (d: FacetDef) => string) {
  return `JOIN facet_pairs f ON f.a IS NOT DISTINCT FROM ${alias}.${column(a)}
    AND f.b IS NOT DISTINCT FROM ${alias}.${column(b)}`;
}

function pairScope(a: FacetDef, b: FacetDef): Scope {
  return {
    name: 'f.k',
    join: pairJoin(a, b, 't', (d) => d.id),
    contractJoin: pairJoin(a, b, 't', (d) => d.contractId ?? d.id),
    national: false,
    unitsFromAggregate: false,
    ownFacets: [a.key, b.key],
  };
}

/**
 * Write every facet value's files. `national`: the national view's and each agency name's parts
 * by `viewKey`, whose count of a view's own facet it shows (the explorer counts a facet with its
 * own filter left out); `ids`: each agency name's ids. Returns the manifest's
 * `headline.agency_pairs`.
 */
export async function writeFacetViews(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
  dims: DimsFile,
  national: ReadonlyMap<string, OverviewParts>,
  ids: ReadonlyMap<string, number[]>,
): Promise<string[]> {
  db.stage('writing the headline files of facet values');
  const defs: FacetDef[] = FACETS.filter((d) => (FACET_VIEWS as readonly string[]).includes(d.key));
  await db.run(
    `CREATE OR REPLACE TABLE facet_views (facet VARCHAR, k VARCHAR, id INTEGER, one BOOLEAN)`,
  );
  for (const def of defs) {
    const rows = viewIds(def, dims, setFacets(dims));
    if (!rows.length) continue;
    const values = rows
      .map(([k, id, one]) => `('${def.key}', '${k}', ${id ?? 'NULL'}, ${one})`)
      .join(', ');
    await db.run(`INSERT INTO facet_views VALUES ${values}`);
  }
  /** Each single value's view, all years and each, by `viewKey`: a pair counts its facets from them. */
  const single = new Map<string, OverviewParts>();
  for (const def of defs) {
    const scope = scopeOf(def);
    const parts = await overviews(db, agencies, scope);
    for (const [key, p] of parts) {
      const fy = key.slice(key.indexOf('|') + 1);
      p.facets[def.key] =
        national.get(viewKey(null, fy ? Number(fy) : null))?.facets[def.key] ?? [];
      single.set(key, p);
    }
    const years = await namedYears(db, scope);
    const pages = await namedPages(db, 'f.k', { from: `projects p ${joinOn(def, 'p', def.id)}` });
    const at = { all: headlinePath.facet, year: headlinePath.facetYear };
    await writeNamed(w, at, years, pages, viewFiles(parts, agencies));
  }
  await writePairViews(db, w, agencies, single);
  return await writeAgencyPairs(db, w, agencies, national, ids);
}

/**
 * Each pair of values of two of `FACET_PAIRS`, over all years and per year, and (schema 40) of a
 * province and one of those, over all years only (files.ts `pairFiles`): its facets counted
 * as the explorer counts them, each of the two under the other alone (from that value's view).
 */
async function writePairViews(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
  single: ReadonlyMap<string, OverviewParts>,
): Promise<void> {
  db.stage('writing the headline files of facet pairs');
  // A pair's key names its two values in FACET_VIEWS order, as the site does.
  const def = (k: string) => FACETS.find((d) => d.key === k)! as FacetDef;
  const pairs = FACET_VIEWS.flatMap((x, i) =>
    FACET_VIEWS.slice(i + 1).flatMap((y) => {
      const files = pairFiles(x, y);
      return files ? [[def(x), def(y), files === 'each-year'] as const] : [];
    }),
  );
  for (const [x, y, eachYear] of pairs) {
    await db.run(`CREATE OR REPLACE TABLE facet_pairs AS
      SELECT concat_ws(${sqlString(FACET_PAIR_SEP)}, x.k, y.k) AS k, x.id AS a, y.id AS b
      FROM facet_views x, facet_views y
      WHERE x.facet = '${x.key}' AND y.facet = '${y.key}' AND x.one AND y.one`);
    const scope: Scope = { ...pairScope(x, y), ...(eachYear ? {} : { allYearsOnly: true }) };
    const parts = await overviews(db, agencies, scope);
    for (const [key, p] of parts) {
      const at = key.lastIndexOf('|');
      // (A value's key has no separator in it: facetViewKey.)
      const [kx, ky] = key.slice(0, at).split(FACET_PAIR_SEP) as [string, string];
      const fy = key.slice(at);
      p.facets[x.key] = single.get(ky + fy)?.facets[x.key] ?? [];
      p.facets[y.key] = single.get(kx + fy)?.facets[y.key] ?? [];
    }
    const years = await namedYears(db, scope);
    const from = `projects p ${pairJoin(x, y, 'p', (d) => d.id)}`;
    const pages = await namedPages(db, 'f.k', { from }, eachYear);
    const at = { all: headlinePath.facet, ...(eachYear ? { year: headlinePath.facetYear } : {}) };
    await writeNamed(w, at, years, pages, viewFiles(parts, agencies));
  }
}

/**
 * (Schema 44) Each busy agency name (files.ts `BUSY_NAMES`) with one value of `FACET_PAIRS`, over
 * all years: the value's facet counted over the name alone (from its own view, `named`), the
 * others within the pair, as the explorer counts them; with the name's `ids`, as its own file.
 * Returns the busy names' entries of the manifest's `headline.agency_pairs`.
 */
async function writeAgencyPairs(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
  named: ReadonlyMap<string, OverviewParts>,
  ids: ReadonlyMap<string, number[]>,
): Promise<string[]> {
  db.stage('writing the headline files of busy agency names with a facet value');
  const min = busyFloor(BUSY_NAMES, await db.scalar(`SELECT count(*) FROM projects`));
  await db.run(`CREATE OR REPLACE TABLE busy_names AS
    SELECT a.dept_name FROM projects p JOIN agencies a USING (agency_id)
    WHERE a.dept_name IS NOT NULL GROUP BY 1 HAVING count(*) >= ${min}
    ORDER BY count(*) DESC, 1 LIMIT ${BUSY_NAMES.max}`);
  // A pair's name: its key (agencyPairKey) is `agency:<name>&<the value's key>`, which has no `&`.
  const nameOf = (k: string) => k.slice('agency:'.length, k.lastIndexOf(FACET_PAIR_SEP));
  for (const key of FACET_PAIRS) {
    const def = FACETS.find((d) => d.key === key)! as FacetDef;
    // The rows of `alias` in each pair, by their agency and the facet's `column` there.
    const join = (alias: string, column: string) => `JOIN agencies a USING (agency_id)
      JOIN busy_names b ON b.dept_name = a.dept_name
      JOIN (SELECT k, id FROM facet_views WHERE facet = '${def.key}' AND one) f
        ON f.id IS NOT DISTINCT FROM ${alias}.${column}`;
    // The pair's key as files.ts `agencyPairKey` writes it.
    const name = `concat_ws(${sqlString(FACET_PAIR_SEP)}, 'agency:' || a.dept_name, f.k)`;
    const scope: Scope = {
      name,
      join: join('t', def.id),
      contractJoin: join('t', def.contractId ?? def.id),
      national: false,
      unitsFromAggregate: false,
      ownFacets: [def.key],
      allYearsOnly: true,
    };
    const parts = await overviews(db, agencies, scope);
    const years = await namedYears(db, scope);
    for (const [k, p] of parts)
      p.facets[def.key] = named.get(viewKey(nameOf(k.slice(0, -1)), null))?.facets[def.key] ?? [];
    const pages = await namedPages(db, name, { from: `projects p ${join('p', def.id)}` }, false);
    await writeNamed(
      w,
      { all: headlinePath.facet },
      years,
      pages,
      viewFiles(parts, agencies),
      (k) => ({
        ids: ids.get(nameOf(k)) ?? [],
      }),
    );
  }
  const busy = await db.rows(`SELECT dept_name FROM busy_names`);
  return (await Promise.all(busy.map((r) => agencyPairsEntry(String(r.dept_name))))).sort();
}
