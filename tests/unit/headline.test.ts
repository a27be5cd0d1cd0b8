/**
 * The headline files (src/lib/headline) against the engine's own planner and SQL on the same data
 * (native DuckDB), and against the independent oracle: numbers, first pages and profile years, on
 * the real drone set and a generated national-shaped set.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { headlineCovers, headlineHas } from '../../src/lib/headline/covers';
import { profileHeadline } from '../../src/lib/headline/profile';
import { headlineView, type Headline, type Read } from '../../src/lib/headline/view';
import {
  agencyFileKey,
  agencyKeyOf,
  BUSY_NAMES,
  FACET_SET_VALUES,
  FACET_VIEWS,
  headlinePath,
  sha256Hex,
  wordsAllEntry,
  type TotalsFile,
} from '../../src/lib/headline/files';
import { aggregateWith, sourceFiles, type Row } from '../../src/lib/query/aggregate';
import { agencyIdsSql, byIdsSql } from '../../src/lib/query/lookups';
import { overviewRows, shapeOverview, type Overview } from '../../src/lib/query/overview';
import { parquet } from '../../src/lib/query/sql';
import { tableFiles } from '../../src/lib/schema/tables';
import { TERM_HITS_WHOLE } from '../../src/lib/search/text';
import { knownHitsSql, runSearch } from '../../src/lib/query/search';
import { FACETS, NO_FILTERS, type Filters } from '../../src/lib/query/filters';
import type { FacetDef } from '../../src/lib/query/filters/facets';
import { METHOD_BUCKETS } from '../../src/lib/schema/methods';
import { rowsSql } from '../../src/lib/query/page-sql';
import { rowSource, type Resolved } from '../../src/lib/query/plan';
import { agencyProfile, vendorProfile } from '../../src/lib/query/profile';
import { expectedTotals, filterCases, namesNothing } from '../helpers/expected';
import { droneUnitsData, SHARED_GEN } from '../helpers/fixtures';
import { fixtureDirs, ingestFixtures, site, siteTotals, type Site } from '../helpers/site';

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
let drone: Site;
let gen: Site;
/** The drone records of two names, two units changed (fixtures.ts `droneUnitsData`). */
let units: Site;
let unitsDir: string;

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
  units = await site((unitsDir = await droneUnitsData()));
}, 120_000);

/** The headline files read from disk, as the site reads them over HTTP. */
function diskRead(dir: string, s: Site): Read {
  return async <T>(rel: string) => {
    const file = path.join(dir, s.m.headline!.path, rel);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
  };
}

/**
 * A view's headline from its files, checked two ways: with the files as written now, a view of
 * one year with projects reads no file over all years; and read from its files as schema 19 wrote
 * them (a year's file without the view's years, ids or hits; the districts in dims.json), under
 * another snapshot id so nothing read before is reused, it is the same.
 */
