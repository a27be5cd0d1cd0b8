/**
 * The SQL the site sends, run on native DuckDB over ingested Parquet (the real drone set and a
 * generated national-shaped set) and compared with independent queries (Mosaic's habit: test
 * generated SQL by running it, not by string compare).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  absentFor,
  aggregateBatch,
  aggregateWith,
  busyVendor,
  CHART_REQUESTS,
  FACET_REQUESTS,
  sourceFiles,
  TOTALS_REQUEST,
  type Ask,
  type BatchRequest,
  type Row,
} from '../../src/lib/query/aggregate';
import {
  filtersToSearch,
  NO_FILTERS,
  DEFAULT_SORT,
  parseFilters,
  SORTS,
  type Filters,
} from '../../src/lib/query/filters';
import { aggregateSql } from '../../src/lib/query/aggregate-sql';
import {
  agencySuggestSql,
  byIdsSql,
  bySeqSql,
  vendorLookupSql,
  vendorNamesSql,
} from '../../src/lib/query/lookups';
import {
  COPY_SORTS,
  rowsSql,
  topAnswers,
  provinceTopPage,
  topPage,
  yearAnswers,
  vendorTopPage,
  yearPage,
} from '../../src/lib/query/page-sql';
import {
  activeDims,
  ALL_ROWS,
  candidates,
  CONTRACT_MEASURES,
  plan,
  PROJECT_MEASURES,
  rowSource,
  type Resolved,
  type Source,
} from '../../src/lib/query/plan';
import { coverageGaps } from '../../src/lib/query/filters/coverage';
import {
  BY_AGENCY_FACETS,
  BY_FACETS as FACET_TABLES,
  BY_PLACE_FACETS,
  FACETS,
} from '../../src/lib/query/filters/facets';
import { facetItems } from '../../src/lib/query/filters/resolve';
import { parquet, sqlAmount, sqlNumber } from '../../src/lib/query/sql';
import { filesHolding, tableFiles, type ManifestFile } from '../../src/lib/schema/tables';
import { rows } from '../helpers/duckdb';
import { expectedTotals, filterCases, table } from '../helpers/expected';
import { SHARED_GEN } from '../helpers/fixtures';
import {
  fixtureDirs,
  ingestFixtures,
  siteTotals,
  topAndProjects,
  type Site,
} from '../helpers/site';

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
const { droneDir, genDir } = dirs;
let drone: Site;
let gen: Site;

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
}, 120_000);

const f = (p: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...p });

/** A batch's rows as text (a number on one source may be a BIGINT's text on another). */
const text = (all: Row[][]) =>
  all.map((rows) => rows.map((x) => Object.values(x).map((v) => (v === null ? v : String(v)))));

/** How many different answers the sources give to a request (1: they agree). */
async function answers(s: Site, r: Resolved, q: BatchRequest, sources: Source[]): Promise<number> {
  const except = q.opts?.except;
  const got = new Set<string>();
  for (const source of sources) {
    const files = sourceFiles(s.m, source, r, except);
    const rows = files.length
      ? await s.ask(
          aggregateSql({ source, files, r, groups: q.groups, measures: q.measures, except }),
          [],
        )
      : [];
    got.add(
      JSON.stringify(
        rows
          // The vendor pre-aggregates leave out contracts without a winner.
          .filter((x) => !q.groups.includes('vendor_id') || x.vendor_id !== null)
          // (A month is a number on a pre-aggregate, a BIGINT's text on the facts.)
          .map((x) => JSON.stringify(Object.values(x).map((v) => (v === null ? v : String(v)))))
          .sort(),
      ),
    );
  }
  return got.size;
}

/**
 * For each case, every facet and chart request some of whose candidate sources are `tables`:
 * every candidate answers it alike. How many were compared.
 */
async function sameFromEverySource(
  s: Site,
  cases: Partial<Filters>[],
  tables: (source: Source) => boolean,
): Promise<number> {
  let compared = 0;
  for (const c of cases) {
    const r = await s.resolve(f(c));
    for (const q of [...FACET_REQUESTS, ...CHART_REQUESTS]) {
      const sources = candidates(r, q.groups, q.measures, q.opts?.except, absentFor(s.m, r));
      if (!sources.some(tables)) continue;
      expect({ c, q: q.groups, sources, n: await answers(s, r, q, sources) }).toEqual({
        c,
        q: q.groups,
        sources,
        n: 1,
      });
      compared++;
    }
  }
  return compared;
}
/** Both sets with their folders (after beforeAll). */
const bothSets = () =>
  [
    [drone, droneDir],
    [gen, genDir],
  ] as const;

