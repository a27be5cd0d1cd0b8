import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Truth } from '../../scripts/generate';
import { BUSY_VENDORS } from '../../scripts/ingest/stages/headline-vendors';
import {
  download,
  follow,
  launch,
  serve,
  SharedPage,
  shownIds,
  visit,
  type TestServer,
} from '../helpers/browser';
import { lit, rows } from '../helpers/duckdb';
import { DRONE_CSV } from '../helpers/paths';
import { en } from '../../src/lib/i18n/en';
import { th } from '../../src/lib/i18n/th';
import { NO_FILTERS, filtersToSearch, type Filters } from '../../src/lib/query/filters';
import { tableFiles } from '../../src/lib/schema/tables';
import {
  expectedTotals,
  filterCases,
  manifestOf,
  namedDetails,
  sharedAgencyName,
  table,
  type Expected,
} from '../helpers/expected';
import {
  BASE_PATH,
  BUILD,
  BUILD_BASE,
  DEMO_DATA,
  DEMO_SRC,
  DRONE_DATA,
  MARKUP_DATA,
  MARKUP_NAME,
} from './setup-paths';

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

/** A page that records every URL the browser asks for. */
async function newPage(): Promise<{ page: Page; requested: string[] }> {
  const page = await browser.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  return { page, requested };
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', { timeout: 60_000 });
}

/** The four headline numbers as the page carries them (exact values in data-value). */
async function values(page: Page): Promise<Expected> {
  const v = (id: string) => page.getAttribute(`[data-testid="result-${id}"]`, 'data-value');
  return {
    projects: (await v('projects'))!,
    budget: (await v('budget'))!,
    contracts: (await v('contracts'))!,
    agreed: (await v('agreed'))!,
  };
}

/** A view computes a dozen queries: give a changed view time to settle. */
const POLL = { timeout: 30_000 };

const url = (f: Partial<Filters>) =>
  `${server.origin}/explore${filtersToSearch({ ...NO_FILTERS, ...f })}`;

async function open(url: string): Promise<{ page: Page; requested: string[] }> {
  const p = await newPage();
  await p.page.goto(url);
  await ready(p.page);
  return p;
}

/**
 * `body` run while the page records its queries (as bench:explore --queries does); `asked()`
 * gives the queries since its last call.
 */
async function recordingQueries(
  page: Page,
  body: (asked: () => Promise<string[]>) => Promise<void>,
): Promise<void> {
  await page.evaluate(() => ((globalThis as { __queryTimes?: unknown[] }).__queryTimes = []));
  try {
    await body(() =>
      page.evaluate(() =>
        ((globalThis as { __queryTimes?: { sql: string }[] }).__queryTimes ?? [])
          .splice(0)
          .map((q) => q.sql),
      ),
    );
  } finally {
    await page.evaluate(() => delete (globalThis as { __queryTimes?: unknown }).__queryTimes);
  }
}

/** The page the tests of one view share (a test that needs a page load of its own opens one). */
const shared = new SharedPage(() => browser);

/** A view in the shared page, reached by a link from the view it is on. */
async function view(url: string): Promise<{ page: Page }> {
  const page = await shared.get();
  await visit(page, url);
  return { page };
}

describe('landing page', () => {
  it('has its numbers in the prerendered HTML, before any script, wasm or Parquet loads', async () => {
    const html = await (await fetch(`${server.origin}/`)).text();
    const totals = /data-testid="totals" data-projects="(\d+)" data-budget="([\d.]+)"/.exec(html);
    const truth = JSON.parse(readFileSync(path.join(DEMO_SRC, 'truth.json'), 'utf8')) as Truth;
    const projects = Object.values(truth.by_year).reduce((n, y) => n + y.projects, 0);
    expect(totals?.[1]).toBe(String(projects));
    expect(totals?.[2]).toBe((await expectedTotals(DEMO_DATA, {})).budget);
    expect(html).toContain('data-testid="synthetic-banner"');

    // The budget by year is drawn in that HTML too (#24): read with scripts off, one bar per
    // year of the table, each the year's budget, on a value axis.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const still = await noScript.newPage();
    await still.goto(`${server.origin}/`);
    const bars = await still
      .locator('[data-testid="chart-by-year"] .mark')
      .evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-value'))));
    const budgets = await still
      .locator('[data-testid="by-year"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-budget'))));
    expect(bars.length).toBeGreaterThan(5);
    expect(bars).toEqual(budgets);
    expect(await still.locator('[data-testid="chart-by-year"] .axis text').count()).toBeGreaterThan(
      1,
    );
    // The latest year's largest agencies and winners, drawn in the same HTML, as native DuckDB
    // ranks them: each bar's label and amount.
    const bar = (id: string) =>
      still
        .locator(`[data-testid="${id}"] ol li`)
        .evaluateAll((lis) =>
          lis.map((li) => [li.querySelector('.label')!.textContent!.trim(), li.dataset.value]),
        );
    const fy = `(SELECT max(fiscal_year) FROM ${table(DEMO_DATA, 'projects')})`;
    const agencies = await rows(
      `SELECT a.dept_name, sum(p.budget)::VARCHAR AS v FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id) WHERE p.fiscal_year = ${fy}
       GROUP BY 1 ORDER BY sum(p.budget) DESC, 1 LIMIT 10`,
    );
    const vendors = await rows(
      `SELECT v.name, v.vendor_key, sum(c.price_agree)::VARCHAR AS v FROM ${table(DEMO_DATA, 'contracts')} c
       JOIN ${table(DEMO_DATA, 'vendors')} v USING (vendor_id) WHERE c.fiscal_year = ${fy}
       GROUP BY 1, 2 ORDER BY sum(c.price_agree) DESC, 2 LIMIT 10`,
    );
    expect(agencies).toHaveLength(10);
    expect(await bar('chart-latest-agencies')).toEqual(
      agencies.map((a) => [a.dept_name, String(Number(a.v))]),
    );
    expect(await bar('chart-latest-vendors')).toEqual(
      vendors.map((v) => [v.name ?? v.vendor_key, String(Number(v.v))]),
    );
    await noScript.close();

    const { page, requested } = await newPage();
    await page.goto(`${server.origin}/`, { waitUntil: 'networkidle' });
    expect(requested.filter((u) => /\.(wasm|parquet)$/.test(new URL(u).pathname))).toEqual([]);
    await page.close();
  });
});

