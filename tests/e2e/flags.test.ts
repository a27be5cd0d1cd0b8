/**
 * Integrity flags in the browser (DuckDB-WASM in Chromium): the panel's counts against the
 * independent native computation (tests/helpers/flags.ts) on the real drone set and on generated
 * data, a threshold changed in the form, and the `flag=` filter.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_IDS, type FlagId } from '../../src/lib/query/flag-defs';
import { NO_FILTERS, filtersToSearch, type Filters } from '../../src/lib/query/filters';
import { launch, ready, serve, type TestServer } from '../helpers/browser';
import { expectedTotals } from '../helpers/expected';
import { expectedFlag } from '../helpers/flags';
import { BUILD, DEMO_DATA, DRONE_DATA } from './setup-paths';

let browser: Browser;
let drone: TestServer;
let demo: TestServer;

beforeAll(async () => {
  browser = await launch();
  drone = await serve({ root: BUILD, dataDir: DRONE_DATA });
  demo = await serve({ root: BUILD, dataDir: DEMO_DATA });
});

afterAll(async () => {
  await browser?.close();
  await drone?.close();
  await demo?.close();
});

/** Open the view, open the flags panel and wait for its counts (`opened`: the files it read). */
async function flagsView(server: TestServer, f: Partial<Filters>, opened: string[] = []) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/explore${filtersToSearch({ ...NO_FILTERS, ...f })}`);
  await ready(page);
  const mark = server.log.length;
  await page.click('[data-testid="flags-panel"] > summary');
  await flagsReady(page);
  opened.push(...new Set(server.log.slice(mark).map((e) => e.path.replace(/^.*\/data\//, ''))));
  return page;
}

async function flagsReady(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="flags"][data-state="ready"]', { timeout: 90_000 });
}

async function counts(page: Page, id: FlagId) {
  return {
    id,
    flagged: await page.getAttribute(`[data-testid="flag-count-${id}"]`, 'data-value'),
    covered: await page.getAttribute(`[data-testid="flag-coverage-${id}"]`, 'data-value'),
  };
}

const computed = FLAG_IDS.filter((id) => id !== 'F8');

describe('flags in the browser', () => {
  it('shows every flag’s count and coverage on the real drone set as native DuckDB computes them', async () => {
    const opened: string[] = [];
    const page = await flagsView(drone, {}, opened);
    for (const id of computed) {
      const want = await expectedFlag(DRONE_DATA, id);
      expect(await counts(page, id)).toEqual({
        id,
        flagged: String(want.flagged.length),
        covered: String(want.covered),
      });
    }
    // The rule, its SQL and the standing note are on the page as text.
    expect(await page.textContent('[data-testid="flag-F1"]')).toContain('500,000');
    expect(await page.textContent('[data-testid="flag-sql-F3"]')).toContain('PARTITION BY');
    expect(await page.textContent('[data-testid="flags-panel"]')).toContain('ไม่ใช่หลักฐาน');
    // Counted from the ingest's counts by agency (schema 28), not every project's bits.
    expect(opened.some((f) => f.endsWith('/agg_flags_all.parquet'))).toBe(true);
    expect(opened.filter((f) => /\/(projects|contracts)\//.test(f))).toEqual([]);
    await page.close();
  });

  it('a threshold changed in the form goes into the URL and changes the count as native DuckDB says', async () => {
    const page = await flagsView(drone, {});
    await page.fill('[data-testid="threshold-f1_min"]', '100000');
    await page.click('[data-testid="flag-apply-F1"]');
    await page.waitForURL((u) => u.searchParams.get('f1_min') === '100000');
    await ready(page);
    await flagsReady(page);
    const want = await expectedFlag(DRONE_DATA, 'F1', { f1_min: 100_000 });
    expect(want.flagged.length).toBeGreaterThan(35);
    expect(await counts(page, 'F1')).toMatchObject({ flagged: String(want.flagged.length) });
    await page.close();
  });

  it('flag= shows only the flagged projects, combined with a fiscal year', async () => {
    const page = await flagsView(drone, { fy: [2567] });
    await page.check('[data-testid="flag-filter-F4"]');
    await page.waitForURL((u) => u.searchParams.get('flag') === 'F4');
    await ready(page);
    const want = await expectedFlag(DRONE_DATA, 'F4', {}, [2567]);
    expect(want.flagged.length).toBeGreaterThan(0);
    expect(await page.getAttribute('[data-testid="result-projects"]', 'data-value')).toBe(
      String(want.flagged.length),
    );
    // Every row on the page is one of them.
    const shown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute('data-project-id')!),
    );
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect(want.flagged).toContain(id);
    // With the flag as a filter, its own count is every project shown.
    await flagsReady(page);
    // A link to a flagged view opens the panel by itself.
    const linked = await browser.newPage();
    await linked.goto(page.url());
    await ready(linked);
    await flagsReady(linked);
    expect(await counts(linked, 'F4')).toMatchObject({ flagged: String(want.flagged.length) });
    await linked.close();
    expect(await counts(page, 'F4')).toMatchObject({ flagged: String(want.flagged.length) });
    await page.close();
  });

  it('computes the window and share rules on generated data for one year, as native DuckDB', async () => {
    const fy = [2567];
    const page = await flagsView(demo, { fy, th: { f3_days: 60, f7_n: 3 } });
    for (const id of ['F2', 'F3', 'F6', 'F7', 'Q1'] as const) {
      const want = await expectedFlag(DEMO_DATA, id, { f3_days: 60, f7_n: 3 }, fy);
      expect(await counts(page, id)).toEqual({
        id,
        flagged: String(want.flagged.length),
        covered: String(want.covered),
      });
    }
    // And a flag filter with a threshold: the headline numbers are those of the flagged projects.
    await page.check('[data-testid="flag-filter-F3"]');
    await page.waitForURL((u) => u.searchParams.get('flag') === 'F3');
    await ready(page);
    const f3 = await expectedFlag(DEMO_DATA, 'F3', { f3_days: 60 }, fy);
    expect(await page.getAttribute('[data-testid="result-projects"]', 'data-value')).toBe(
      String(f3.flagged.length),
    );
    const totals = await expectedTotals(DEMO_DATA, { fy });
    expect(Number(totals.projects)).toBeGreaterThan(f3.flagged.length);
    await page.close();
  });
});