describe('explorer SQL on native DuckDB', () => {
  for (const [label, get, dir] of [
    ['the real drone set', () => drone, droneDir],
    ['generated data', () => gen, genDir],
  ] as const) {
    it(`counts and sums like independent joins, for every filter (${label})`, async () => {
      const s = get();
      const all = await filterCases(dir);
      let nonEmpty = 0;
      for (const c of all) {
        const r = await s.resolve(f(c));
        const got = await siteTotals(s, r);
        expect({ c, ...got }).toEqual({ c, ...(await expectedTotals(dir, c)) });
        if (got.projects !== '0') nonEmpty++;
      }
      // The cases are real questions: all but the deliberately empty ones (and date ranges
      // on data without contract dates, the busiest agency's new projects) find projects.
      expect(nonEmpty).toBeGreaterThanOrEqual(all.length - 9);
    });

    it(`gets the same numbers from every source that can answer (${label})`, async () => {
      const s = get();
      const cases = await filterCases(dir);
      /** Cases × measure sets where two sources or more read files and were compared. */
      let compared = 0;
      for (const c of cases) {
        const r = await s.resolve(f(c));
        for (const ms of [PROJECT_MEASURES, CONTRACT_MEASURES]) {
          const answers = new Set<string>();
          const sources = candidates(r, [], ms, undefined, absentFor(s.m, r));
          let answered = 0;
          for (const source of sources) {
            const files = sourceFiles(s.m, source, r);
            if (files.length) answered++;
            const got = files.length
              ? (await s.ask(aggregateSql({ source, files, r, groups: [], measures: ms }), []))[0]
              : undefined;
            answers.add(JSON.stringify(ms.map((x) => String(Number(got?.[x] ?? 0)))));
          }
          if (answered >= 2) compared++;
          expect({ c, ms, sources, answers: [...answers] }).toMatchObject({
            answers: [expect.any(String)],
          });
        }
      }
      // The point is the comparison: most cases have two sources or more to compare.
      expect(compared).toBeGreaterThanOrEqual(cases.length);
    });
  }

  it('counts each facet under every other filter, its own left out', async () => {
    const c = (await filterCases(genDir))[10]!; // year + agency + method
    const r = await gen.resolve(f(c));
    const methods = await aggregateWith(gen.ask, gen.m, r, ['method_id'], ['projects'], {
      except: 'method',
    });
    for (const row of methods) {
      const m = gen.dims.method.find((x) => x.id === Number(row.method_id));
      const expected = await expectedTotals(genDir, {
        ...c,
        method: m ? [m.name] : ['unknown'],
      });
      if (m) expect(String(Number(row.projects))).toBe(expected.projects);
    }
    const specific = (await filterCases(genDir))[5]!;
    const years = await aggregateWith(
      gen.ask,
      gen.m,
      await gen.resolve(f(specific)),
      ['fiscal_year'],
      ['projects'],
      {
        except: 'fy',
      },
    );
    expect(years.length).toBeGreaterThan(1);
    for (const row of years) {
      const expected = await expectedTotals(genDir, { ...specific, fy: [Number(row.fiscal_year)] });
      expect(String(Number(row.projects))).toBe(expected.projects);
    }
  });

  it('asks the totals, facets and charts in fewer queries, each answer as when asked alone', async () => {
    const reqs = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];
    let merged = 0;
    for (const [s, dir] of bothSets()) {
      for (const c of await filterCases(dir)) {
        const r = await s.resolve(f(c));
        const sql: string[] = [];
        const counting: Ask = (q, files) => (sql.push(q.sql), s.ask(q, files));
        const batch = await aggregateBatch(counting, s.m, r, reqs);
        const alone = await Promise.all(
          reqs.map((q) => aggregateWith(s.ask, s.m, r, q.groups, q.measures, q.opts)),
        );
        const money = (rows: Row[]) =>
          rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Number(v)])));
        expect({ c, batch: batch.map(money) }).toEqual({ c, batch: alone.map(money) });
        if (sql.some((q) => q.includes('GROUPING SETS'))) merged++;
      }
    }
    // Under a year and an agency, among others: the totals, the province and district facets and
    // the top agencies share a query of agg_agency_year; the method, type and status facets and the
    // year × method chart one scan of the projects; the month chart and the top vendors one of the
    // contracts: 4 queries for 11 aggregates.
    expect(merged).toBeGreaterThan(5);
    const ya = (await filterCases(genDir)).find((x) => x.agency && x.fy?.length)!;
    const r = await gen.resolve(f({ fy: ya.fy, agency: ya.agency, sub: ya.sub ?? null }));
    const sql: string[] = [];
    await aggregateBatch((q, files) => (sql.push(q.sql), gen.ask(q, files)), gen.m, r, reqs);
    expect([reqs.length, sql.length]).toEqual([11, 4]);
    // A vendor, all years: its contract rows answer every aggregate. The totals, the facets, the
    // year × method chart and the top agencies (project measures, by a project's own values)
    // are one scan, grouped by project first; the month chart and the top vendors another.
    const v = (await filterCases(genDir)).find((x) => x.vendor && !x.fy?.length)!;
    const rv = await gen.resolve(f({ vendor: v.vendor }));
    const vsql: string[] = [];
    await aggregateBatch((q, files) => (vsql.push(q.sql), gen.ask(q, files)), gen.m, rv, reqs);
    expect(vsql.every((q) => q.includes('contracts_by_vendor'))).toBe(true);
    expect([reqs.length, vsql.length]).toEqual([11, 2]);
    // A search: the totals' contract measures come from its contracts, as the month chart and
    // the top vendors do: one scan of them (the totals' project measures: one of the projects).
    for (const [s, q] of [
      [drone, 'โดรน'],
      [gen, 'ถนน'],
    ] as const) {
      const rs = await s.resolve(f({ q }));
      const read: string[][] = [];
      const batch = await aggregateBatch(
        (x, files) => (read.push(files.map((y) => y.table)), s.ask(x, files)),
        s.m,
        rs,
        reqs,
      );
      const alone = await aggregateWith(s.ask, s.m, rs, [], TOTALS_REQUEST.measures);
      expect(batch[0]).toEqual(alone);
      expect(Number(batch[0]![0]!.contracts)).toBeGreaterThan(0);
      expect({ q, contracts: read.filter((t) => t.includes('contracts')).length }).toEqual({
        q,
        contracts: 1,
      });
    }
  });

  it('pages rows in the chosen order, without gaps or repeats', async () => {
    const r: Resolved = await gen.resolve(f({}));
    expect(rowSource(r)).toBe('projects');
    const files = tableFiles(gen.m, 'projects');
    const page = async (sort: Filters['sort'], n: number) =>
      gen.ask(rowsSql(rowSource(r), files, r, sort, 50, (n - 1) * 50), []);
    const [p1, p2] = [await page('-budget', 1), await page('-budget', 2)];
    const budgets = [...p1, ...p2].map((x) => (x.budget === null ? -1 : Number(x.budget)));
    expect(budgets).toEqual([...budgets].sort((a, b) => b - a));
    expect(new Set([...p1, ...p2].map((x) => x.project_id)).size).toBe(100);
    const asc = await page('fy', 1);
    expect(asc[0]!.fiscal_year).toBe(Math.min(...gen.m.fiscal_years));
    const names = await gen.ask(
      bySeqSql(
        tableFiles(gen.m, 'project_names'),
        p1.map((x) => ({ project_seq: Number(x.project_seq) })),
      ),
      [],
    );
    // Matched by project_seq alone: the same 50 projects.
    expect(names.map((x) => Number(x.project_seq)).sort((a, b) => a - b)).toEqual(
      p1.map((x) => Number(x.project_seq)).sort((a, b) => a - b),
    );
    // With a contract filter, each project appears once with its matching contracts' value.
    const v = await gen.resolve(f((await filterCases(genDir))[12]!));
    expect(rowSource(v)).toBe('contracts_by_vendor');
    const byVendor = await gen.ask(
      rowsSql(
        'contracts_by_vendor',
        sourceFiles(gen.m, 'contracts_by_vendor', v),
        v,
        '-budget',
        500,
        0,
      ),
      [],
    );
    expect(new Set(byVendor.map((x) => x.project_id)).size).toBe(byVendor.length);
    expect(byVendor.every((x) => x.contract_value !== null)).toBe(true);
    // Their names, from the vendor copy, are `project_names`' names of the same projects.
    const rowsOnScreen = byVendor.slice(0, 50).map((x) => ({ project_seq: Number(x.project_seq) }));
    const bySeq = (xs: Record<string, unknown>[]) =>
      Object.fromEntries(xs.map((x) => [Number(x.project_seq), x.project_name]));
    const fromCopy = bySeq(
      await gen.ask(
        vendorNamesSql(sourceFiles(gen.m, 'contracts_by_vendor', v), v.vendor!, rowsOnScreen),
        [],
      ),
    );
    expect(Object.keys(fromCopy)).toHaveLength(rowsOnScreen.length);
    expect(fromCopy).toEqual(
      bySeq(await gen.ask(bySeqSql(tableFiles(gen.m, 'project_names'), rowsOnScreen), [])),
    );
  });

  it("answers a province's or a method's facets and charts from the province pre-aggregates as from the facts", async () => {
    let compared = 0;
    let national = 0;
    for (const [s, dir] of bothSets()) {
      const all = await filterCases(dir);
      const cases = all.filter((c) => c.province?.length);
      // Without a province, a method's top agencies, vendors and months: the province
      // pre-aggregates read whole, where no other pre-aggregate answers.
      const methods = [
        ...all.filter((c) => c.method?.length && !c.province?.length),
        { method: ['open', 'specific'] },
      ];
      for (const c of [
        ...cases,
        ...cases.map((x) => ({ ...x, method: ['specific'] })),
        ...methods,
      ]) {
        const r = await s.resolve(f(c));
        for (const q of [...FACET_REQUESTS, ...CHART_REQUESTS]) {
          const except = q.opts?.except;
          const sources = candidates(r, q.groups, q.measures, except, absentFor(s.m, r));
          if (!sources.some((x) => /_place$|_province$/.test(x))) continue;
          if (!c.province) national++;
          expect({ c, q: q.groups, sources, n: await answers(s, r, q, sources) }).toEqual({
            c,
            q: q.groups,
            sources,
            n: 1,
          });
          compared++;
        }
      }
    }
    // The totals, year, method and district facets, the year × method chart, the months, the
    // top agencies and vendors, for each province case; the top agencies, vendors and months of
    // each method case.
    expect(compared).toBeGreaterThan(20);
    expect(national).toBeGreaterThan(6);
    // Data of schema 16 or older has no province tables: the planner takes the next source.
    const reqs = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];
    for (const [s, dir] of bothSets()) {
      const c = (await filterCases(dir)).find((x) => x.province?.length && !x.agency)!;
      const r = await s.resolve(f({ ...c, method: ['specific'] }));
      const province = ['agg_place', 'agg_vendor_place', 'agg_vendor_province', 'agg_month_place'];
      const older = { ...s.m, files: s.m.files.filter((x) => !province.includes(x.table)) };
      expect(older.files.length).toBe(s.m.files.length - 4);
      expect(text(await aggregateBatch(s.ask, older, r, reqs))).toEqual(
        text(await aggregateBatch(s.ask, s.m, r, reqs)),
      );
    }
  });

  it('answers two facets without a province (a method and a status …) from the facet pre-aggregates as from the facts', async () => {
    let compared = 0;
    const reqs = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];
    const [, month, agency, vendor] = CHART_REQUESTS;
    for (const [s, dir] of bothSets()) {
      const all = await filterCases(dir);
      const { status } = all.find((c) => c.status)!;
      const { type } = all.find((c) => c.type)!;
      const { agency: name, fy } = all.find((c) => c.agency && c.fy)!;
      const pairs: Partial<Filters>[] = [
        { method: ['specific'], status },
        { method: ['open', 'specific'], type },
        { type, status },
        { method: ['specific', 'unknown'], type, status },
        { method: ['open', 'specific'] },
      ];
      compared += await sameFromEverySource(
        s,
        [
          ...pairs,
          // Not over all years (the months only), or narrowed by an agency: the facts, and
          // the agency's rows of the agency-ordered ones.
          { method: ['specific'], status, fy },
          { method: ['specific'], status, agency: name },
        ],
        (x) => (FACET_TABLES as readonly string[]).includes(x),
      );
      // Which source answers: the facet pre-aggregates for the pairs' top agencies, vendors and
      // months (two method groups included, which read the province ones whole before); the
      // facts under a year (but the months); the agency's rows under an agency (schema 43); the
      // province ones under a province.
      const source = async (c: Partial<Filters>, q: BatchRequest) =>
        plan(await s.resolve(f(c)), q.groups, q.measures);
      for (const c of pairs) {
        expect([
          c,
          await source(c, agency!),
          await source(c, vendor!),
          await source(c, month!),
        ]).toEqual([c, 'agg_agency_facets', 'agg_vendor_facets', 'agg_month_facets']);
      }
      const dated = { method: ['specific'], status, fy };
      expect([await source(dated, agency!), await source(dated, month!)]).toEqual([
        'projects',
        'agg_month_facets',
      ]);
      expect(await source({ method: ['specific'], status, agency: name }, agency!)).toBe(
        'agg_agency_cube',
      );
      const province = all.find((c) => c.province?.length && !c.agency)!.province!;
      expect(await source({ province, method: ['specific'] }, agency!)).toBe('agg_place');
      // Data of schema 21 or older has none: the planner takes the next source.
      const r = await s.resolve(f(pairs[0]!));
      const older = {
        ...s.m,
        files: s.m.files.filter((x) => !(FACET_TABLES as readonly string[]).includes(x.table)),
      };
      expect(older.files.length).toBe(s.m.files.length - 3);
      expect(text(await aggregateBatch(s.ask, older, r, reqs))).toEqual(
        text(await aggregateBatch(s.ask, s.m, r, reqs)),
      );
    }
    // The top agencies, vendors and months of each pair (the facets' counts come from agg_cube).
    expect(compared).toBeGreaterThan(25);
  });

  it("answers a busy vendor's years, methods and agencies from the vendor-ordered pre-aggregates (schema 29, 30) as from its rows", async () => {
    const byVendor = (x: Source) => x === 'agg_vendor_method' || x === 'agg_vendor_agency';
    // The generated set's busy vendors (the fixture's vendorTop: more than 100 contracts).
    const busy = await gen.ask(
      {
        sql: `SELECT v.vendor_key FROM ${parquet(tableFiles(gen.m, 'vendors'))} v
          WHERE v.vendor_id IN (SELECT vendor_id FROM ${parquet(tableFiles(gen.m, 'vendor_top'))})
          ORDER BY v.vendor_id`,
        params: [],
      },
      [],
    );
    expect(busy.length).toBeGreaterThan(1);
    const { agency } = (await filterCases(genDir)).find((c) => c.agency)!;
    const fy = [gen.m.fiscal_years.at(-1)!];
    const cases = busy.flatMap(({ vendor_key }) => {
      const vendor = String(vendor_key);
      return [{ vendor }, { vendor, fy }, { vendor, agency }, { vendor, fy, method: ['specific'] }];
    });
    const compared = await sameFromEverySource(gen, cases, byVendor);
    // The totals, the year and method facets, the year × method chart and the top agencies.
    expect(compared).toBeGreaterThan(4 * busy.length);
    const r = await gen.resolve(f({ vendor: String(busy[0]!.vendor_key) }));
    expect(plan(r, ['method_id'], ['projects'], undefined, absentFor(gen.m, r))).toBe(
      'agg_vendor_method',
    );
    // Not for two vendors (a project both won would count twice in a sum over both), nor for a
    // vendor that is not busy (the tables do not hold it: its rows of the copy answer).
    const two = { ...r, vendor: [...r.vendor!, r.vendor![0]! + 1] };
    expect(
      candidates(two, [], ['projects'], undefined, absentFor(gen.m, two)).filter(byVendor),
    ).toEqual([]);
    const ordinary = { ...r, vendor: [r.vendor![0]! + busy.length] };
    expect(busyVendor(gen.m, ordinary)).toBe(false);
    const other = candidates(ordinary, [], ['projects'], undefined, absentFor(gen.m, ordinary));
    expect([other[0], other.filter(byVendor)]).toEqual(['contracts_by_vendor', []]);
  });

  it('answers agencies over all years from their one row each (agg_agency, schema 27) as from every other source', async () => {
    let compared = 0;
    const agencyChart = CHART_REQUESTS[2]!;
    // A vendor profile's question: its agencies' whole contract value (profile.ts).
    const shares: BatchRequest = { groups: ['agency_id'], measures: ['agreed'] };
    for (const [s, dir] of bothSets()) {
      const all = await filterCases(dir);
      const { agency: name, sub, province } = all.find((c) => c.sub)!;
      const fy = [s.m.fiscal_years.at(-1)!];
      compared += await sameFromEverySource(
        s,
        [{}, { agency: name }, { agency: name, fy }],
        (x) => x === 'agg_agency',
      );
      const source = async (c: Partial<Filters>, q: BatchRequest) =>
        plan(await s.resolve(f(c)), q.groups, q.measures);
      expect([
        await source({}, agencyChart),
        await source({ agency: name }, TOTALS_REQUEST),
        await source({ agency: name }, agencyChart),
        // A year, or the projects' province (a unit's link: its rows by year), is not in it.
        await source({ agency: name, fy }, TOTALS_REQUEST),
        await source({ agency: name, sub, province }, TOTALS_REQUEST),
      ]).toEqual([
        'agg_agency',
        'agg_agency',
        'agg_agency',
        'agg_agency_year',
        'agg_agency_year_by_agency',
      ]);
      // Its rows are the sums of agg_agency_year's and of the facts', agency by agency.
      const agencies = {
        sql: `SELECT agency_id FROM ${parquet(tableFiles(s.m, 'agencies'))}`,
        params: [],
      };
      const ids = (await s.ask(agencies, [])).map((x) => Number(x.agency_id));
      const r: Resolved = { ...(await s.resolve(f({}))), agency: ids };
      const by = (source: Source) =>
        s.ask(aggregateSql({ source, files: sourceFiles(s.m, source, r), r, ...shares }), []);
      const sorted = (rows: Row[]) =>
        text([rows])[0]!
          .map((x) => JSON.stringify(x))
          .sort();
      const one = sorted(await by('agg_agency'));
      expect(one.length).toBe(ids.length);
      expect(one).toEqual(sorted(await by('agg_agency_year')));
      expect(one).toEqual(sorted(await by('contracts')));
      // Data of schema 26 or older has none: the planner takes the next source.
      const older = { ...s.m, files: s.m.files.filter((x) => x.table !== 'agg_agency') };
      expect(older.files.length).toBe(s.m.files.length - 1);
      expect(text([await aggregateWith(s.ask, older, r, shares.groups, shares.measures)])).toEqual(
        text([await aggregateWith(s.ask, s.m, r, shares.groups, shares.measures)]),
      );
    }
    // The top agencies, of all and of the agency, in each set (the totals: the test above).
    expect(compared).toBe(4);
  });

  it('answers a province with a type or a status from the province pre-aggregates by type and status as from the facts', async () => {
    let compared = 0;
    const reqs = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];
    const [, month, agency, vendor] = CHART_REQUESTS;
    const placeFacets = (x: Source) => (BY_PLACE_FACETS as readonly string[]).includes(x);
    for (const [s, dir] of bothSets()) {
      const all = await filterCases(dir);
      const { status } = all.find((c) => c.status)!;
      const { type } = all.find((c) => c.type)!;
      const { agency: name } = all.find((c) => c.agency)!;
      const province = all.find((c) => c.province?.length && !c.agency)!.province!;
      const fy = [s.m.fiscal_years.at(-1)!];
      const views: Partial<Filters>[] = [
        { province, type },
        { province, status },
        { province, type, status, fy },
        { province: [...province, s.dims.province.at(-1)!.name], type },
      ];
      compared += await sameFromEverySource(
        s,
        [...views, { province, type, agency: name }, { type, status }],
        placeFacets,
      );
      // Which source answers: these under a province with a type or a status (the winners over
      // all years, or the year's); the province ones under a province alone or with a method; the
      // facet ones for a type and a status without a province.
      const source = async (c: Partial<Filters>, q: BatchRequest) =>
        plan(await s.resolve(f(c)), q.groups, q.measures, q.opts?.except);
      for (const c of views) {
        expect([
          c,
          await source(c, agency!),
          await source(c, vendor!),
          await source(c, month!),
        ]).toEqual([
          c,
          'agg_place_facets',
          c.fy ? 'agg_vendor_place_facets' : 'agg_vendor_province_facets',
          'agg_month_place_facets',
        ]);
      }
      expect(await source({ province }, agency!)).toBe('agg_place');
      expect(await source({ province, method: ['specific'] }, vendor!)).toBe('agg_vendor_province');
      expect(await source({ type, status }, agency!)).toBe('agg_agency_facets');
      expect(await source({ province, method: ['specific'], type }, agency!)).toBe('projects');
      // Its facets from the cube, which the view reads whole anyway; under an agency (whose own
      // province is in its link) from the agency's facts, not its province's rows.
      const typeFacet = FACET_REQUESTS.find((q) => q.key === 'type')!;
      expect(await source({ province, type }, typeFacet)).toBe('agg_cube');
      expect(await source({ province, agency: name, fy }, typeFacet)).toBe('projects');
      expect(await source({ province, type, agency: name }, agency!)).toBe('agg_agency_cube');
      // Data of schema 23 or older has none: the planner takes the next source.
      const r = await s.resolve(f(views[0]!));
      const older = { ...s.m, files: s.m.files.filter((x) => !placeFacets(x.table as Source)) };
      expect(older.files.length).toBe(s.m.files.length - 4);
      expect(text(await aggregateBatch(s.ask, older, r, reqs))).toEqual(
        text(await aggregateBatch(s.ask, s.m, r, reqs)),
      );
    }
    expect(compared).toBeGreaterThan(25);
  });

  it('answers an agency with a method, type or status over all years from its rows of the agency-ordered pre-aggregates (schema 43) as from the facts', async () => {
    let compared = 0;
    const reqs = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];
    const [yearMethod, month, agencies, vendors] = CHART_REQUESTS;
    const byAgency = (x: Source) => (BY_AGENCY_FACETS as readonly string[]).includes(x);
    const facet = (key: string) => FACET_REQUESTS.find((q) => q.key === key)!;
    for (const [s, dir] of bothSets()) {
      const all = await filterCases(dir);
      const { status } = all.find((c) => c.status)!;
      const { type } = all.find((c) => c.type)!;
      const { agency: name, sub, province } = all.find((c) => c.sub)!;
      const unit = { agency: name, sub, province };
      const fy = [s.m.fiscal_years.at(-1)!];
      const views: Partial<Filters>[] = [
        { agency: name, method: ['specific'] },
        { agency: name, type },
        { agency: name, status },
        { agency: name, method: ['open', 'specific'], type },
        { ...unit, method: ['specific'] },
        { ...unit, status },
      ];
      compared += await sameFromEverySource(s, [...views, { agency: name }, unit], byAgency);
      const source = async (c: Partial<Filters>, q: BatchRequest) =>
        plan(await s.resolve(f(c)), q.groups, q.measures, q.opts?.except);
      // Every number of such a view: its totals, facets and charts, from the agency's rows (its
      // top agencies by method alone from its method mix, which is smaller).
      for (const c of views) {
        const methodMix = Object.keys(c).every((k) => k === 'agency' || k === 'method');
        const got = await Promise.all(
          [
            TOTALS_REQUEST,
            facet('fy'),
            facet('type'),
            yearMethod!,
            agencies!,
            month!,
            vendors!,
          ].map((q) => source(c, q)),
        );
        expect([c, got]).toEqual([
          c,
          [
            ...Array(4).fill('agg_agency_cube'),
            methodMix ? 'agg_agency_method' : 'agg_agency_cube',
            'agg_agency_month',
            'agg_agency_winners',
          ],
        ]);
      }
      // An agency alone: its one row, its years and methods as before; its types, statuses,
      // months and winners here (they read its facts). Under a year: that year's facts.
      expect(
        await Promise.all(
          [TOTALS_REQUEST, facet('fy'), facet('method'), facet('type'), month!, vendors!].map((q) =>
            source({ agency: name }, q),
          ),
        ),
      ).toEqual([
        'agg_agency',
        'agg_agency_year_by_agency',
        'agg_agency_method',
        'agg_agency_cube',
        'agg_agency_month',
        'agg_agency_winners',
      ]);
      expect(await source({ agency: name, type, fy }, agencies!)).toBe('projects');
      // A view reads the files that hold its agencies only (in the generated set, cut small).
      const r = await s.resolve(f(views[0]!));
      for (const table of BY_AGENCY_FACETS) {
        const held = sourceFiles(s.m, table, r);
        expect(held.length).toBeGreaterThan(0);
        if (s === gen) expect(held.length).toBeLessThan(tableFiles(s.m, table).length);
      }
      // Data of schema 42 or older has none: the planner takes the next source.
      for (const c of views) {
        const older = { ...s.m, files: s.m.files.filter((x) => !byAgency(x.table as Source)) };
        const rv = await s.resolve(f(c));
        expect(text(await aggregateBatch(s.ask, older, rv, reqs))).toEqual(
          text(await aggregateBatch(s.ask, s.m, rv, reqs)),
        );
      }
    }
    expect(compared).toBeGreaterThan(60);
  });

  // One test per set: each pages many views in every order (together they neared the unit
  // tests' 60 s limit on a loaded machine).
  for (const [label, get, dir] of [
    ['the real drone set', () => drone, droneDir],
    ['generated data', () => gen, genDir],
  ] as const) {
    it(`pages every order from the ordered copy as from the projects, names included (${label})`, async () => {
      const s = get();
      let used = 0;
      let byProvince = 0;
      // The sets are smaller than TOP_ROWS: each order's copy holds every project and answers
      // every page.
      const copies = tableFiles(s.m, 'projects_top');
      expect(copies.map((f) => f.rows)).toEqual(COPY_SORTS.map(() => s.m.counts.projects));
      for (const c of [{}, ...(await filterCases(dir))]) {
        const r = await s.resolve(f(c));
        if (!topAnswers(r)) continue;
        used++;
        for (const sort of COPY_SORTS) {
          // The first page of every order; in the default order (whose copy every filtered view
          // scans the same way) also the second, a deep one and one past the end.
          const deep = sort === DEFAULT_SORT || activeDims(r).length === 0;
          for (const offset of deep ? [0, 50, 1000, s.m.counts.projects] : [0]) {
            const { top, projects } = await topAndProjects(s, r, sort, offset);
            expect({ sort, c, offset, top }).toEqual({ sort, c, offset, top: projects });
            // One province's first projects (the sets' provinces have fewer than it holds).
            const of = { m: s.m, r, sort, limit: 50, offset };
            const province = await provinceTopPage(s.ask, of);
            if (province) {
              expect({ c, offset, province }).toEqual({ c, offset, province: projects });
              byProvince++;
            }
            // Scanned in spans of a few ranks (at 6M, 8,192, then wider): the same first pages.
            if (offset > 50 || activeDims(r).length === 0) continue;
            const spans = await topPage(s.ask, { m: s.m, r, sort, limit: 50, offset }, [7, 30]);
            expect({ sort, c, offset, spans }).toEqual({ sort, c, offset, spans: projects });
          }
        }
      }
      expect(used).toBeGreaterThan(15);
      expect(byProvince).toBeGreaterThan(0);
    });

    it(`pages the year orders from the facts as the sorted projects, reading only the years the page is in (${label})`, async () => {
      const s = get();
      let used = 0;
      let vendors = 0;
      const n = s.m.counts.projects;
      // The busy vendors (the generated fixture's vendorTop: more than 100 contracts; the drone
      // set has none), whose pages by year are scanned in spans of their rows of the copy.
      const busy = (
        await s.ask(
          {
            sql: `SELECT vendor_key FROM ${parquet(tableFiles(s.m, 'vendors'))}
              WHERE vendor_id IN (SELECT vendor_id FROM ${parquet(tableFiles(s.m, 'vendor_top'))})`,
            params: [],
          },
          [],
        )
      ).map((x) => ({ vendor: String(x.vendor_key) }));
      for (const c of [{}, ...(await filterCases(dir)), ...busy]) {
        const r = await s.resolve(f(c));
        if (!yearAnswers(s.m, r, 'fy')) continue;
        used++;
        // A vendor's view: its rows of the vendor copy (ordered by vendor, then seq).
        const source = rowSource(r);
        const copy = source === 'contracts_by_vendor';
        if (copy) vendors++;
        const files = sourceFiles(s.m, source, r);
        // Only years filter: every project of a year is a match, its seqs from the manifest. The
        // first page, the second, a deep one, one that straddles two years, one past the end;
        // under other filters the seqs are scanned: the first page, one a few pages in (across
        // years when matches are sparse), one past the end.
        const narrowed = activeDims(r).some((d) => d !== 'fy');
        const offsets = narrowed ? [0, 120, n] : [0, 50, 1000, Math.floor(n / 2) - 25, n];
        for (const sort of ['fy', '-fy'] as const) {
          expect(yearAnswers(s.m, r, sort)).toBe(true);
          for (const offset of offsets) {
            const read: string[] = [];
            let last = '';
            const ask: Ask = (q, fs) => {
              // The years' counts may come from the projects under filters no pre-aggregate has.
              if (!/GROUP BY/.test(q.sql))
                read.push(...fs.filter((x) => x.table === 'projects').map((x) => x.path));
              last = q.sql;
              return s.ask(q, fs);
            };
            const page = await yearPage(ask, { m: s.m, r, sort, limit: 50, offset });
            const sorted = files.length
              ? await s.ask(rowsSql(source, files, r, sort, 50, offset), files)
              : [];
            expect({ sort, c, offset, page }).toEqual({ sort, c, offset, page: sorted });
            // With the years' counts given (the headline files'), none is asked: the same page.
            const counts = (await aggregateWith(s.ask, s.m, r, ['fiscal_year'], ['projects'])).map(
              (x) => ({ year: Number(x.fiscal_year), n: Number(x.projects) }),
            );
            const grouped: string[] = [];
            const given = await yearPage(
              (q, fs) => (/GROUP BY fiscal_year/.test(q.sql) && grouped.push(q.sql), s.ask(q, fs)),
              { m: s.m, r, sort, limit: 50, offset, years: counts },
            );
            expect({ sort, c, offset, given, grouped }).toEqual({
              sort,
              c,
              offset,
              given: sorted,
              grouped: [],
            });
            // Scanned in spans of a few seqs (at 6M, a row group, then three): the same page.
            if (narrowed && offset < n) {
              const of = { m: s.m, r, sort, limit: 50, offset };
              let scans = 0;
              const counted: Ask = (q, fs) => {
                if (q.sql.includes('list_sort(list(')) scans++;
                return s.ask(q, fs);
              };
              const spans = await yearPage(counted, of, [7, 30]);
              expect({ sort, c, offset, spans }).toEqual({ sort, c, offset, spans: sorted });
              // Under an agency filter, a year in one scan (its facts are ordered by agency).
              if (r.agency?.length && !copy) {
                const years = new Set(spans.map((x) => Number(x.fiscal_year))).size;
                expect({ sort, c, offset, scans }).toEqual({ sort, c, offset, scans: years });
              }
            }
            if (copy) continue;
            // Past the counts, the projects files read are those of the page's years (none past
            // the end).
            const years = new Set(page.map((x) => Number(x.fiscal_year)));
            const paths = tableFiles(s.m, 'projects', [...years]).map((x) => x.path);
            expect([...new Set(read)].sort()).toEqual(years.size ? paths.sort() : []);
            // Each year's rows asked by their own seqs: one range over several years would read
            // every row group between them.
            if (years.size) expect(last.split('UNION ALL').length).toBe(years.size);
          }
        }
      }
      expect(used).toBeGreaterThan(15);
      // (A vendor case of the filters may be busy too.)
      expect(vendors).toBeGreaterThanOrEqual(busy.length);
      expect(busy.length).toBe(label === 'generated data' ? 6 : 0);
    });
  }

  it("pages a busy vendor's money orders from its first projects (vendor_top, schema 30) as from the copy sorted", async () => {
    // The generated set's busy vendors (the fixture's vendorTop: more than 100 projects, 120 each).
    const held = await gen.ask(
      {
        sql: `SELECT vendor_id, count(*)::INTEGER AS n FROM ${parquet(tableFiles(gen.m, 'vendor_top'))} GROUP BY 1 ORDER BY 1`,
        params: [],
      },
      [],
    );
    expect(held.length).toBeGreaterThan(1);
    // In several files (schema 45, as at scale): a page reads the one that holds its vendor.
    const top = tableFiles(gen.m, 'vendor_top');
    expect(top.length).toBeGreaterThan(1);
    const asked: ManifestFile[][] = [];
    const ask: Ask = (q, fs) => (asked.push([...fs]), gen.ask(q, fs));
    const names = new Map(
      (
        await gen.ask(
          {
            sql: `SELECT project_seq, project_name FROM ${parquet(tableFiles(gen.m, 'project_names'))}`,
            params: [],
          },
          [],
        )
      ).map((x) => [Number(x.project_seq), x.project_name]),
    );
    let pages = 0;
    for (const { vendor_id } of held) {
      const r: Resolved = { ...ALL_ROWS, vendor: [Number(vendor_id)] };
      const files = sourceFiles(gen.m, 'contracts_by_vendor', r);
      for (const sort of COPY_SORTS) {
        for (const offset of [0, 50]) {
          const of = { m: gen.m, r, sort, limit: 50, offset };
          asked.length = 0;
          const page = await vendorTopPage(ask, of);
          expect(asked).toEqual([filesHolding(top, [Number(vendor_id)])]);
          expect(asked[0]).toHaveLength(1);
          const sorted = await gen.ask(
            rowsSql('contracts_by_vendor', files, r, sort, 50, offset),
            files,
          );
          expect(page!.map((x) => ({ ...x, project_name: undefined }))).toEqual(
            sorted.map((x) => ({ ...x, project_name: undefined })),
          );
          expect(page!.map((x) => x.project_name)).toEqual(
            page!.map((x) => names.get(Number(x.project_seq))),
          );
          pages++;
        }
        // Past its 120 rows, another filter, or its own rows only (strict): the copy's to sort.
        expect(
          await vendorTopPage(gen.ask, { m: gen.m, r, sort, limit: 50, offset: 100 }),
        ).toBeNull();
        const fy = { ...r, fy: [gen.m.fiscal_years.at(-1)!] };
        expect(
          await vendorTopPage(gen.ask, { m: gen.m, r: fy, sort, limit: 50, offset: 0 }),
        ).toBeNull();
        const strict = { ...r, match: [0] };
        expect(
          await vendorTopPage(gen.ask, { m: gen.m, r: strict, sort, limit: 50, offset: 0 }),
        ).toBeNull();
      }
      // Not for the year orders (yearPage's).
      expect(
        await vendorTopPage(gen.ask, { m: gen.m, r, sort: 'fy', limit: 50, offset: 0 }),
      ).toBeNull();
    }
    expect(pages).toBeGreaterThan(15);
    // A vendor it does not hold (ids are in order of activity): the copy's.
    const other = Math.max(...held.map((x) => Number(x.vendor_id))) + 1;
    const r: Resolved = { ...ALL_ROWS, vendor: [other] };
    expect(
      await vendorTopPage(gen.ask, { m: gen.m, r, sort: '-budget', limit: 50, offset: 0 }),
    ).toBeNull();
  });

  it('reads no ordered copy of schema 17 or 18, nor one for the year orders', async () => {
    // Data of schema 17 and 18: one copy of the default order, without `sort` (so without a key
    // range), and no filter columns apart. No order takes it: the table reads the projects.
    const older = {
      ...gen.m,
      files: gen.m.files
        .filter((x) => x.table !== 'projects_top_filters')
        .map((x) =>
          x.table === 'projects_top' ? { ...x, key_min: undefined, key_max: undefined } : x,
        ),
    };
    const all = await gen.resolve(f({}));
    for (const sort of SORTS)
      expect(await topPage(gen.ask, { m: older, r: all, sort, limit: 50, offset: 0 })).toBeNull();
    expect(
      await topPage(gen.ask, { m: gen.m, r: all, sort: DEFAULT_SORT, limit: 50, offset: 0 }),
    ).toHaveLength(50);
    // The year orders never read a copy (schema 19 data had them, tied by project id).
    for (const sort of SORTS.filter((x) => !COPY_SORTS.includes(x))) {
      expect(await topPage(gen.ask, { m: gen.m, r: all, sort, limit: 50, offset: 0 })).toBeNull();
    }
  });

  it('looks up names far apart in one query, each group reading its own range, as one by one', async () => {
    const files = tableFiles(gen.m, 'vendors');
    const ids = (
      await gen.ask(
        { sql: `SELECT vendor_id FROM ${parquet(files)} ORDER BY vendor_id`, params: [] },
        [],
      )
    ).map((x) => Number(x.vendor_id));
    // Three groups: the first ids, a few in the middle, the last.
    const groups = [ids.slice(0, 3), ids.slice(ids.length / 2, ids.length / 2 + 2), ids.slice(-1)];
    const one = await gen.ask(byIdsSql(files, 'vendor_id', groups.flat()), []);
    const each = (
      await Promise.all(groups.flat().map((id) => gen.ask(byIdsSql(files, 'vendor_id', [id]), [])))
    ).flat();
    const byId = (xs: Row[]) => [...xs].sort((a, b) => Number(a.vendor_id) - Number(b.vendor_id));
    expect(byId(one).map((x) => Number(x.vendor_id))).toEqual(groups.flat());
    expect(byId(one)).toEqual(byId(each));
    // Ids a row group apart (1,024 vendors a group) are asked with a range each.
    const spread = byIdsSql(files, 'vendor_id', [9_500, 3, 4_000, 5, 9_000]);
    expect(spread.sql.match(/vendor_id BETWEEN \d+ AND \d+/g)).toEqual([
      'vendor_id BETWEEN 3 AND 5',
      'vendor_id BETWEEN 4000 AND 4000',
      'vendor_id BETWEEN 9000 AND 9500',
    ]);
    expect(spread.params).toEqual([3, 5, 4_000, 9_000, 9_500]);
    expect(byIdsSql(files, 'vendor_id', groups[1]!).sql).not.toMatch(/UNION/);
  });

  it('suggests agency names with LIKE wildcards in the text taken literally', async () => {
    const files = tableFiles(drone.m, 'agencies');
    const found = await drone.ask(agencySuggestSql(files, 'อุทยาน', 30), []);
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) expect(`${r.dept_name} ${r.dept_sub_name}`).toContain('อุทยาน');
    expect(await drone.ask(agencySuggestSql(files, '%_%', 30), [])).toEqual([]);
  });

  it('refuses file paths that could break out of a SQL literal', () => {
    const agencies = tableFiles(drone.m, 'agencies');
    expect(() => parquet([{ ...agencies[0]!, path: "x.parquet'); --" }])).toThrow(/unsafe/);
  });

  it('writes only numbers, amounts and validated tax ids into SQL text; everything else is bound', () => {
    expect(sqlNumber(42)).toBe('42');
    for (const bad of [NaN, Infinity, '1; DROP' as unknown as number]) {
      expect(() => sqlNumber(bad)).toThrow(/not a number/);
    }
    // An amount bound (agency-page.ts) as the engine writes a DECIMAL(18,2); nothing else.
    expect(sqlAmount('1234567.50')).toBe('1234567.50::DECIMAL(18,2)');
    expect(sqlAmount('-0.01')).toBe('-0.01::DECIMAL(18,2)');
    for (const bad of ['1e9', '1.234', '', '1 OR 1=1', "1'; --", '12345678901234567']) {
      expect(() => sqlAmount(bad)).toThrow(/not an amount/);
    }
    // The TIN is pruned as a number in vendor_keys; the key itself stays bound.
    const keys = tableFiles(drone.m, 'vendor_keys');
    const byName = vendorLookupSql(keys, "name:x' OR 1=1 --");
    expect(byName.sql).not.toContain('OR 1=1');
    expect(byName.params).toEqual(["name:x' OR 1=1 --"]);
    const byTin = vendorLookupSql(keys, 'tin:0105545000012');
    expect(byTin.sql).toContain('tin_number BETWEEN 105545000012 AND 105545000012');
    expect(byTin.params).toEqual(['tin:0105545000012']);
    expect(vendorLookupSql(keys, "name:x' OR 1=1 --").sql).toContain('BETWEEN 0 AND 0');
  });
});