describe('explorer on generated data', () => {
  it('matches native DuckDB for every filter and combinations of them', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const cases: Partial<Filters>[] = [
      ...(await filterCases(DEMO_DATA)),
      { fy: [2558, 2565, 2568] },
      { agency: shared.name },
      { fy: [shared.fy], agency: shared.name, method: ['specific'], min: 10_000 },
    ];
    // One page, navigated in the app (as a person clicking links does): one engine for all cases.
    const { page } = await view(url({}));
    for (const c of cases) {
      const expected = await expectedTotals(DEMO_DATA, c);
      await follow(page, url(c));
      await expect
        .poll(async () => ({ case: c, ...(await values(page)) }), POLL)
        .toEqual({ case: c, ...expected });
      await ready(page);
    }
  });

  it('lists the largest projects first, with names and agencies as text', async () => {
    const { page } = await view(`${server.origin}/explore?fy=2566`);
    const rowsShown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-project-id'), text: tr.textContent ?? '' })),
    );
    const m = manifestOf(DEMO_DATA);
    const file = path.join(
      DEMO_DATA,
      m.files.find((f) => f.table === 'projects' && f.fiscal_year === 2566)!.path,
    );
    const top = await rows(
      `SELECT project_id FROM read_parquet(${lit(file)}) ORDER BY budget DESC NULLS LAST, project_id LIMIT 50`,
    );
    expect(rowsShown.map((r) => r.id)).toEqual(top.map((r) => r.project_id));
    expect(rowsShown[0]!.text).toMatch(/โดยวิธี/);
  });

  it('reads Parquet with range requests only and asks no other origin; warms the engine up asking nothing', async () => {
    server.log.length = 0;
    const { page, requested } = await open(`${server.origin}/explore?fy=2567&fy=2568`);
    const m = manifestOf(DEMO_DATA);
    const byPath = new Map(m.files.map((f) => [`/data/${f.path}`, f]));
    const parquet = server.log.filter((e) => e.path.endsWith('.parquet'));
    expect(parquet.length).toBeGreaterThan(0);
    for (const e of parquet) {
      expect(e.range, `${e.method} ${e.path}`).not.toBeNull();
      expect(e.status).toBe(206);
      expect(byPath.has(e.path)).toBe(true);
    }
    // Byte budgets at national scale are the benchmark's job; here: a two-year view moves far
    // less than the published Parquet.
    const moved = parquet.reduce((n, e) => n + e.bytes, 0);
    const published = m.files
      .filter((f) => f.path.endsWith('.parquet'))
      .reduce((n, f) => n + f.bytes, 0);
    expect(moved).toBeLessThan(published / 2);
    // No other year's fact file was touched (the first page came from the headline files and the
    // numbers from the pre-aggregates, so no year's file may be needed at all).
    const touched = m.files.filter(
      (f) => f.fiscal_year !== null && parquet.some((e) => e.path === `/data/${f.path}`),
    );
    expect(touched.filter((f) => f.fiscal_year !== 2567 && f.fiscal_year !== 2568)).toEqual([]);
    expect(requested.filter((u) => new URL(u).origin !== server.origin)).toEqual([]);
    // Then the engine warms up while the page is idle (src/lib/db/warmup.ts): to the end, from
    // its own memory, asking nothing of the host.
    const asked = requested.length;
    await page.waitForSelector('html[data-engine]', { state: 'attached', timeout: 60_000 });
    expect(await page.getAttribute('html', 'data-engine')).toBe('warm');
    expect(requested.slice(asked)).toEqual([]);
    await page.close();
  });

  it('writes filters to the URL; reload, back and forward restore the view', async () => {
    const { page } = await open(`${server.origin}/explore`);
    const all = await values(page);
    await page.check('[data-testid="filter-fy"] input[value="2563"]');
    await page.waitForURL(/\?fy=2563$/);
    await ready(page);
    await expect
      .poll(() => values(page), POLL)
      .toEqual(await expectedTotals(DEMO_DATA, { fy: [2563] }));
    await page.reload();
    await ready(page);
    expect(await page.isChecked('[data-testid="filter-fy"] input[value="2563"]')).toBe(true);
    await page.goBack();
    await page.waitForURL(/\/explore$/);
    await expect.poll(() => values(page), POLL).toEqual(all);
    await page.goForward();
    await expect
      .poll(() => values(page), POLL)
      .toEqual(await expectedTotals(DEMO_DATA, { fy: [2563] }));
    await page.close();
  });

  it('filters by an agency typed into the form', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const { page } = await view(`${server.origin}/explore?fy=${shared.fy}`);
    await page.fill('#agency', shared.name);
    await page.press('#agency', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('agency') === shared.name);
    await expect
      .poll(() => values(page), POLL)
      .toEqual(await expectedTotals(DEMO_DATA, { fy: [shared.fy], agency: shared.name }));
  });

  it('explains invalid URL values and ignores them', async () => {
    const { page } = await view(`${server.origin}/explore?fy=abc&fy=2567&fy=9999`);
    const msg = await page.textContent('[data-testid="invalid-params"]');
    expect(msg).toContain('fy=abc');
    expect(msg).toContain('fy=9999');
    expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2567] }));
  });

  it('names values the dataset has no row for: unknown agency, vendor, method, year (#21)', async () => {
    const q = new URLSearchParams([
      ['fy', '2566'],
      ['fy', '2599'],
      ['agency', "' OR 1=1 --"],
      ['method', 'zzz'],
      ['method', 'specific'],
      ['vendor', 'name:ไม่มีผู้ขายนี้'],
    ]);
    const { page } = await view(`${server.origin}/explore?${q}`);
    const msg = (await page.textContent('[data-testid="unknown-values"]'))!;
    for (const v of ['fy=2599', "agency=' OR 1=1 --", 'method=zzz', 'vendor=name:ไม่มีผู้ขายนี้']) {
      expect(msg).toContain(v);
    }
    expect(msg).not.toContain('specific'); // a method group the data has
    expect((await values(page)).projects).toBe('0');
    // A known agency that is simply absent from a year is not "unknown".
    const shared = await sharedAgencyName(DEMO_DATA);
    const known = await view(`${server.origin}/explore?agency=${encodeURIComponent(shared.name)}`);
    expect(await known.page.locator('[data-testid="unknown-values"]').count()).toBe(0);
  });

  it('serves English under /en with the same numbers; a Thai page never fetches the English labels', async () => {
    // The built chunk that holds the English labels (i18n/index.ts loads it only when needed).
    const chunks = path.join(BUILD, '_app/immutable/chunks');
    const english = readdirSync(chunks).filter((f) =>
      readFileSync(path.join(chunks, f), 'utf8').includes(en.app.tagline),
    );
    expect(english).toHaveLength(1);
    const fetchedEnglish = (requested: string[]) =>
      requested.some((u) => new URL(u).pathname.endsWith(`/${english[0]}`));
    const expected = await expectedTotals(DEMO_DATA, { fy: [2564] });

    const thai = await open(`${server.origin}/explore?fy=2564`);
    expect(await thai.page.textContent('h1')).toBe(th.explore.title);
    expect(fetchedEnglish(thai.requested)).toBe(false);
    // Switching language inside the app fetches them then, and the page is all English.
    await thai.page.click('[data-testid="lang-switch"]');
    await thai.page.waitForURL((u) => u.pathname === '/en/explore' && u.search === '?fy=2564');
    await expect.poll(() => thai.page.textContent('h1'), POLL).toBe('Explore');
    expect(await thai.page.getAttribute('html', 'lang')).toBe('en');
    expect(fetchedEnglish(thai.requested)).toBe(true);
    await thai.page.close();

    const { page, requested } = await open(`${server.origin}/en/explore?fy=2564`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Explore');
    expect(fetchedEnglish(requested)).toBe(true);
    expect(await values(page)).toEqual(expected);
    await page.click('[data-testid="lang-switch"]');
    // (A regex for the Thai URL also matches the English one it starts from.)
    await page.waitForURL((u) => u.pathname === '/explore' && u.search === '?fy=2564');
    await expect.poll(() => page.getAttribute('html', 'lang'), POLL).toBe('th');
    await expect.poll(() => page.textContent('h1'), POLL).toBe(th.explore.title);
    await page.close();
  });
});

