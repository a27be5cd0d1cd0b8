/**
 * The headline before the engine: with DuckDB-WASM unable to load, a link to a fiscal-year,
 * agency (a name or a unit) or vendor view still shows its headline numbers (and, but for a
 * vendor's or a unit's year, the first page of the table) from the headline files, equal to
 * native DuckDB on the same data; a year's or an agency name's view its facets and charts too,
 * equal to the engine's; the profiles of those, and of a project (its few rows read with
 * hyparquet), their numbers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLink } from '../../scripts/lib/browser';
import { headlineCovers, headlineHas } from '../../src/lib/headline/covers';
import { agencyFileKey, headlinePath, type TotalsFile } from '../../src/lib/headline/files';
import { NO_FILTERS, filtersToSearch, type Filters } from '../../src/lib/query/filters';
import {
  follow,
  launch,
  serve,
  SharedPage,
  shownIds,
  visit,
  type TestServer,
} from '../helpers/browser';
import { rows } from '../helpers/duckdb';
import {
  expectedFirstPage,
  expectedTotals,
  filterCases,
  manifestOf,
  namesNothing,
  table,
} from '../helpers/expected';
import { BUILD, DEMO_DATA } from './setup-paths';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await launch();
  server = await serve({ root: BUILD });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const url = (f: Partial<Filters>) =>
  `${server.origin}/explore${filtersToSearch({ ...NO_FILTERS, ...f })}`;

const explorer = '[data-testid="explorer"]';

/** The page with the engine that the tests share, following links from view to view. */
const shared = new SharedPage(() => browser);

/** The page once the headline files were asked for the view `clickLink` opened. */
async function afterCheck(page: Page, href: string) {
  await page.waitForURL(href);
  await page.waitForSelector(`${explorer}:not([data-early="pending"])`, { timeout: 30_000 });
  const v = (id: string) =>
    page.evaluate(
      (t) => document.querySelector(`[data-testid="result-${t}"]`)?.getAttribute('data-value'),
      id,
    );
  return {
    state: await page.getAttribute(explorer, 'data-state'),
    headline: await page.getAttribute(explorer, 'data-headline'),
    early: await page.getAttribute(explorer, 'data-early'),
    numbers: {
      projects: await v('projects'),
      budget: await v('budget'),
      contracts: await v('contracts'),
      agreed: await v('agreed'),
    },
    ids: await shownIds(page),
    pending: (await page.$('[data-testid="rows-pending"]')) !== null,
  };
}

/** The names of the demo data's first two project types. */
async function twoTypes(): Promise<string[]> {
  const got = await rows(
    `SELECT type_name FROM ${table(DEMO_DATA, 'project_types')} ORDER BY type_id LIMIT 2`,
  );
  expect(got).toHaveLength(2);
  return got.map((x) => String(x.type_name));
}