describe('URL filters', () => {
  it('parses every parameter and reports what it ignores', () => {
    const { filters, invalid } = parseFilters(
      new URLSearchParams(
        'fy=2566&fy=2560-2562&fy=x&fy=2566&agency=%20กรมทางหลวง%20&sub=แขวง&province=ตาก&province=น่าน' +
          '&method=specific&type=จ้างก่อสร้าง&status=x&district=เมืองตาก&vendor=0105545000012&min=1,000&max=5e5' +
          '&amount=contract&from=2024-02-30&to=2024-09-30&sort=fy&page=3&snap=abc123',
      ),
    );
    expect(filters).toEqual({
      ...NO_FILTERS,
      fy: [2560, 2561, 2562, 2566],
      agency: 'กรมทางหลวง',
      sub: 'แขวง',
      province: ['ตาก', 'น่าน'],
      method: ['specific'],
      type: ['จ้างก่อสร้าง'],
      status: ['x'],
      district: ['เมืองตาก'],
      vendor: '0105545000012',
      min: 1000,
      amount: 'contract',
      to: '2024-09-30',
      sort: 'fy',
      page: 3,
      snap: 'abc123',
    });
    expect(invalid).toEqual(['fy=x', 'max=5e5', 'from=2024-02-30']);
    expect(parseFilters(new URLSearchParams('fy=2568-2560')).invalid).toEqual(['fy=2568-2560']);
    expect(
      parseFilters(new URLSearchParams(`agency=${'ก'.repeat(301)}`)).filters.agency,
    ).toBeNull();
    const bad = parseFilters(
      new URLSearchParams("vendor=x'; DROP&page=0&sort=budget;--&min=9&max=1&sub=a&amount=y"),
    );
    expect(bad.filters).toEqual(NO_FILTERS);
    // In URL order (filters/defs.ts).
    expect(bad.invalid).toEqual([
      'sub without agency',
      "vendor=x'; DROP",
      'amount=y',
      'min > max',
      'sort=budget;--',
      'page=0',
    ]);
  });

  it('round-trips through the query string', () => {
    const x: Filters = {
      ...NO_FILTERS,
      fy: [2565, 2567],
      agency: 'เทศบาลตำบล & "หนองบัว"',
      sub: 'กองช่าง',
      province: ['ขอนแก่น'],
      district: ['บ้านไผ่', 'เมืองขอนแก่น'],
      method: ['open', 'ตลาดอิเล็กทรอนิกส์ (e-market)'],
      vendor: 'name:หจก. ทดสอบ',
      max: 499_999.5,
      amount: 'contract',
      from: '2023-10-01',
      sort: '-agreed',
      page: 2,
      snap: 'deadbeef0001',
    };
    expect(parseFilters(new URLSearchParams(filtersToSearch(x))).filters).toEqual({
      ...x,
      method: [...x.method].sort(),
    });
    expect(filtersToSearch(NO_FILTERS)).toBe('');
  });
});