describe('explorer controls', () => {
  it('drives facets, sorting and paging from the page, each step in the URL', async () => {
    const { page } = await view(url({ fy: [2566] }));
    // A province facet: its count is the number of projects the filter then shows.
    const option = page.locator('[data-testid="filter-province"] label').first();
    const name = (await option.locator('input').getAttribute('value'))!;
    const count = await option.locator('.count').getAttribute('data-count');
    await option.locator('input').check();
    await page.waitForURL((u) => u.searchParams.get('province') === name);
    await ready(page);
    const expected = await expectedTotals(DEMO_DATA, { fy: [2566], province: [name] });
    await expect.poll(() => values(page), POLL).toEqual(expected);
    expect(count).toBe(expected.projects);
    // The method facet counts under the year and province (its own filter left out).
    const specificCount = await page
      .locator('[data-testid="filter-method"] label', {
        has: page.locator('input[value="specific"]'),
      })
      .locator('.count')
      .getAttribute('data-count');
    expect(specificCount).toBe(
      (await expectedTotals(DEMO_DATA, { fy: [2566], province: [name], method: ['specific'] }))
        .projects,
    );
    // The district facet appears under a chosen province, with the province's districts; each
    // count is what that district then shows (districts from the projects' raw text).
    expect(await page.locator('[data-testid="filter-district"]').count()).toBe(1);
    const districts = await page
      .locator('[data-testid="filter-district"] label')
      .evaluateAll((ls) =>
        ls.map((l) => [
          l.querySelector('input')!.value,
          l.querySelector('.count')!.getAttribute('data-count'),
        ]),
      );
    expect(districts.length).toBeGreaterThan(1);
    for (const [d, n] of districts.slice(0, 3)) {
      const e = await expectedTotals(DEMO_DATA, { fy: [2566], province: [name], district: [d!] });
      expect({ d, n }).toEqual({ d, n: e.projects });
    }
    const district = page.locator('[data-testid="filter-district"] label').nth(1);
    const dname = (await district.locator('input').getAttribute('value'))!;
    await district.locator('input').check();
    await page.waitForURL((u) => u.searchParams.get('district') === dname);
    await ready(page);
    await expect
      .poll(() => values(page), POLL)
      .toEqual(
        await expectedTotals(DEMO_DATA, { fy: [2566], province: [name], district: [dname] }),
      );
    // Sort ascending by budget, then page 2: the rows are native DuckDB's rows 51–100.
    await visit(page, url({ fy: [2566] }));
    // No province: no district list (nothing asked for it).
    expect(await page.locator('[data-testid="filter-district"]').count()).toBe(0);
    await page.click('[data-testid="results"] th button[data-sort="budget"]');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'budget');
    await ready(page);
    await page.click('nav.pager button:last-child');
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    await ready(page);
    const want = await rows(
      `SELECT project_id FROM ${table(DEMO_DATA, 'projects')} WHERE fiscal_year = 2566
       ORDER BY budget ASC NULLS LAST, project_id LIMIT 50 OFFSET 50`,
    );
    const shown = () => shownIds(page);
    await expect.poll(shown, POLL).toEqual(want.map((r) => r.project_id));
    // Back returns to page 1 of the same sort.
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('page'));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('budget');
    // Earliest year first under the province and a method, page 2: each year's projects in the
    // facts' own order (agency, then project id; page-sql.ts yearPage), as native DuckDB orders.
    await visit(page, url({ province: [name], method: ['specific'], sort: 'fy', page: 2 }));
    const byYear = await rows(
      `SELECT p.project_id FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'provinces')} v USING (province_id)
       JOIN ${table(DEMO_DATA, 'methods')} m USING (method_id)
       WHERE v.province_name = ? AND m.method_bucket = 'specific'
       ORDER BY p.fiscal_year, p.agency_id, p.project_id LIMIT 50 OFFSET 50`,
      [name],
    );
    expect(byYear.length).toBeGreaterThan(0);
    await expect.poll(shown, POLL).toEqual(byYear.map((r) => r.project_id));
  });

  it("sorts and pages a view the engine computes by asking only for the table's rows", async () => {
    // A province and two method groups: no headline file answers it (a province with one method
    // group has its file over all years since schema 40), so the engine computes its numbers.
    const [busiest] = await rows(
      `SELECT v.province_name FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'provinces')} v USING (province_id)
       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const f = { province: [String(busiest!.province_name)], method: ['specific', 'open'] };
    const { page } = await view(url({}));
    // From now on the page records its queries.
    await recordingQueries(page, async (asked) => {
      await visit(page, url(f));
      const first = await asked();
      const expected = await expectedTotals(DEMO_DATA, f);
      expect(await values(page)).toEqual(expected);
      expect(first.length).toBeGreaterThan(3);
      // The year order's page that holds the first year's last project and the next's first.
      const [firstYear] = await rows(
        `SELECT count(*)::INTEGER AS n FROM ${table(DEMO_DATA, 'projects')} p
         JOIN ${table(DEMO_DATA, 'provinces')} v USING (province_id)
         JOIN ${table(DEMO_DATA, 'methods')} m USING (method_id)
         WHERE v.province_name = ? AND m.method_bucket IN ('specific', 'open')
         GROUP BY p.fiscal_year ORDER BY p.fiscal_year LIMIT 1`,
        f.province,
      );
      const across = Math.floor(Number(firstYear!.n) / 50) + 1;
      const orders = [
        {
          other: { sort: 'budget' as const },
          sql: 'p.budget ASC NULLS LAST, p.project_id LIMIT 50',
        },
        {
          other: { sort: 'fy' as const, page: across },
          sql: `p.fiscal_year, p.agency_id, p.project_id LIMIT 50 OFFSET ${(across - 1) * 50}`,
        },
      ];
      for (const { other, sql } of orders) {
        await visit(page, url({ ...f, ...other }));
        // The page's rows are native DuckDB's.
        const want = await rows(
          `SELECT p.project_id FROM ${table(DEMO_DATA, 'projects')} p
           JOIN ${table(DEMO_DATA, 'provinces')} v USING (province_id)
           JOIN ${table(DEMO_DATA, 'methods')} m USING (method_id)
           WHERE v.province_name = ? AND m.method_bucket IN ('specific', 'open') ORDER BY ${sql}`,
          f.province,
        );
        expect(want.length).toBeGreaterThan(0);
        const shown = await shownIds(page);
        expect({ other, shown }).toEqual({ other, shown: want.map((x) => x.project_id) });
        // The rows of this page (and their names); none of the totals', facets' or charts'
        // queries again, and no count (a year order's counts per year are its year facet's).
        const again = await asked();
        expect(again.length).toBeGreaterThan(0);
        expect({
          other,
          again: again.filter((q) => first.includes(q)),
          grouped: again.filter((q) => /GROUP BY/i.test(q)),
        }).toEqual({ other, again: [], grouped: [] });
        expect(await values(page)).toEqual(expected);
      }
    });
  });

  it("pages an agency's view over all years from its own projects, in DuckDB-WASM as natively", async () => {
    // The busiest name several agencies share: past the first page (which the headline files
    // give) and in other orders, its rows come from `projects_agency` (schema 41;
    // query/agency-page.ts).
    const [busiest] = await rows(
      `SELECT a.dept_name FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id)
       GROUP BY 1 HAVING count(DISTINCT agency_id) > 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const name = String(busiest!.dept_name);
    const { page } = await view(url({}));
    await recordingQueries(page, async (asked) => {
      // (The demo's agencies share one file: every order asks the copy, not the sort columns,
      // which only an agency with a file of its own takes; the unit tests page those.)
      for (const [f, order] of [
        [{ page: 2 }, 'p.budget DESC NULLS LAST, p.project_id'],
        [{ sort: '-agreed' as const, page: 2 }, 'p.agreed DESC NULLS LAST, p.project_id'],
        [{ sort: 'fy' as const, page: 2 }, 'p.fiscal_year, p.agency_id, p.project_id'],
      ] as const) {
        await visit(page, url({ agency: name, ...f }));
        const want = await rows(
          `SELECT p.project_id FROM ${table(DEMO_DATA, 'projects')} p
           JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id)
           WHERE a.dept_name = ? ORDER BY ${order} LIMIT 50 OFFSET 50`,
          [name],
        );
        expect(want.length).toBeGreaterThan(0);
        const shown = await shownIds(page);
        const queries = await asked();
        expect({
          f,
          shown,
          copy: queries.some((q) => q.includes('projects_agency/')),
          sorted: queries.some((q) => q.includes('projects_agency_filters/')),
        }).toEqual({ f, shown: want.map((x) => x.project_id), copy: true, sorted: false });
      }
    });
  });

  it('picks an agency from the suggestions: name, sub-unit and province in the URL', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const { page } = await view(url({}));
    await page.fill('#agency', shared.name.slice(0, 8));
    const first = page.locator('[data-testid="agency-suggestions"] button').first();
    await first.waitFor();
    await first.click();
    await page.waitForURL((u) => u.searchParams.has('agency'));
    await ready(page);
    const q = new URL(page.url()).searchParams;
    const f: Partial<Filters> = {
      agency: q.get('agency')!,
      sub: q.get('sub'),
      province: q.getAll('province'),
    };
    expect(f.agency).toContain(shared.name.slice(0, 8));
    await expect.poll(() => values(page), POLL).toEqual(await expectedTotals(DEMO_DATA, f));
  });

  it('Enter takes the highlighted suggestion; text no agency has becomes a search (#21)', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const { page } = await view(url({}));
    const part = shared.name.slice(0, 8);
    await page.fill('#agency', part);
    const options = page.locator('[data-testid="agency-suggestions"] button');
    await options.nth(1).waitFor();
    // The arrow moves the highlight to the second suggestion; Enter takes it.
    await page.press('#agency', 'ArrowDown');
    expect(await page.getAttribute('#agency', 'aria-activedescendant')).toBe('agency-suggestion-1');
    const second = (await options.nth(1).getAttribute('data-key'))!;
    await page.press('#agency', 'Enter');
    await page.waitForURL((u) => u.searchParams.has('agency'));
    await ready(page);
    const q = new URL(page.url()).searchParams;
    const [a] = await rows(
      `SELECT dept_name, dept_sub_name FROM ${table(DEMO_DATA, 'agencies')} WHERE agency_key = ?`,
      [second],
    );
    expect([q.get('agency'), q.get('sub')]).toEqual([a!.dept_name, a!.dept_sub_name]);
    // Text no agency's name holds: a keyword search of agency and winner names, not agency=….
    await page.fill('#agency', 'ไม่มีหน่วยงานนี้');
    await page.press('#agency', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === 'ไม่มีหน่วยงานนี้');
    const after = new URL(page.url()).searchParams;
    expect([after.get('qin'), after.get('agency')]).toEqual(['all', null]);
  });

  it('finds a vendor by TIN and shows what it won across all years', async () => {
    const [v] = await rows(`SELECT v.tin, v.vendor_key FROM ${table(DEMO_DATA, 'contracts')} c
      JOIN ${table(DEMO_DATA, 'vendors')} v USING (vendor_id) WHERE v.tin IS NOT NULL
      GROUP BY ALL ORDER BY count(DISTINCT c.fiscal_year) DESC, count(*) DESC, 1 LIMIT 1`);
    const { page } = await view(url({}));
    await page.fill('#vendor', String(v!.tin));
    // Enter once the suggestions are on screen (their arrival once reset the typed text).
    await page.locator('[data-testid="vendor-suggestions"]').waitFor();
    await page.press('#vendor', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('vendor') === v!.tin);
    await ready(page);
    await expect
      .poll(() => values(page), POLL)
      .toEqual(await expectedTotals(DEMO_DATA, { vendor: String(v!.tin) }));
    expect(await page.textContent('[data-testid="vendor-chosen"]')).toContain(String(v!.tin));
    // The table's names (from the vendor's copy of the contracts) are the projects' own.
    const shown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-project-id'),
        tr.querySelector('button.open')?.textContent?.trim(),
      ]),
    );
    expect(shown.length).toBeGreaterThan(5);
    const names = await rows(
      `SELECT project_id, project_name FROM ${namedDetails(DEMO_DATA)}
       WHERE project_id IN (${shown.map(() => '?').join(', ')})`,
      shown.map(([id]) => String(id)),
    );
    expect(Object.fromEntries(shown)).toEqual(
      Object.fromEntries(names.map((x) => [x.project_id, x.project_name])),
    );
  });

  it("names a vendor's projects of several years, when it is not a busy one, as the projects are named", async () => {
    // Beyond the busy vendors (`vendor_top`'s range, and fewer contracts than a vendor with
    // headline files of its view has): its rows share row groups of the vendor copy with
    // others, and its names are asked in one query (src/lib/db/rows.ts, namesFor). One with a
    // tax id: its shard has its whole row, so its own name is not looked up again.
    const busy = Math.max(
      ...tableFiles(manifestOf(DEMO_DATA), 'vendor_top').map((f) => Number(f.key_max)),
    );
    const [v] = await rows(
      `SELECT v.vendor_key, v.name FROM ${table(DEMO_DATA, 'contracts')} c
       JOIN ${table(DEMO_DATA, 'vendors')} v USING (vendor_id)
       WHERE v.vendor_id > ? AND v.vendor_key LIKE 'tin:%' GROUP BY ALL HAVING count(*) < ?
       ORDER BY count(DISTINCT c.fiscal_year) DESC, count(*) DESC, 1 LIMIT 1`,
      [busy, BUSY_VENDORS.min],
    );
    const { page, requested } = await open(url({}));
    requested.length = 0;
    let queries: string[] = [];
    await recordingQueries(page, async (asked) => {
      await visit(page, url({ vendor: String(v!.vendor_key) }));
      queries = await asked();
    });
    // Its chart's agencies and its table's are named in one query (db/lookup.ts, nameBatch).
    expect(queries.filter((q) => q.includes('agencies.parquet'))).toHaveLength(1);
    expect(queries.length).toBeLessThanOrEqual(5);
    // Its charts name it (the top vendors of its own view) without reading the vendors' table.
    expect(
      await page.locator('[data-testid="chart-vendors"] ol li').first().textContent(),
    ).toContain(String(v!.name));
    expect(requested.filter((u) => u.includes('/vendors.parquet'))).toEqual([]);
    expect(requested.some((u) => u.includes('/contracts_by_vendor/'))).toBe(true);
    const shown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-project-id'),
        tr.querySelector('button.open')?.textContent?.trim(),
      ]),
    );
    const ids = shown.map(([id]) => String(id));
    const named = await rows(
      `SELECT project_id, d.project_name, p.fiscal_year FROM ${namedDetails(DEMO_DATA)} d
       JOIN ${table(DEMO_DATA, 'projects')} p USING (project_id)
       WHERE project_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    expect(new Set(named.map((x) => x.fiscal_year)).size).toBeGreaterThan(1);
    expect(Object.fromEntries(shown)).toEqual(
      Object.fromEntries(named.map((x) => [x.project_id, x.project_name])),
    );
    await page.close();
  });

  it('opens a project with every field and its contracts', async () => {
    const [p] = await rows(`SELECT project_id, fiscal_year, count(*)::INTEGER AS n
      FROM ${table(DEMO_DATA, 'contracts')} GROUP BY ALL HAVING n > 1 ORDER BY 1 LIMIT 1`);
    const [info] = await rows(
      `SELECT a.dept_name, d.project_name FROM ${table(DEMO_DATA, 'projects')} p
       JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id)
       JOIN ${namedDetails(DEMO_DATA)} d USING (project_id) WHERE project_id = ?`,
      [String(p!.project_id)],
    );
    const { page } = await open(
      url({ fy: [Number(p!.fiscal_year)], agency: String(info!.dept_name), sort: '-fy' }),
    );
    const row = page.locator(`[data-testid="results"] tr[data-project-id="${p!.project_id}"]`);
    while ((await row.count()) === 0) {
      await page.click('nav.pager button:last-child');
      await ready(page);
    }
    await row.locator('button.open').click();
    const panel = page.locator('[data-testid="project-panel"]');
    await panel.locator('[data-testid="project-contracts"] tbody tr').first().waitFor();
    expect(await panel.locator('[data-testid="project-contracts"] tbody tr').count()).toBe(p!.n);
    const text = await panel.textContent();
    expect(text).toContain('project_name');
    expect(text).toContain('method_raw');
    // Names are found by the snapshot's row number, which is not a field of the project.
    expect(text).not.toContain('project_seq');
    expect(text).toContain(String(info!.project_name));
    expect((await row.locator('button.open').textContent())?.trim()).toBe(
      String(info!.project_name),
    );
    await page.close();
  });

  it('reads top-down: the numbers, the charts, then the table with its flags and export; one column on a phone (#24)', async () => {
    const parts = [
      '[data-testid="result-projects"]',
      '[data-testid="chart-year-method"]',
      '[data-testid="chart-vendors"]',
      '[data-testid="flags-panel"]',
      '[data-testid="export"]',
      '[data-testid="results"]',
    ];
    for (const viewport of [
      { width: 1366, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await browser.newPage({ viewport });
      await page.goto(url({ fy: [2566] }));
      await ready(page);
      const boxes = await page.evaluate(
        (sels) =>
          sels.map((sel) => {
            const r = document.querySelector(sel)!.getBoundingClientRect();
            return { sel, top: Math.round(r.top + scrollY), left: r.left, right: r.right };
          }),
        parts,
      );
      // Each part starts below the one before it.
      for (let i = 1; i < boxes.length; i++)
        expect(boxes[i]!.top, `${viewport.width}: ${boxes[i]!.sel}`).toBeGreaterThan(
          boxes[i - 1]!.top,
        );
      if (viewport.width < 800) {
        // One column: nothing sits beside the numbers, and the page does not scroll sideways.
        for (const b of boxes) expect(b.left, b.sel).toBeLessThan(40);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
      }
      await page.close();
    }
  });

  it('draws the charts with their data as tables', async () => {
    const { page } = await view(url({ fy: [2565, 2566] }));
    const years = await page.$$eval('[data-testid="chart-year-method-table"] tbody tr', (t) =>
      t.map((tr) => tr.querySelector('td')?.textContent),
    );
    expect(years).toEqual(['2565', '2566']);
    expect(await page.locator('[data-testid="chart-month-table"] tbody tr').count()).toBe(12);
    const agencies = await page.locator('[data-testid="chart-agencies"] li').count();
    expect(agencies).toBeGreaterThan(0);
    const [top] = await rows(`SELECT a.dept_name FROM ${table(DEMO_DATA, 'projects')} p
      JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id) WHERE p.fiscal_year IN (2565, 2566)
      GROUP BY a.agency_id, a.dept_name ORDER BY sum(p.budget) DESC, a.agency_id LIMIT 1`);
    expect(await page.locator('[data-testid="chart-agencies"] li').first().textContent()).toContain(
      String(top!.dept_name),
    );
    // Agency labels take two lines at most; the whole label is on hover and in the data table.
    const labels = await page
      .locator('[data-testid="chart-agencies"] ol .label')
      .evaluateAll((es) =>
        es.map((e) => ({
          title: e.getAttribute('title'),
          text: e.textContent!.trim(),
          lines: e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight),
        })),
      );
    const tableNames = await page
      .locator('[data-testid="chart-agencies-table"] tbody tr td:first-child')
      .allTextContents();
    expect(labels.map((l) => l.title)).toEqual(tableNames);
    for (const l of labels) {
      expect(l.title).toBe(l.text);
      expect(l.lines, l.text).toBeLessThanOrEqual(2.05);
    }
  });

  it('gives the year and month charts axes, value labels and marks a keyboard reads, equal to their tables and native DuckDB (#24)', async () => {
    const { page } = await view(url({ fy: [2565, 2566] }));
    /** Whole baht in a table cell as the page formats them (th-TH: comma thousands). */
    const baht = (s: string) => Number(s.replace(/,/g, ''));
    for (const id of ['chart-year-method', 'chart-month']) {
      const chart = page.locator(`[data-testid="${id}"]`);
      // A value axis with amounts in Thai words (ล้าน, พันล้าน) or plain digits, from 0 up.
      const ticks = await chart.locator('.axis text').allTextContents();
      expect(ticks.length, id).toBeGreaterThan(1);
      expect(ticks[0]).toBe('0');
      for (const tick of ticks) expect(tick, id).toMatch(/^[\d.]+( (พัน|หมื่น|แสน|ล้าน|พันล้าน))?$/);
      // Every bar's amount is a cell of the chart's table (the zero cells draw no bar).
      const marks = await chart
        .locator('.mark')
        .evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-value'))));
      const cells = await chart
        .locator('table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
        );
      const amounts = (
        id === 'chart-month' ? cells.map((r) => r.slice(2)) : cells.map((r) => r.slice(1))
      )
        .flat()
        .map(baht)
        .filter((v) => v > 0);
      expect(
        marks.map(Math.round).sort((a, b) => a - b),
        id,
      ).toEqual(amounts.sort((a, b) => a - b));
      // The keyboard reaches each bar in turn, and the readout names it with its value.
      await chart.locator('figcaption').click();
      const labels = await chart
        .locator('.mark')
        .evaluateAll((es) => es.map((e) => e.getAttribute('aria-label')));
      for (const label of labels) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
          label,
        );
        expect(await chart.locator('.readout').textContent()).toBe(label);
      }
    }
    // A bar list's bars too: the keyboard reaches each through its link, and the readout names
    // it with its amount.
    const list = page.locator('[data-testid="chart-vendors"]');
    await list.locator('figcaption').click();
    // (The pointer out of the way: as Tab scrolls the page, the bar under it would be hovered.)
    await page.mouse.move(0, 0);
    const named = await list
      .locator('ol li')
      .evaluateAll((es) => es.map((e) => e.getAttribute('aria-label')));
    expect(named.length).toBeGreaterThan(1);
    for (const label of named) {
      await page.keyboard.press('Tab');
      expect(await list.locator('.readout').textContent()).toBe(label);
    }
    // Few years: each bar's total is written on it, and the totals are native DuckDB's budgets.
    const years =
      await rows(`SELECT fiscal_year, sum(budget)::DOUBLE AS b FROM ${table(DEMO_DATA, 'projects')}
      WHERE fiscal_year IN (2565, 2566) GROUP BY 1 ORDER BY 1`);
    const yearMarks = await page
      .locator('[data-testid="chart-year-method"] .mark')
      .evaluateAll((es) =>
        es.map(
          (e) => [e.getAttribute('aria-label')!, Number(e.getAttribute('data-value'))] as const,
        ),
      );
    for (const y of years) {
      const sum = yearMarks
        .filter(([l]) => l.startsWith(String(y.fiscal_year)))
        .reduce((s, [, v]) => s + v, 0);
      expect(sum).toBeCloseTo(Number(y.b), 0);
    }
    expect(
      await page.locator('[data-testid="chart-year-method-value"]').allTextContents(),
    ).toHaveLength(2);
  });

  it('pins a view to the data version and warns when the live data differs', async () => {
    const m = manifestOf(DEMO_DATA);
    const { page } = await view(url({ fy: [2567] }));
    await page.click('[data-testid="pin"]');
    await page.waitForURL((u) => u.searchParams.get('snap') === m.snapshot_id.slice(0, 12));
    await ready(page);
    expect(await page.locator('[data-testid="pin-differs"]').count()).toBe(0);
    await visit(page, url({ fy: [2567], snap: 'abcdef123456' }));
    expect(await page.textContent('[data-testid="pin-differs"]')).toContain('abcdef123456');
    expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2567] }));
  });

  it('never shows a stale result after a fast sequence of changes', async () => {
    const { page } = await view(url({}));
    const steps: Partial<Filters>[] = [
      { fy: [2559] },
      { fy: [2559], method: ['open'] },
      { fy: [2564] },
    ];
    for (const f of steps) await follow(page, url(f));
    const last = await expectedTotals(DEMO_DATA, steps.at(-1)!);
    await expect.poll(() => values(page), POLL).toEqual(last);
    // Give any slower earlier run time to finish: the screen must still show the last view.
    await page.waitForTimeout(1500);
    expect(await values(page)).toEqual(last);
    expect(await page.isChecked('[data-testid="filter-fy"] input[value="2564"]')).toBe(true);
  });

  it('explains every kind of invalid value and still shows the valid ones', async () => {
    const { page } = await view(
      `${server.origin}/explore?fy=2567&vendor=%3Cscript%3E&min=abc&from=2024-13-01&sort=x&page=-1&method=specific`,
    );
    const msg = (await page.textContent('[data-testid="invalid-params"]'))!;
    for (const bad of ['vendor=<script>', 'min=abc', 'from=2024-13-01', 'sort=x', 'page=-1']) {
      expect(msg).toContain(bad);
    }
    expect(await values(page)).toEqual(
      await expectedTotals(DEMO_DATA, { fy: [2567], method: ['specific'] }),
    );
  });
});

describe('years in the Common era (era=ce, #21)', () => {
  it('shows every year in CE on the explorer and the landing page, and links and filters keep it', async () => {
    const { page } = await view(`${url({ fy: [2566] })}&era=ce`);
    const years = () =>
      page.locator('[data-testid="results"] tbody tr td:nth-child(2)').allTextContents();
    // FY2566 runs from October 2022 to September 2023.
    expect(new Set((await years()).map((s) => s.trim()))).toEqual(new Set(['2022–23']));
    expect(await page.textContent('[data-testid="filter-fy"]')).toContain('2022–23');
    expect(await page.textContent('[data-testid="filter-fy"]')).not.toContain('2566');
    // A filter change keeps it.
    await page.check('[data-testid="filter-fy"] input[value="2567"]');
    await page.waitForURL((u) => u.searchParams.getAll('fy').includes('2567'));
    expect(new URL(page.url()).searchParams.get('era')).toBe('ce');
    await ready(page);
    expect(new Set((await years()).map((s) => s.trim()))).toEqual(new Set(['2022–23', '2023–24']));
    // The export carries the CE span beside the BE year.
    await page.waitForSelector('[data-testid="export-csv"]:not([disabled])');
    const csv = (await download(page, 'export-csv')).bytes.toString('utf8');
    const [head, first] = csv.slice(1).split('\r\n');
    expect(head!.split(',').slice(1, 3)).toEqual(['ปีงบประมาณ (พ.ศ.)', 'ปีงบประมาณ (ค.ศ.)']);
    const [be, ce] = first!.split(',').slice(1, 3);
    expect(['2566 2022–23', '2567 2023–24']).toContain(`${be} ${ce}`);
    // A link to another page keeps it: the landing page's years are CE too.
    await page.click('header nav a.brand');
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('era') === 'ce');
    await expect.poll(() => page.textContent('tr[data-fy="2566"] a'), POLL).toBe('2022–23');
    // The switch in the header turns it off, on the same page.
    await page.click('[data-testid="era-switch"]');
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('era') === 'be');
    await expect.poll(() => page.textContent('tr[data-fy="2566"] a'), POLL).toBe('2566');
  });
});

describe('data shown as text', () => {
  it('renders a winner name made of markup as text, never as HTML', async () => {
    const markup = await serve({ root: BUILD, dataDir: MARKUP_DATA });
    try {
      const [v] = await rows(
        `SELECT vendor_key FROM ${table(MARKUP_DATA, 'vendors')} WHERE name = ?`,
        [MARKUP_NAME],
      );
      expect(v).toBeDefined();
      const page = await browser.newPage();
      await page.goto(
        `${markup.origin}/explore?vendor=${encodeURIComponent(String(v!.vendor_key))}`,
      );
      await ready(page);
      expect(await page.textContent('[data-testid="vendor-chosen"]')).toContain(MARKUP_NAME);
      expect(await page.textContent('[data-testid="chart-vendors"]')).toContain(MARKUP_NAME);
      expect(await page.locator('main img, main b').count()).toBe(0);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      expect(await values(page)).toEqual(
        await expectedTotals(MARKUP_DATA, { vendor: String(v!.vendor_key) }),
      );
      await page.close();
    } finally {
      await markup.close();
    }
  });
});

describe('explorer on the real drone set', () => {
  it('shows the numbers native DuckDB computes from the CSV by hand, and the fields it lacks', async () => {
    const drone = await serve({ root: BUILD, dataDir: DRONE_DATA });
    try {
      const pick = await rows(`SELECT ชื่อหน่วยงาน AS agency, CAST(_ปีงบ AS INTEGER) AS fy,
          count(DISTINCT รหัสโครงการ)::VARCHAR AS projects, sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
        FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true)
        GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3`);
      const page = await browser.newPage();
      // One page followed from view to view: one engine for all of them.
      for (const p of pick) {
        await visit(
          page,
          `${drone.origin}/explore${filtersToSearch({ ...NO_FILTERS, fy: [Number(p.fy)], agency: String(p.agency) })}`,
        );
        expect(await values(page)).toMatchObject({ projects: p.projects, budget: p.budget });
      }
      // The drone files carry no signing dates: a date filter says so beside the filter and in
      // the results, instead of a bare 0 (#21).
      await visit(
        page,
        `${drone.origin}/explore${filtersToSearch({ ...NO_FILTERS, from: '2024-01-01', to: '2024-03-31' })}`,
      );
      expect((await values(page)).projects).toBe('0');
      for (const id of ['coverage-gaps', 'coverage-filter']) {
        const note = page.locator(`[data-testid="${id}"] li[data-field="contract_date"]`);
        expect(await note.getAttribute('data-none')).toBe('2565,2566,2567,2568');
        expect(await note.textContent()).toContain('ไม่มีวันที่ลงนามสัญญาของปีงบประมาณ 2565, 2566');
      }
      // Top agencies at the agency level: every unit of a name together, and its link (#21).
      const [top] = await rows(
        `SELECT ชื่อหน่วยงาน AS name, count(DISTINCT รหัสโครงการ)::VARCHAR AS projects
         FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) WHERE _ปีงบ = '2566'
         GROUP BY 1 ORDER BY sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2))) DESC, 1 LIMIT 1`,
      );
      await visit(page, `${drone.origin}/explore?fy=2566`);
      await page.check('[data-testid="agencies-whole"]');
      const first = page.locator('[data-testid="chart-agencies-whole"] ol li .label a').first();
      await first.waitFor();
      expect(await first.textContent()).toContain(String(top!.name));
      await first.click();
      await page.waitForURL((u) => u.searchParams.get('agency') === top!.name);
      await ready(page);
      expect((await values(page)).projects).toBe(top!.projects);
      // In English, provinces, project types, statuses and method labels have English names;
      // the files carry none (#21). An English name works in the URL too.
      await visit(
        page,
        `${drone.origin}/en/explore${filtersToSearch({ ...NO_FILTERS, fy: [2566], province: ['Bangkok'] })}`,
      );
      const [bkk] = await rows(
        `SELECT count(DISTINCT รหัสโครงการ)::VARCHAR AS n FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true)
         WHERE _ปีงบ = '2566' AND จังหวัด = 'กรุงเทพมหานคร'`,
      );
      expect((await values(page)).projects).toBe(bkk!.n);
      const names = (key: string) =>
        page.locator(`[data-testid="filter-${key}"] label .name`).allTextContents();
      expect(await names('province')).toContain('Bangkok');
      expect(await names('type')).toContain('Purchase');
      expect((await names('status')).length).toBeGreaterThan(0);
      for (const key of ['province', 'type', 'status'])
        for (const n of await names(key)) expect(n, `${key}: ${n}`).not.toMatch(/[\u0e00-\u0e7f]/);
      await page.close();
    } finally {
      await drone.close();
    }
  });
});

describe('GitHub Pages project site', () => {
  it('works when built with BASE_PATH and served under it', async () => {
    const based = await serve({ root: BUILD_BASE, base: BASE_PATH });
    try {
      const { page, requested } = await newPage();
      await page.goto(`${based.origin}${BASE_PATH}/explore?fy=2562`);
      await ready(page);
      expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2562] }));
      const paths = requested
        .map((u) => new URL(u))
        .filter((u) => u.origin === based.origin)
        .map((u) => u.pathname);
      expect(paths.filter((p) => !p.startsWith(`${BASE_PATH}/`))).toEqual([]);
      expect(based.log.filter((e) => e.status === 404)).toEqual([]);
      await page.close();
    } finally {
      await based.close();
    }
  });
});

describe('host failures', () => {
  it('a page past the last one says so, with the count, and leads to the last page', async () => {
    const { page } = await view(url({ fy: [2566], page: 500 }));
    const total = Number(await page.getAttribute('[data-testid="result-projects"]', 'data-value'));
    const pages = Math.ceil(total / 50);
    expect(await page.textContent('[data-testid="past-last-page"]')).toContain(
      `หน้า 500 เกินหน้าสุดท้าย: ตัวกรองนี้พบ ${total.toLocaleString('th-TH')} โครงการ ใน ${pages} หน้า`,
    );
    expect(await page.locator('[data-testid="no-rows"]').count()).toBe(0);
    await page.click('[data-testid="past-last-page"] button');
    await page.waitForSelector('[data-testid="rows-range"]');
    expect(new URL(page.url()).searchParams.get('page')).toBe(String(pages));
  });

  it('names what the host did wrong (no Range, gzip, offline) and recovers on retry', async () => {
    const m = manifestOf(DEMO_DATA);
    // The page of the order by year, from the year's projects (page-sql.ts yearPage).
    const hidden = tableFiles(m, 'projects', [2560])[0]!;
    const pattern = `**/data/${hidden.path}`;
    const scenarios: [string, Parameters<Page['route']>[1], string][] = [
      [
        'no range support',
        (r) => r.fulfill({ status: 200, body: 'x'.repeat(64) }),
        'HTTP 200, not 206',
      ],
      [
        'gzip on ranged responses',
        (r) =>
          r.fulfill({
            status: 206,
            headers: { 'content-range': 'bytes 0-0/40', 'content-encoding': 'gzip' },
            body: 'x',
          }),
        'compressed or stale on the host',
      ],
      ['offline', (r) => r.abort('internetdisconnected'), 'offline?'],
    ];
    for (const [name, handler, message] of scenarios) {
      const page = await browser.newPage();
      // Offline is offline for every data request (the page asks the manifest again to tell a
      // lost connection from an unreadable answer).
      const route = name === 'offline' ? '**/data/**' : pattern;
      await page.route(route, handler);
      // (In another order than the default: the table is read, not the headline files.)
      await page.goto(url({ fy: [2560], sort: 'fy' }));
      await page.waitForSelector('[data-testid="explorer"][data-state="error"]', {
        timeout: 60_000,
      });
      expect({ name, text: await page.textContent('[data-testid="explorer"]') }).toMatchObject({
        text: expect.stringContaining(message),
      });
      await page.unroute(route);
      await page.click('[data-testid="explorer"] .error button');
      await ready(page);
      expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2560] }));
      await page.close();
    }
  });

  it('says what it is loading: the engine with its bytes, then the data files opened', async () => {
    const page = await browser.newPage();
    // Slow data files a little, so the page's loading states last long enough to be read.
    await page.route('**/*.parquet', async (r) => {
      await new Promise((done) => setTimeout(done, 200));
      await r.continue();
    });
    await page.goto(url({ fy: [2562] }));
    const seen = new Set<string>();
    for (let i = 0; i < 1200; i++) {
      const status = await page.$('[data-testid="explorer"] .status');
      const text = await status?.textContent().catch(() => null);
      if (text) seen.add(text.trim());
      if ((await page.getAttribute('[data-testid="explorer"]', 'data-state')) === 'ready') break;
      await page.waitForTimeout(25);
    }
    const said = [...seen].join('\n');
    // The headline files answered first (a year's numbers, charts and first page); the engine's
    // progress is still told.
    expect(said).toMatch(/ตัวเลข กราฟ และหน้าแรกของตารางพร้อมแล้ว/);
    expect(said).toMatch(/DuckDB-WASM/);
    expect(said).toMatch(/เปิดไฟล์ข้อมูลแล้ว [1-9]\d* ไฟล์/);
    await ready(page);
    expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2562] }));
    await page.close();
  });

  it('says clearly when a data file is missing on the host', async () => {
    const m = manifestOf(DEMO_DATA);
    const broken = await serve({ root: BUILD, dataDir: DEMO_DATA });
    try {
      const page = await browser.newPage();
      // Ask for a page whose file we hide by intercepting it (the year's projects, which its page
      // in the order by year reads): the host answers 404.
      const hidden = tableFiles(m, 'projects', [2561])[0]!;
      await page.route(`**/data/${hidden.path}`, (r) =>
        r.fulfill({ status: 404, body: 'not found' }),
      );
      await page.goto(`${broken.origin}/explore?fy=2561&sort=fy`);
      await page.waitForSelector('[data-testid="explorer"][data-state="error"]', {
        timeout: 60_000,
      });
      expect(await page.textContent('[data-testid="explorer"]')).toContain(
        `${hidden.path} is missing`,
      );
      expect(statSync(path.join(DEMO_DATA, hidden.path)).size).toBe(hidden.bytes);
      await page.close();
    } finally {
      await broken.close();
    }
  });
});
