/**
 * The agency units' headline files (schema 25; src/lib/headline/files.ts `UnitFile`). A unit is
 * one row of `agencies` (name, sub-unit, province). The site links to it by all three (the agency
 * list, the top agencies chart, the project panel): `agency=<name>&sub=<sub-unit>&province=
 * <province>`, the projects of every agency with that name and sub-unit, in that province. That
 * view's numbers per year and first page over all years, and the unit's own numbers for its
 * profile, are in one small file named by its `agency_key`, so such a link shows its numbers
 * before the SQL engine has loaded; over all years its facets and charts too (with the engine, an
 * agency's rows of every year read 8 MB at 6M rows). A year's first page, facets and charts are
 * the engine's: every unit's first page of every year would be 2.2M rows in 90k files at 6M rows,
 * against 0.4M in 8k for all years (docs/benchmarks.md, session 29).
 */
import { headlinePath, type AgencyTuple, type UnitFile } from '../../../src/lib/headline/files.ts';
import type { StageDb } from './db.ts';
import { num, overviews, viewKey, type Scope } from './headline-overview.ts';
import {
  agencyYearsSql,
  groupBy,
  headRow,
  rowsFile,
  topSql,
  yearsOf,
  type Writer,
} from './headline-write.ts';

/**
 * The rows (fact table `t`) of a unit's link: of its agencies (`unit_members`), in its province
 * when it has one (`placed`: only the links with a province).
 */
const linkJoin = (t: string, placed = false) =>
  `JOIN unit_links ul ON ul.agency_id = ${t}.agency_id AND ul.province_id IS NOT DISTINCT FROM ${t}.province_id${placed ? ' AND ul.placed' : ''}`;

/**
 * The links with a province, for their facets and charts: the province is their own facet (the
 * explorer counts it with its own filter left out, over the unit's name and sub-unit: counted
 * apart in `writeUnits`), its districts are counted.
 */
const BY_PLACED_LINK: Scope = {
  name: 'ul.k',
  join: linkJoin('t', true),
  national: false,
  unitsFromAggregate: false,
  ownFacets: ['province'],
};

/** Write every unit's file. */
export async function writeUnits(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
): Promise<void> {
  db.stage('writing the headline files of agency units');
  // The agencies a unit's link stands for, as the explorer resolves `agency` and `sub`
  // (query/lookups.ts `agencyIdsSql`).
  await db.run(`CREATE OR REPLACE TABLE unit_members AS
    SELECT u.agency_key AS k, u.province, a.agency_id
    FROM agencies u JOIN agencies a
      ON (a.dept_name = u.dept_name OR a.agency_key = u.dept_name)
     AND (u.dept_sub_name IS NULL OR a.dept_sub_name = u.dept_sub_name)`);
  // With the places of their projects it counts: the unit's province (a province the data has no
  // projects in names nothing: no row), or, for a unit without one, any (null too).
  await db.run(`CREATE OR REPLACE TABLE unit_links AS
    SELECT m.k, m.agency_id, pr.province_id, true AS placed
    FROM unit_members m JOIN provinces pr ON pr.province_name = m.province
    UNION ALL
    SELECT m.k, m.agency_id, s.province_id, false AS placed
    FROM unit_members m JOIN (SELECT DISTINCT agency_id, province_id FROM projects) s USING (agency_id)
    WHERE m.province IS NULL`);
  const ids = new Map<string, number[]>();
  for (const r of await db.rows(`SELECT k, list(agency_id ORDER BY agency_id) AS ids
      FROM unit_members GROUP BY 1`))
    ids.set(String(r.k), (r.ids as unknown[]).map(Number));
  // Numbers per year from the agency pre-aggregate (by agency and the projects' province), as the
  // agency names' are.
  const byKey = async (by: string, join?: string) =>
    new Map(
      [
        ...groupBy(
          await db.rows(agencyYearsSql(by, join)),
          (r) => String(r.k),
          (r) => r,
        ),
      ].map(([k, rows]) => [k, yearsOf(rows)]),
    );
  const link = await byKey('ul.k', linkJoin('t'));
  const own = await byKey('agency_key AS k');
  const top = groupBy(
    await db.rows(topSql(['ul.k'], { from: `projects p ${linkJoin('p')}` })),
    (r) => String(r.g0),
    headRow,
  );
  // Over all years, the facets and charts of a link with a province (rarely none: the engine's).
  const parts = await overviews(db, agencies, BY_PLACED_LINK);
  for (const r of await db.rows(`SELECT m.k, p.province_id AS id, count(*)::INTEGER AS projects
      FROM projects p JOIN unit_members m USING (agency_id) WHERE m.province IS NOT NULL
      GROUP BY ALL ORDER BY m.k, projects DESC, id NULLS LAST`)) {
    const at = parts.get(viewKey(String(r.k), null));
    if (at) (at.facets.province ??= []).push([num(r.id), Number(r.projects)]);
  }
  for (const [id, a] of agencies) {
    const k = a[0];
    const years = link.get(k) ?? {};
    const mine = own.get(k) ?? {};
    const file: UnitFile = {
      id,
      agency: a,
      years,
      ids: ids.get(k) ?? [],
      ...rowsFile(agencies, top.get(k)),
      ...(JSON.stringify(years) === JSON.stringify(mine) ? {} : { own: mine }),
      ...(parts.has(viewKey(k, null)) ? { overview: parts.get(viewKey(k, null)) } : {}),
    };
    w.write(headlinePath.unit(k), file);
  }
  await db.run(`DROP TABLE unit_links; DROP TABLE unit_members`);
}