describe('fields a source lacks (manifest coverage)', () => {
  it('counts, per year, the rows that have each field, as native DuckDB does', async () => {
    for (const [s, dir] of bothSets()) {
      const want = await rows(`SELECT fiscal_year::VARCHAR AS y, count(*)::INTEGER AS contracts,
          count(contract_date)::INTEGER AS contract_date, count(price_agree)::INTEGER AS price_agree
        FROM ${table(dir, 'contracts')} GROUP BY 1`);
      for (const w of want) {
        const c = s.m.coverage[String(w.y)]!;
        expect(c.contracts).toBe(w.contracts);
        expect(c.fields.contract_date).toBe(w.contract_date);
        expect(c.fields.price_agree).toBe(w.price_agree);
      }
    }
  });

  it('names the years a set filter cannot match: the drone files have no signing dates', () => {
    const dates = f({ from: '2024-01-01', to: '2024-03-31' });
    expect(coverageGaps(dates, drone.m)).toEqual([
      { filter: 'date', field: 'contract_date', none: drone.m.fiscal_years, some: [] },
    ]);
    expect(coverageGaps(f({ ...dates, fy: [2566] }), drone.m)[0]!.none).toEqual([2566]);
    // Generated contracts all have a date; a filter that is not set has no gap.
    expect(coverageGaps(dates, gen.m)).toEqual([]);
    expect(coverageGaps(NO_FILTERS, drone.m)).toEqual([]);
  });
});