async function headlineAlike(s: Site, f: Filters, read: Read): Promise<Headline | null> {
  const seen: string[] = [];
  const h = await headlineView(s.m, f, (rel) => (seen.push(rel), read(rel)));
  if (f.fy.length === 1 && (h?.totals.projects ?? 0) > 0) {
    // (A vendor's shard and a unit's file hold every year's numbers, and nothing else of size.)
    const wide = seen.filter((rel) => !/(^|\/)fy\d+\.json$|^dims|^vendor\/|^unit\//.test(rel));
    expect({ f, wide }).toEqual({ f, wide: [] });
  }
  const under = headlinePath.dimsUnder('district');
  const older: Read = async <T>(rel: string) => {
    if (rel === under) return null;
    const got = await read<Record<string, unknown>>(rel);
    if (got && rel === headlinePath.dims()) return { ...got, district: await read(under) } as T;
    if (!got || !/(^|\/)fy\d+\.json$/.test(rel)) return got as T | null;
    const rest = { ...got };
    for (const k of ['years', 'ids', 'hits']) delete rest[k];
    return rest as T;
  };
  const m = { ...s.m, snapshot_id: `${s.m.snapshot_id}-older` };
  expect({ f, older: await headlineView(m, f, older) }).toEqual({ f, older: h });
  return h;
}

/** A view's headline numbers against the engine's and the oracle's (`dir`); the view resolved. */
async function sameTotals(
  s: Site,
  dir: string,
  c: Partial<Filters>,
  h: Headline,
): Promise<Resolved> {
  const r = await s.resolve({ ...NO_FILTERS, ...c });
  const { projects, budget, contracts, agreed } = h.totals;
  const got = { case: c, projects: String(projects), budget, contracts: String(contracts), agreed };
  expect(got).toEqual({ case: c, ...(await siteTotals(s, r)) });
  expect(got).toEqual({ case: c, ...(await expectedTotals(dir, c)) });
  // Its projects per year, which a page in a year order starts from (yearPage), as the engine's.
  const years = (await aggregateWith(s.ask, s.m, r, ['fiscal_year'], ['projects']))
    .map((x) => ({ year: Number(x.fiscal_year), n: Number(x.projects) }))
    .filter((x) => x.n > 0);
  const byYear = (a: { year: number }, b: { year: number }) => a.year - b.year;
  expect({ case: c, years: [...h.years].sort(byYear) }).toEqual({
    case: c,
    years: years.sort(byYear),
  });
  return r;
}

/** The view's totals, facets and charts as the explorer computes them on the engine. */
async function engineOverview(s: Site, f: Filters): Promise<Overview> {
  const r = await s.resolve(f);
  return shapeOverview(s.dims, await overviewRows(s.ask, s.m, r), async (table, ids) => {
    const files = tableFiles(s.m, table);
    const col = table === 'agencies' ? 'agency_id' : 'vendor_id';
    const rows = ids.length ? await s.ask(byIdsSql(files, col, ids), files) : [];
    return new Map(rows.map((x) => [Number(x[col]), { ...x, [col]: Number(x[col]) }]));
  });
}

/** The view's first page as the engine's table asks it (native DuckDB). */
async function enginePage(s: Site, r: Resolved): Promise<Row[]> {
  const source = rowSource(r);
  const files = sourceFiles(s.m, source, r);
  return files.length ? await s.ask(rowsSql(source, files, r, '-budget', 50, 0), files) : [];
}

/**
 * A few values of each of method, type and status, as another facet's view links them: a method,
 * two groups and `unknown`; two types; two statuses.
 */
const pairValues = (s: Site) => ({
  method: [s.dims.method[0]!.name, 'specific', 'open', 'unknown'],
  type: s.dims.type.slice(0, 2).map((x) => x.name),
  status: s.dims.status.slice(0, 2).map((x) => x.name),
});

/** What a first page's row is compared by: id, money, contracts and their value. */
const pick = (x: Row) => [x.project_id, x.budget, x.agreed, Number(x.contracts), x.contract_value];

/**
 * A view the files cover, from them and from the engine: no file only where the engine finds no
 * project; else the same totals, and (but a year the value has no project in, whose own facet the
 * engine counts) the same facets, charts and first page. Whether the files answered all of it.
 */
async function sameAsEngine(s: Site, read: Read, c: Partial<Filters>): Promise<boolean> {
  const f: Filters = { ...NO_FILTERS, ...c };
  expect(headlineCovers(f, s.m.schema_version, headlineHas(s.m))).toBe(true);
  const h = await headlineAlike(s, f, read);
  const want = await engineOverview(s, f);
  if (h) expect({ case: c, totals: h.totals }).toEqual({ case: c, totals: want.totals });
  if (!h?.overview) {
    expect({ case: c, projects: want.totals.projects }).toEqual({ case: c, projects: 0 });
    return false;
  }
  expect({ case: c, overview: h.overview }).toEqual({ case: c, overview: want });
  const page = await enginePage(s, await s.resolve(f));
  expect({ case: c, rows: h.rows!.map((x) => pick(x as unknown as Row)) }).toEqual({
    case: c,
    rows: page.map(pick),
  });
  return true;
}

describe('headline files', () => {
  it('name their files by SHA-256 of the key, as Node computes it (no Web Crypto: plain http too)', async () => {
    for (const text of ['กรมทางหลวงชนบท', 'tin:0105556001374', 'ถนน', '']) {
      expect(await sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    expect(await agencyFileKey('กรมทางหลวงชนบท')).toHaveLength(16);
  });

  for (const [label, get, dir] of [
    ['the real drone set', () => drone, dirs.droneDir],
    ['generated data', () => gen, dirs.genDir],
  ] as const) {
    it(`give the engine's facets and charts for the nation and each agency name, all years and each (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const agencies = tableFiles(s.m, 'agencies');
      const names = (
        await s.ask(
          { sql: `SELECT DISTINCT dept_name FROM ${parquet(agencies)} ORDER BY 1`, params: [] },
          agencies,
        )
      ).map((x) => String(x.dept_name));
      expect(names.length).toBeGreaterThan(2);
      const views: Partial<Filters>[] = [];
      for (const agency of [null, ...names.slice(0, 6)])
        for (const fy of [[], ...s.m.fiscal_years.map((y) => [y])])
          views.push({ fy, ...(agency ? { agency } : {}) });
      let charted = 0;
      for (const c of views) {
        const f: Filters = { ...NO_FILTERS, ...c };
        const h = await headlineView(s.m, f, read);
        const want = await engineOverview(s, f);
        if (!h) {
          // A year the name has no project in has no file: the engine's view is empty too.
          expect({ case: c, projects: want.totals.projects }).toEqual({ case: c, projects: 0 });
          continue;
        }
        expect({ case: c, overview: h.overview }).toEqual({ case: c, overview: want });
        if (c.agency) {
          const ids = await s.ask(agencyIdsSql(agencies, c.agency, null), agencies);
          expect({ case: c, ids: h.agencyIds }).toEqual({
            case: c,
            ids: ids.map((x) => Number(x.agency_id)),
          });
        } else expect(h.agencyIds).toBeNull();
        charted += want.charts.topVendors.length ? 1 : 0;
      }
      expect(charted).toBeGreaterThan(views.length / 2);
      // Several years' top agencies and vendors are not the sum of each year's: the engine's.
      const f = { ...NO_FILTERS, fy: s.m.fiscal_years.slice(0, 2) };
      expect((await headlineView(s.m, f, read))!.overview).toBeNull();
    });
  }

  for (const [label, get, dir] of [
    ['the real drone set', () => drone, dirs.droneDir],
    ['generated data', () => gen, dirs.genDir],
  ] as const) {
    it(`give one province, method, method group, type or status its numbers, facets, charts and first page, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const years = s.m.fiscal_years;
      let answered = 0;
      for (const key of FACET_VIEWS) {
        const def: FacetDef = FACETS.find((x) => x.key === key)!;
        // Each value by its name (Thai, and English where the data has it; the first 8 provinces)
        // and each method group.
        const values = [
          ...s.dims[key].slice(0, 8).flatMap((x) => [x.name, ...(x.nameEn ? [x.nameEn] : [])]),
          ...(def.buckets?.values ?? []),
        ];
        for (const value of values)
          for (const fy of [[], [years[0]!], [years.at(-1)!]])
            if (await sameAsEngine(s, read, { fy, [key]: [value] })) answered++;
      }
      expect(answered).toBeGreaterThan(10);
      // Two values of a facet, or a facet with an agency name before schema 44 (since then, a
      // busy name's file: below), are the engine's.
      const two = s.dims.method.slice(0, 2).map((x) => x.name);
      expect(headlineCovers({ ...NO_FILTERS, method: two })).toBe(two.length < 2);
      const named = { ...NO_FILTERS, method: ['specific'], agency: 'x' };
      expect([headlineCovers(named, 43), headlineCovers(named)]).toEqual([false, true]);
    });

    it(`give two of a method, a type and a status their numbers, facets, charts and first page, all years and each, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const values = {
        method: [...s.dims.method.slice(0, 2).map((x) => x.name), 'specific', 'unknown'],
        type: s.dims.type.slice(0, 3).map((x) => x.name),
        status: s.dims.status.slice(0, 2).map((x) => x.name),
      };
      let answered = 0;
      for (const [a, b] of [
        ['method', 'type'],
        ['method', 'status'],
        ['type', 'status'],
      ] as const) {
        for (const va of values[a])
          for (const vb of values[b])
            for (const fy of [[], [s.m.fiscal_years[0]!], [s.m.fiscal_years.at(-1)!]])
              if (await sameAsEngine(s, read, { fy, [a]: [va], [b]: [vb] })) answered++;
      }
      expect(answered).toBeGreaterThan(16);
      // With a province as a third, a second value, or data of schema 22: the engine's.
      const pair = { ...NO_FILTERS, method: ['specific'], status: [values.status[0]!] };
      expect(headlineCovers({ ...pair, province: [s.dims.province[0]!.name] })).toBe(false);
      expect(headlineCovers({ ...pair, method: ['specific', 'open'] })).toBe(false);
      expect(headlineCovers(pair, 22)).toBe(false);
    });

    it(`give a province with a method, a type or a status its numbers, facets, districts, charts and first page over all years, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      // Four provinces: the first three and the last of the list.
      const provinces = [...s.dims.province.slice(0, 3), s.dims.province.at(-1)!].map(
        (x) => x.name,
      );
      const values = pairValues(s);
      let answered = 0;
      let districts = 0;
      for (const province of provinces)
        for (const key of ['method', 'type', 'status'] as const)
          for (const value of values[key]) {
            const c = { province: [province], [key]: [value] };
            if (!(await sameAsEngine(s, read, c))) continue;
            answered++;
            const h = await headlineView(s.m, { ...NO_FILTERS, ...c }, read);
            if (h!.overview!.facets.district?.length) districts++;
          }
      expect(answered).toBeGreaterThan(12);
      expect(districts).toBeGreaterThan(0);
      // In chosen years, with a district, two values, or data of schema 39: the engine's.
      const pair = { ...NO_FILTERS, province: [provinces[0]!], type: [values.type[0]!] };
      expect(headlineCovers(pair)).toBe(true);
      expect(headlineCovers({ ...pair, fy: [s.m.fiscal_years[0]!] })).toBe(false);
      expect(headlineCovers({ ...pair, district: [s.dims.district[0]!.name] })).toBe(false);
      expect(headlineCovers({ ...pair, province: provinces.slice(0, 2) })).toBe(false);
      expect(headlineCovers(pair, 39)).toBe(false);
    });

    it(`give a busy agency name with a method, a type or a status its numbers, ids, facets, charts and first page over all years, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      // The names by projects, busiest first; busy as BUSY_NAMES says, computed here apart.
      const [projects, agencies] = [tableFiles(s.m, 'projects'), tableFiles(s.m, 'agencies')];
      const sql = `SELECT a.dept_name, count(*)::INTEGER AS n FROM ${parquet(projects)} p
        JOIN ${parquet(agencies)} a USING (agency_id) GROUP BY 1 ORDER BY n DESC, 1`;
      const names = await s.ask({ sql, params: [] }, [...projects, ...agencies]);
      const total = names.reduce((n, x) => n + Number(x.n), 0);
      const min = Math.max(BUSY_NAMES.min, Math.ceil(total * BUSY_NAMES.share));
      const busy = names.filter((x, i) => Number(x.n) >= min && i < BUSY_NAMES.max);
      expect(busy.length).toBeGreaterThan(0);
      expect(s.m.headline!.agency_pairs).toHaveLength(busy.length);
      // The two busiest, the least busy of the busy, and the least busy of all.
      const chosen = [...names.slice(0, 2), busy.at(-1)!, names.at(-1)!].map((x) =>
        String(x.dept_name),
      );
      const values = pairValues(s);
      let answered = 0;
      let engines = 0;
      for (const agency of chosen)
        for (const key of ['method', 'type', 'status'] as const)
          for (const value of values[key]) {
            const c = { agency, [key]: [value] };
            const f = { ...NO_FILTERS, ...c };
            if (!busy.some((x) => x.dept_name === agency)) {
              // Not busy: no file asked (the manifest lists the busy names), the engine's view.
              const asked: string[] = [];
              const h = await headlineView(s.m, f, (rel) => (asked.push(rel), read(rel)));
              expect({ c, h, asked }).toEqual({ c, h: null, asked: [] });
              engines++;
              continue;
            }
            if (!(await sameAsEngine(s, read, c))) continue;
            answered++;
            const ids = await s.ask(agencyIdsSql(agencies, agency, null), agencies);
            expect({ c, ids: (await headlineView(s.m, f, read))!.agencyIds }).toEqual({
              c,
              ids: ids.map((x) => Number(x.agency_id)),
            });
          }
      expect(answered).toBeGreaterThan(10);
      expect(engines > 0).toBe(names.length > busy.length);
      // In chosen years, with a sub-unit or a second facet, two values, or data of schema 43: the
      // engine's.
      const pair = { ...NO_FILTERS, agency: chosen[0]!, status: [values.status[0]!] };
      expect(headlineCovers(pair)).toBe(true);
      expect(headlineCovers({ ...pair, fy: [s.m.fiscal_years[0]!] })).toBe(false);
      expect(headlineCovers({ ...pair, sub: 'x' })).toBe(false);
      expect(headlineCovers({ ...pair, type: [values.type[0]!] })).toBe(false);
      expect(headlineCovers({ ...pair, status: values.status })).toBe(false);
      expect(headlineCovers(pair, 43)).toBe(false);
    });

    it(`give two or more method groups their numbers, facets, charts and first page, all years and each, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const years = s.m.fiscal_years;
      // The named groups the explorer offers: those with rows (`unknown` is not named).
      const named = METHOD_BUCKETS.filter((x) => x !== 'unknown');
      const offered: string[] = [];
      for (const g of named)
        if ((await engineOverview(s, { ...NO_FILTERS, method: [g] })).totals.projects)
          offered.push(g);
      expect(offered.length).toBeGreaterThan(1);
      const sets = [
        offered.slice(0, 2),
        offered.slice(0, 2).reverse(),
        offered.slice(-2),
        [offered[0]!, offered.at(-1)!],
        offered,
      ];
      let answered = 0;
      for (const method of sets)
        for (const fy of [[], [years[0]!], [years.at(-1)!]])
          if (await sameAsEngine(s, read, { fy, method })) answered++;
      // A group without rows adds no id: the same file as the set without it.
      for (const g of named.filter((x) => !offered.includes(x)))
        if (await sameAsEngine(s, read, { method: [g, ...offered] })) answered++;
      expect(answered).toBeGreaterThan(8);
      // `unknown` (it also stands for rows with no method, which the ids cannot tell), a group
      // with a method's own name, with a type, or data of schema 23: the engine's.
      const groups = { ...NO_FILTERS, method: ['open', 'specific'] };
      expect(headlineCovers({ ...groups, method: ['open', 'unknown'] })).toBe(false);
      expect(headlineCovers({ ...groups, method: ['open', s.dims.method[0]!.name] })).toBe(false);
      expect(headlineCovers({ ...groups, type: [s.dims.type[0]!.name] })).toBe(false);
      expect(headlineCovers(groups, 23)).toBe(false);
    });

    it(`give what the latest snapshot added its numbers, facets, charts and first page, all years and each, in all and within an agency name, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      expect(s.m.first_seen!.headline).toBe(true);
      let answered = 0;
      for (const fy of [[], ...s.m.fiscal_years.map((y) => [y])])
        if (await sameAsEngine(s, read, { fy, seen: 'latest' })) answered++;
      // Both sets were published in two steps: the latest snapshot added some of the projects
      // (the drone set's FY2568 records: first-seen.test.ts).
      expect(s.m.first_seen!.added).toBeGreaterThan(0);
      expect(s.m.first_seen!.added).toBeLessThan(s.m.counts.projects);
      expect(answered).toBeGreaterThan(1);
      // Within an agency name (schema 36): the names it added most and fewest projects to, and
      // one it added none to (no file: the engine's view is empty).
      const [fs, pr, ag] = (['first_seen', 'projects', 'agencies'] as const).map((t) =>
        tableFiles(s.m, t),
      );
      const added = (
        await s.ask(
          {
            sql: `SELECT a.dept_name, count(p.project_seq) AS n FROM ${parquet(ag!)} a
              LEFT JOIN (SELECT * FROM ${parquet(pr!)} WHERE project_seq IN
                (SELECT project_seq FROM ${parquet(fs!)} WHERE first_snapshot = ?)) p
              USING (agency_id) GROUP BY 1 ORDER BY n DESC, 1`,
            params: [s.m.snapshot_id],
          },
          [...fs!, ...pr!, ...ag!],
        )
      ).map((x) => ({ name: String(x.dept_name), n: Number(x.n) }));
      const some = added.filter((x) => x.n > 0);
      const names = [...some.slice(0, 2), some.at(-1)!, added.find((x) => x.n === 0)!];
      expect(names.filter((x) => x?.n === 0)).toHaveLength(1);
      let inName = 0;
      for (const { name } of names)
        for (const fy of [[], [s.m.fiscal_years[0]!], [s.m.fiscal_years.at(-1)!]])
          if (await sameAsEngine(s, read, { fy, seen: 'latest', agency: name })) inName++;
      expect(inName).toBeGreaterThan(3);
      // With another filter, since a date, or data without the files: the engine's.
      const seen = { ...NO_FILTERS, seen: 'latest' as const };
      const has = headlineHas(s.m);
      const name = { ...seen, agency: names[0]!.name };
      expect(headlineCovers({ ...seen, sort: 'fy', page: 2 }, 34, has)).toBe(true);
      expect(headlineCovers(name, 36, has)).toBe(true);
      expect(headlineCovers(name, 35, has)).toBe(false);
      expect(headlineCovers({ ...name, sub: 'กองคลัง' }, 36, has)).toBe(false);
      expect(headlineCovers({ ...name, province: [s.dims.province[0]!.name] }, 36, has)).toBe(
        false,
      );
      expect(headlineCovers({ ...seen, type: [s.dims.type[0]!.name] }, 34, has)).toBe(false);
      expect(headlineCovers({ ...seen, q: 'ถนน' }, 34, has)).toBe(false);
      expect(headlineCovers({ ...seen, min: 1 }, 34, has)).toBe(false);
      expect(headlineCovers({ ...NO_FILTERS, seenSince: '2024-01-01' }, 34, has)).toBe(false);
      expect(headlineCovers(seen, 34, { ...has, seen: false })).toBe(false);
    });

    it(`give two or more project types or statuses their numbers, facets, charts and first page, all years and each, as the engine (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const sets = s.m.headline!.sets!;
      // Both facets have few values in both sets (a facet of more than FACET_SET_VALUES has none).
      expect(sets).toEqual(['type', 'status']);
      expect(s.dims.type.length).toBeLessThanOrEqual(FACET_SET_VALUES);
      let answered = 0;
      for (const key of sets as ('type' | 'status')[]) {
        const rows = s.dims[key];
        const names = rows.map((x) => x.name);
        const cases = [
          names.slice(0, 2),
          names.slice(0, 2).reverse(),
          names.slice(-2),
          names,
          // An English name, and a name the data lacks beside the others (the engine says so).
          [names[0]!, rows.at(-1)!.nameEn ?? names.at(-1)!],
          [...names.slice(0, 2), 'ไม่มีในข้อมูล'],
        ].filter((x) => new Set(x).size > 1);
        for (const value of cases)
          for (const fy of [[], [s.m.fiscal_years[0]!], [s.m.fiscal_years.at(-1)!]])
            if (await sameAsEngine(s, read, { fy, [key]: value })) answered++;
      }
      expect(answered).toBeGreaterThan(8);
      // Data of schema 32 (no sets), a facet the manifest does not name, or a set with another
      // facet: the engine's.
      const two = { ...NO_FILTERS, type: s.dims.type.slice(0, 2).map((x) => x.name) };
      expect(headlineCovers(two, 33, { sets })).toBe(true);
      expect(headlineCovers(two, 32, { sets })).toBe(false);
      expect(headlineCovers(two, 33, { sets: ['status'] })).toBe(false);
      expect(headlineCovers({ ...two, status: [s.dims.status[0]!.name] }, 33, { sets })).toBe(
        false,
      );
      const sorted: Filters = { ...two, fy: [s.m.fiscal_years[0]!], sort: 'fy' };
      expect(headlineCovers(sorted, 33, { sets })).toBe(true);
    });
  }

  for (const [label, get, dir] of [
    ['the real drone set', () => drone, dirs.droneDir],
    ['generated data', () => gen, dirs.genDir],
  ] as const) {
    it(`give the engine's numbers and first page for every view they answer (${label})`, async () => {
      const s = get();
      const base = (await filterCases(dir)).filter((c) =>
        headlineCovers({ ...NO_FILTERS, ...c }, s.m.schema_version, headlineHas(s.m)),
      );
      // What the latest snapshot added (schema 34), by itself and in an agency name (36).
      expect(base.filter((c) => c.seen).map((c) => Object.keys(c))).toEqual([
        ['seen'],
        ['seen', 'agency'],
      ]);
      const years = s.m.fiscal_years;
      const agency = base.find((c) => c.agency)!.agency!;
      const cases: Partial<Filters>[] = [
        ...base,
        { fy: [years[0]!, years.at(-1)!] },
        { agency, fy: years.slice(0, 2) },
        // Another order or page: the same numbers; the table is the engine's.
        { fy: [years.at(-1)!], sort: 'fy' },
        { agency, page: 3 },
        // An agency unit's link in a year: its numbers; the table is the engine's.
        ...base.filter((c) => c.sub).map((c) => ({ ...c, fy: [years.at(-1)!] })),
      ];
      expect(cases.filter((c) => c.vendor).length).toBeGreaterThan(1);
      // An agency unit's link (schema 25), all years and one.
      expect(cases.filter((c) => c.sub).length).toBe(2);
      for (const c of cases) {
        const f: Filters = { ...NO_FILTERS, ...c };
        const h = await headlineAlike(s, f, diskRead(dir, s));
        if (namesNothing(c)) {
          expect({ case: c, h }).toEqual({ case: c, h: null });
          continue;
        }
        const r = await sameTotals(s, dir, c, h!);
        // A vendor that is not busy, another order or page, a unit's year: the engine reads the
        // page.
        if (h!.rows === null) {
          expect({ case: c, engine: Boolean(c.vendor || c.sort || c.page || c.sub) }).toEqual({
            case: c,
            engine: true,
          });
          continue;
        }
        const page = await enginePage(s, r);
        expect({ case: c, rows: h!.rows!.map((x) => pick(x as unknown as Row)) }).toEqual({
          case: c,
          rows: page.map(pick),
        });
      }
    });
  }

  for (const [label, get, dir] of [
    ['the real drone set', () => drone, dirs.droneDir],
    ['generated data', () => gen, dirs.genDir],
  ] as const) {
    it(`give a frequent word's search its numbers, facets, charts and first page (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const terms = tableFiles(s.m, 'search_terms');
      // The words whose hits the ingest found (kind 2), most frequent first, with the projects
      // where they are only inside a word (kind 3).
      const found = await s.ask(
        {
          sql: `SELECT w.term, coalesce(p.projects, 0) / w.projects AS part
            FROM ${parquet(terms)} w LEFT JOIN ${parquet(terms)} p
              ON p.term = w.term AND p.kind = ${TERM_HITS_WHOLE} + 1
            WHERE w.kind = ${TERM_HITS_WHOLE} ORDER BY w.projects DESC, w.term`,
          params: [],
        },
        terms,
      );
      const words = found.map((x) => String(x.term));
      expect(words.length).toBeGreaterThan(10);
      // The most and least frequent, the median, and the one most often found inside a word
      // (its first pages rank whole-word matches before the others).
      const inside = [...found].sort((a, b) => Number(b.part) - Number(a.part))[0]!;
      const picked = [
        words[0]!,
        words[Math.floor(words.length / 2)]!,
        words.at(-1)!,
        String(inside.term),
      ];
      // A search of all fields (schema 46): the word's file answers it where no agency's or
      // vendor's name adds a project; (schema 47) the word's own files of that search answer it
      // where one does. One word of each kind, at least.
      const owned = new Map<string, boolean>();
      for (const q of words) {
        const file = await read<TotalsFile>(headlinePath.word(await agencyFileKey(q)));
        owned.set(q, !file!.hits!.all);
      }
      const own = words.find((w) => owned.get(w));
      const none = words.find((w) => !owned.get(w));
      expect({ own: !!own, none: !!none }).toEqual({ own: true, none: true });
      // Where the file does not say so, the engine's search of all fields finds more projects
      // (an agency's or a winner's) or says it followed only some of the names.
      const wide = await runSearch(s.ask, s.m, { words: [own!], qin: 'all' });
      const narrow = await runSearch(s.ask, s.m, { words: [own!], qin: 'name' });
      expect(wide.rows > narrow.rows || wide.tooManyOwners).toBe(true);
      // Those words and no others are listed as having files of their search of all fields.
      const listed = await Promise.all(words.filter((w) => owned.get(w)).map(wordsAllEntry));
      expect(s.m.headline!.words_all).toEqual(listed.sort());
      const years = s.m.fiscal_years;
      let ranked = 0;
      for (const [q, qin] of [
        ...picked.map((w) => [w, 'name'] as const),
        [none!, 'all'] as const,
        [own!, 'all'] as const,
      ]) {
        for (const fy of [[], ...years.map((y) => [y]), [years[0]!, years.at(-1)!]]) {
          const c = { q, qin, fy };
          const f: Filters = { ...NO_FILTERS, ...c };
          expect(headlineCovers(f)).toBe(true);
          const h = await headlineView(s.m, f, read);
          const r = await s.resolve(f);
          if (!h) {
            expect({ case: c, projects: (await siteTotals(s, r)).projects }).toEqual({
              case: c,
              projects: '0',
            });
            continue;
          }
          if (fy.length <= 1) {
            expect({ case: c, overview: h.overview }).toEqual({
              case: c,
              overview: await engineOverview(s, f),
            });
          } else expect(h.overview).toBeNull();
          // The word's hits as its file has them: what the engine's search found, copied.
          // (The helper's search is runSearch's, which says whether it cut the names it followed.)
          const search = r.search as Awaited<ReturnType<typeof runSearch>>;
          const { table, rows: n, years: ys, seqMin, seqMax, tooManyOwners } = search;
          const stats = { rows: n, years: ys, seqMin, seqMax, tooManyOwners };
          const { terms, ...known } = h.hits!;
          expect({ case: c, stats: known }).toEqual({ case: c, stats });
          const copied = await s.ask(
            {
              sql: `SELECT project_seq, rank FROM (${knownHitsSql(tableFiles(s.m, 'search_postings'), h.hits!)})
                ORDER BY 1`,
              params: [],
            },
            [],
          );
          const found = await s.ask(
            { sql: `SELECT project_seq, rank FROM ${table} ORDER BY 1`, params: [] },
            [],
          );
          expect(copied.length).toBe(stats.rows);
          expect(copied).toEqual(found);
          expect(terms.length).toBeGreaterThan(0);
          const { projects, budget, contracts, agreed } = h.totals;
          expect({
            case: c,
            projects: String(projects),
            budget,
            contracts: String(contracts),
            agreed,
          }).toEqual({ case: c, ...(await siteTotals(s, r)) });
          const page = await enginePage(s, r);
          expect({ case: c, rows: h.rows!.map((x) => pick(x as unknown as Row)) }).toEqual({
            case: c,
            rows: page.map(pick),
          });
          // Whole-word matches come first, then the others: both kinds are on some first pages.
          if (new Set(page.map((x) => Number(x.rank))).size > 1) ranked++;
        }
      }
      expect(ranked).toBeGreaterThan(0);
      // A word the ingest did not find hits for, two words, or other filters: the engine's.
      const rare = { ...NO_FILTERS, q: 'zzzqqq' };
      expect(headlineCovers(rare)).toBe(true);
      expect(await headlineView(s.m, rare, read)).toBeNull();
      expect(headlineCovers({ ...NO_FILTERS, q: `${words[0]} ${words[1]}` })).toBe(false);
      expect(headlineCovers({ ...NO_FILTERS, q: words[0]!, qin: 'all' }, 45)).toBe(false);
      expect(headlineCovers({ ...NO_FILTERS, q: words[0]!, agency: 'x' })).toBe(false);
    });
  }

  for (const [label, get, dir] of [
    ['the real drone set', () => drone, dirs.droneDir],
    ['generated data', () => gen, dirs.genDir],
  ] as const) {
    it(`give a busy vendor's view its facets, charts and first page, all years and each (${label})`, async () => {
      const s = get();
      const read = diskRead(dir, s);
      const vendors = tableFiles(s.m, 'vendors');
      // vendor_id follows activity: 1 has the most contract rows.
      const keys = (
        await s.ask(
          {
            sql: `SELECT vendor_key, tin FROM ${parquet(vendors)} ORDER BY vendor_id LIMIT 40`,
            params: [],
          },
          vendors,
        )
      ).map((x) => (x.tin ? String(x.tin) : String(x.vendor_key)));
      const years = s.m.fiscal_years;
      let busy = 0;
      let plain = 0;
      for (const vendor of keys) {
        const all = await headlineView(s.m, { ...NO_FILTERS, vendor }, read);
        if (!all!.overview) {
          // A vendor that is not busy: its numbers only; the engine computes the rest.
          expect(all!.rows).toBeNull();
          plain++;
          continue;
        }
        busy++;
        if (busy > 3) continue;
        for (const fy of [[], ...years.map((y) => [y]), [years[0]!, years.at(-1)!]]) {
          const c = { vendor, fy };
          const f: Filters = { ...NO_FILTERS, ...c };
          const h = (await headlineView(s.m, f, read))!;
          const r = await s.resolve(f);
          if (fy.length <= 1) {
            expect({ case: c, overview: h.overview }).toEqual({
              case: c,
              overview: await engineOverview(s, f),
            });
          } else expect(h.overview).toBeNull();
          const page = await enginePage(s, r);
          expect({ case: c, rows: h.rows!.map((x) => pick(x as unknown as Row)) }).toEqual({
            case: c,
            rows: page.map(pick),
          });
        }
      }
      expect(busy).toBeGreaterThan(2);
      expect(plain).toBeGreaterThan(0);
    });
  }

  it("name an agency unit's file by its agency_key, which a link to it gives (real, generated and changed units)", async () => {
    for (const s of [drone, gen, units]) {
      const files = tableFiles(s.m, 'agencies');
      const all = await s.ask(
        {
          sql: `SELECT agency_key, dept_name, dept_sub_name, province FROM ${parquet(files)}`,
          params: [],
        },
        files,
      );
      expect(all.length).toBeGreaterThan(20);
      for (const a of all) {
        const key = await agencyKeyOf(
          String(a.dept_name),
          (a.dept_sub_name as string | null) ?? null,
          (a.province as string | null) ?? null,
        );
        expect({ a, key }).toEqual({ a, key: a.agency_key });
      }
    }
  });

  it("give an agency unit's link its numbers (any years), first page, facets and charts (all years), and the unit's profile its own numbers, as the engine", async () => {
    const s = units;
    const read = diskRead(unitsDir, s);
    const files = tableFiles(s.m, 'agencies');
    const all = await s.ask(
      {
        sql: `SELECT agency_key, dept_name, dept_sub_name, province FROM ${parquet(files)}
          ORDER BY agency_id`,
        params: [],
      },
      files,
    );
    const years = s.m.fiscal_years;
    const kinds = new Set<string>();
    let differ = 0;
    let paged = 0;
    for (const [i, a] of all.entries()) {
      const key = String(a.agency_key);
      const [agency, sub, province] = [a.dept_name, a.dept_sub_name, a.province] as [
        string,
        string | null,
        string | null,
      ];
      const kind = `${sub === null ? 'no sub-unit' : 'sub-unit'}, ${province === null ? 'no province' : 'province'}`;
      // Every unit changed as other records have them, and the first ten of the rest.
      if (kind === 'sub-unit, province' && i >= 10) continue;
      kinds.add(kind);
      const profile = (await agencyProfile(s.ask, s.m, s.dims, { key }))!;
      const early = (await profileHeadline(s.m, { key }, read))!;
      expect({ key, years: early.years }).toEqual({ key, years: profile.years });
      expect(early.totals).toMatchObject(profile.totals);
      expect(early.agency).toEqual({
        ...profile.agency,
        agency_id: Number(profile.agency.agency_id),
      });
      const link = { agency, sub, province: province === null ? [] : [province] };
      const ids = (await s.ask(agencyIdsSql(files, agency, sub), files)).map((x) =>
        Number(x.agency_id),
      );
      for (const fy of [[], [years[0]!], [years.at(-1)!], years.slice(0, 2)]) {
        const c = { ...link, fy };
        const f: Filters = { ...NO_FILTERS, ...c };
        expect(headlineCovers(f)).toBe(true);
        const h = (await headlineAlike(s, f, read))!;
        const r = await sameTotals(s, unitsDir, c, h);
        expect({ case: c, ids: h.agencyIds }).toEqual({ case: c, ids });
        if (fy.length) {
          expect({ case: c, rows: h.rows, overview: h.overview }).toEqual({
            case: c,
            rows: null,
            overview: null,
          });
          continue;
        }
        // All years: the facets and charts too, where the link has a province.
        expect({ case: c, overview: h.overview }).toEqual({
          case: c,
          overview: province === null ? null : await engineOverview(s, f),
        });
        const page = await enginePage(s, r);
        expect({ case: c, rows: h.rows!.map((x) => pick(x as unknown as Row)) }).toEqual({
          case: c,
          rows: page.map(pick),
        });
        paged += page.length ? 1 : 0;
        if (h.totals.projects !== early.totals.projects) differ++;
      }
    }
    expect(kinds).toEqual(
      new Set(['sub-unit, province', 'no sub-unit, province', 'sub-unit, no province']),
    );
    // The two changed units: their links stand for more than their own projects.
    expect(differ).toBe(2);
    expect(paged).toBeGreaterThan(10);
    // A link the site does not make (a unit's sub-unit in a province it is not in) has no file:
    // the engine's.
    const [one] = all.filter((x) => x.dept_sub_name && x.province);
    const elsewhere = s.dims.province.find((x) => x.name !== one!.province)!.name;
    const f = { ...NO_FILTERS, agency: String(one!.dept_name), sub: String(one!.dept_sub_name) };
    expect(await headlineView(s.m, { ...f, province: [elsewhere] }, read)).toBeNull();
    // Nor is a unit's link answered from data of schema 24.
    expect(headlineCovers({ ...f, province: [String(one!.province)] }, 24)).toBe(false);
  });

  it('give the profiles their numbers and years (an agency name, a vendor by TIN and by key)', async () => {
    const s = drone;
    const read = diskRead(dirs.droneDir, s);
    const cases = await filterCases(dirs.droneDir);
    const name = cases.find((c) => c.agency && !c.sub)!.agency!;
    const p = (await agencyProfile(s.ask, s.m, s.dims, { name }))!;
    const h = (await profileHeadline(s.m, { agency: name }, read))!;
    expect(h.years).toEqual(p.years);
    expect(h.totals).toMatchObject(p.totals);
    for (const id of cases.filter((c) => c.vendor && !c.fy).map((c) => c.vendor!)) {
      const v = await vendorProfile(s.ask, s.m, s.dims, id, false);
      const hv = await profileHeadline(s.m, { vendor: id }, read);
      if (!v || !hv) {
        // A key the data lacks: neither has a profile.
        expect({ id, v, hv }).toEqual({ id, v: null, hv: null });
        continue;
      }
      // A vendor's profile shows its contracts and their value by year (no budget of its own).
      const won = (y: { fiscal_year: number; contracts: number; agreed: string }) => [
        y.fiscal_year,
        y.contracts,
        y.agreed,
      ];
      expect({ id, years: hv.years.map(won) }).toEqual({ id, years: v.years.map(won) });
      expect([hv.totals.contracts, hv.totals.agreed]).toEqual([
        v.totals.contracts,
        v.totals.agreed,
      ]);
      expect(hv.vendor).toEqual({
        vendor_id: v.vendor.vendor_id,
        vendor_key: v.vendor.vendor_key,
        tin: v.vendor.tin,
        tin_status: v.vendor.tin_status,
        name: v.vendor.name,
        linked_contracts: v.vendor.linked_contracts,
      });
    }
  });
});