describe('headline numbers before the engine', () => {
  it('shows fiscal-year, agency and vendor views with no DuckDB-WASM, equal to native DuckDB', async () => {
    const m = manifestOf(DEMO_DATA);
    const cases = (await filterCases(DEMO_DATA)).filter((c) =>
      headlineCovers({ ...NO_FILTERS, ...c }, m.schema_version, headlineHas(m)),
    );
    const agency = cases.find((c) => c.agency && !c.fy)!.agency!;
    const unit = cases.find((c) => c.sub)!;
    cases.push({ fy: [2558, 2561, 2568] }, { agency, fy: [2559, 2560] }, { ...unit, fy: [2567] });
    // What the latest snapshot added (schema 34; the demo set was published in two steps, the
    // second adding FY2568's projects): a year it added to, and one it did not.
    // Within an agency name too (schema 36).
    expect(cases.filter((c) => c.seen).map((c) => Object.keys(c))).toEqual([
      ['seen'],
      ['seen', 'agency'],
    ]);
    cases.push({ seen: 'latest', fy: [2568] }, { seen: 'latest', fy: [2566] });
    cases.push({ seen: 'latest', agency, fy: [2568] });
    expect(cases.some((c) => c.vendor && c.fy)).toBe(true);
    // The busiest vendor (vendor_id 1) has its first page in the files too.
    const [busiest] = await rows(
      `SELECT vendor_key FROM ${table(DEMO_DATA, 'vendors')} WHERE vendor_id = 1`,
    );
    cases.push({ vendor: String(busiest!.vendor_key) });
    // Two project types (schema 33), all years and one.
    const types = await twoTypes();
    cases.push({ type: types }, { type: types, fy: [2567] });

    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.route(/\.wasm$/, (r) => r.abort()); // the engine cannot load
    // A view the files do not answer waits for the engine: its headline is not ready.
    const other = url({ method: ['specific', 'open'], min: 1_000_000 });
    await page.goto(other);
    expect(await afterCheck(page, other)).toMatchObject({ early: 'none', headline: 'loading' });

    let pagesOfVendors = 0;
    for (const c of cases) {
      await clickLink(page, url(c));
      const got = await afterCheck(page, url(c));
      if (namesNothing(c)) {
        // A name the data lacks has no file: the engine must say so; nothing is shown early.
        expect({ case: c, early: got.early, headline: got.headline }).toEqual({
          case: c,
          early: 'none',
          headline: 'loading',
        });
        continue;
      }
      expect({ case: c, state: got.state, headline: got.headline, ...got.numbers }).toEqual({
        case: c,
        state: 'loading',
        headline: 'ready',
        ...(await expectedTotals(DEMO_DATA, c)),
      });
      // A vendor that is not busy, an agency unit's year: the first page waits for the engine.
      if ((c.vendor || (c.sub && c.fy?.length)) && got.pending) continue;
      expect({ case: c, ids: got.ids }).toEqual({
        case: c,
        ids: await expectedFirstPage(DEMO_DATA, c),
      });
      if (c.vendor) pagesOfVendors++;
    }
    expect(pagesOfVendors).toBeGreaterThan(0);
    const paths = requested.map((u) => new URL(u));
    expect(paths.filter((u) => u.pathname.endsWith('.parquet'))).toEqual([]);
    expect(paths.filter((u) => u.origin !== server.origin)).toEqual([]);
    await page.close();
  });

  it('is final with the engine too: the same numbers and rows once every number is in', async () => {
    const agency = (await filterCases(DEMO_DATA)).find((x) => x.agency && !x.sub)!.agency!;
    const f = { agency, fy: [2566, 2567] };
    const page = await shared.get();
    await visit(page, url(f));
    const got = await afterCheck(page, url(f));
    expect(got.headline).toBe('ready');
    expect(got.numbers).toEqual(await expectedTotals(DEMO_DATA, f));
    expect(got.ids).toEqual(await expectedFirstPage(DEMO_DATA, f));
  });

  it('shows the facets and charts of a year, an agency name and unit, a frequent word (in names and in all fields), a busy vendor, one and two method groups, a method with a status, a province with a method and a busy agency name with a method with no DuckDB-WASM, as the engine computes them', async () => {
    const cases = await filterCases(DEMO_DATA);
    const agency = cases.find((x) => x.agency && !x.sub)!.agency!;
    const unit = cases.find((x) => x.sub)!;
    const status = cases.find((x) => x.status)!.status!;
    // The words whose hits the ingest found (TERM_HITS_WHOLE), most frequent first: the first,
    // the first whose files answer a search of all fields too (schema 46), and the first whose
    // search of all fields has files of its own (an agency's or a winner's name adds projects,
    // schema 47).
    const words = (
      (await rows(
        `SELECT term FROM ${table(DEMO_DATA, 'search_terms')} WHERE kind = 2
         ORDER BY projects DESC, term`,
      )) as { term: string }[]
    ).map((x) => x.term);
    const q = words[0]!;
    const headline = path.join(DEMO_DATA, manifestOf(DEMO_DATA).headline!.path);
    let all: string | undefined;
    let wide: string | undefined;
    for (const term of words) {
      const file = path.join(headline, headlinePath.word(await agencyFileKey(term)));
      if ((JSON.parse(readFileSync(file, 'utf8')) as TotalsFile).hits!.all) all ??= term;
      else wide ??= term;
    }
    expect({ all: !!all, wide: !!wide }).toEqual({ all: true, wide: true });
    const [{ vendor_key: vendor }] = (await rows(
      `SELECT vendor_key FROM ${table(DEMO_DATA, 'vendors')} WHERE vendor_id = 1`,
    )) as [{ vendor_key: string }];
    const [{ dept_name: busiest }] = (await rows(
      `SELECT a.dept_name FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id) GROUP BY 1
       ORDER BY count(*) DESC, 1 LIMIT 1`,
    )) as [{ dept_name: string }];
    /** Each facet's options and each chart's data table, as the page shows them. */
    const read = (page: Page) =>
      page.evaluate(() =>
        Object.fromEntries(
          [
            ...document.querySelectorAll(
              '[data-testid^="filter-"] label, [data-testid^="chart-"][data-testid$="-table"]',
            ),
          ].map((e, i) => [
            `${e.closest('[data-testid]')!.getAttribute('data-testid')}#${i}`,
            e.textContent,
          ]),
        ),
      );
    // The engine's answers on one page, followed from view to view as a person clicks links
    // (one engine for all views). Sorted otherwise, a view is not in the files: the engine
    // computes all of it.
    const full = await shared.get();
    await follow(full, url({ sort: 'fy' }));
    const final = async (f: Partial<Filters>) => {
      const state = await full.getAttribute(explorer, 'data-state');
      return {
        f,
        state,
        early: await full.getAttribute(explorer, 'data-early'),
        ...(await read(full)),
      };
    };
    // The files' answers on one page with the engine blocked, followed from view to view too.
    const blocked = await browser.newPage();
    const requested: string[] = [];
    blocked.on('request', (r) => requested.push(r.url()));
    await blocked.route(/\.wasm$/, (r) => r.abort());
    await blocked.goto(url({ sort: 'fy' }));
    for (const f of [
      {},
      { fy: [2566] },
      { agency },
      { agency, fy: [2567] },
      { q },
      { q, fy: [2567] },
      // A search of all fields that finds what the names do (schema 46).
      { q: all!, qin: 'all' as const },
      // One whose search of all fields finds more, from that search's own files (schema 47).
      { q: wide!, qin: 'all' as const },
      { vendor },
      { vendor, fy: [2567] },
      // One method group: its own facet counts every method, as the engine leaves its filter out.
      { method: ['specific'] },
      { method: ['specific'], fy: [2566] },
      // Two facets over all years (schema 23): each counts the other's options alone.
      { method: ['specific'], status },
      // Two method groups in a year (schema 24): their facet counts every method, as one's does.
      { method: ['open', 'specific'], fy: [2567] },
      // An agency unit's link, all years (schema 25): its province counted over its name and
      // sub-unit, its districts within it.
      { agency, sub: unit.sub!, province: unit.province! },
      // A province with a method over all years (schema 40): its districts counted too.
      { province: unit.province!, method: ['specific'] },
      // The busiest agency name with a method over all years (schema 44): the method counted
      // over the name alone.
      { agency: busiest, method: ['specific'] },
      // Two project types (schema 33): their facet counts every type, as one's does.
      { type: await twoTypes() },
      // What the snapshot added (schema 34), and within an agency name (36).
      { seen: 'latest' as const },
      { seen: 'latest' as const, agency },
    ]) {
      await clickLink(blocked, url(f));
      await blocked.waitForURL(url(f));
      await blocked.waitForSelector(`${explorer}[data-early="shown"]`, { timeout: 30_000 });
      const early = await read(blocked);
      expect(await blocked.textContent('[role="status"]')).toContain('ตัวเลข กราฟ');
      expect(Object.keys(early).some((k) => k.startsWith('chart-vendors'))).toBe(true);
      // The same view that the files do not answer, so the engine computes all of it: another
      // threshold of a flag not chosen changes no number (another order no longer does: the
      // files' numbers hold for any order and page).
      const href = url({ ...f, sort: 'fy', th: { f1_min: 400_000 } });
      await clickLink(full, href);
      await full.waitForURL(href);
      await expect
        .poll(() => final(f), { timeout: 60_000 })
        .toEqual({ f, state: 'ready', early: 'none', ...early });
    }
    expect(requested.filter((u) => u.endsWith('.parquet'))).toEqual([]);
    await blocked.close();
  });

  it('shows the profile numbers and years of an agency name, an agency unit and a vendor, and a project’s numbers, with no DuckDB-WASM, as the full profile does', async () => {
    const cases = await filterCases(DEMO_DATA);
    const agency = cases.find((c) => c.agency && !c.sub)!.agency!;
    const tin = cases.find((c) => c.vendor && /^\d{13}$/.test(c.vendor))!.vendor!;
    // An agency unit, by its key (schema 25).
    const unit = cases.find((c) => c.sub)!;
    const [{ agency_key: key }] = (await rows(
      `SELECT agency_key FROM ${table(DEMO_DATA, 'agencies')}
       WHERE dept_name = ? AND dept_sub_name = ? AND province = ?`,
      [unit.agency!, unit.sub!, unit.province![0]!],
    )) as [{ agency_key: string }];
    // A project of several contracts (schema 26: read with hyparquet, not from a file of its own).
    const [project] = (await rows(
      `SELECT project_id, fiscal_year::INTEGER AS fy FROM ${table(DEMO_DATA, 'contracts')}
       GROUP BY ALL HAVING count(*) > 1 ORDER BY project_id LIMIT 1`,
    )) as [{ project_id: string; fy: number }];
    const [money] = await rows(
      `SELECT p.budget::VARCHAR AS budget, sum(c.price_agree)::VARCHAR AS agreed
       FROM ${table(DEMO_DATA, 'projects')} p JOIN ${table(DEMO_DATA, 'contracts')} c USING (project_seq)
       WHERE p.project_id = ? GROUP BY ALL`,
      [project.project_id],
    );
    const profiles = [
      { path: `/agency?${new URLSearchParams({ name: agency })}`, f: { agency } },
      { path: `/agency?${new URLSearchParams({ key })}`, f: { agency: key } },
      { path: `/vendor?${new URLSearchParams({ id: tin })}`, f: { vendor: tin } },
      {
        path: `/project?${new URLSearchParams({ id: project.project_id, fy: String(project.fy) })}`,
        want: { projects: '1', budget: money!.budget, agreed: money!.agreed },
      },
    ];
    /** The headline numbers and the years table as the profile shows them. */
    const read = (page: Page) =>
      page.evaluate(() => ({
        numbers: Object.fromEntries(
          [...document.querySelectorAll('[data-testid^="result-"]')].map((e) => [
            e.getAttribute('data-testid')!.slice('result-'.length),
            e.getAttribute('data-value'),
          ]),
        ),
        years: [...document.querySelectorAll('[data-testid="profile-years"] tbody tr')].map(
          (tr) => tr.textContent,
        ),
      }));
    // Two pages, one with the engine blocked, each following links from profile to profile.
    const blocked = await browser.newPage();
    let engines = 0; // the engine's fetches the blocked page refused
    await blocked.route(/\.wasm$/, (r) => (engines++, r.abort()));
    const full = await shared.get();
    const profile = '[data-testid="profile"]';
    for (const p of profiles) {
      const href = `${server.origin}${p.path}`;
      for (const page of [blocked, full]) await follow(page, href);
      const before = engines;
      await blocked.waitForSelector(`${profile}[data-headline="ready"]`, { timeout: 30_000 });
      if (p.want) {
        // A project's whole page without the engine (its flags are the ingest's): not asked for.
        await blocked.waitForSelector(`${profile}[data-state="ready"]`, { timeout: 30_000 });
        expect(engines).toBe(before);
      } else expect(await blocked.getAttribute(profile, 'data-state')).toBe('loading');
      const early = await read(blocked);
      await full.waitForSelector(`${profile}[data-state="ready"]`, { timeout: 60_000 });
      expect(early).toEqual(await read(full));
      if (p.want) {
        expect(early.numbers).toEqual(p.want);
        continue;
      }
      const want = await expectedTotals(DEMO_DATA, p.f);
      expect(early.numbers.projects).toBe(want.projects);
      expect(early.numbers.agreed).toBe(want.agreed);
      expect(early.years.length).toBeGreaterThan(1);
    }
    await blocked.close();
  });
});