describe('facet options', () => {
  it('lists a method group, then its raw labels only when it has two or more (#21)', async () => {
    // The real drone set: its method groups and labels, counted by native DuckDB.
    const def = FACETS.find((x) => x.key === 'method')!;
    const counts = await rows(
      `SELECT method_id, count(*)::INTEGER AS projects FROM ${table(droneDir, 'projects')} GROUP BY 1`,
    );
    const items = facetItems(def, counts, drone.dims.method);
    const groups = items.filter((x) => x.group).map((x) => x.value);
    expect(groups[0]).toBe('open');
    // Every raw label shown sits right after its own group's line or a sibling's.
    const bucketOf = new Map(drone.dims.method.map((x) => [x.name, x.bucket ?? 'unknown']));
    let group = '';
    for (const x of items) {
      if (x.group) group = x.value;
      else expect(bucketOf.get(x.value), x.value).toBe(group);
    }
    // A group with one label does not list it again (เฉพาะเจาะจง under "specific").
    for (const g of groups) {
      const seen = drone.dims.method.filter(
        (x) => (x.bucket ?? 'unknown') === g && counts.some((c) => Number(c.method_id) === x.id),
      );
      const listed = items.filter((x) => !x.group && bucketOf.get(x.value) === g);
      expect(listed.length, g).toBe(seen.length > 1 ? seen.length : 0);
    }
  });
});
