/**
 * Keyword search in the browser (DuckDB-WASM in Chromium) on the real drone projects: the page's
 * numbers, order, highlighting, exports and messages against native DuckDB and the rule written
 * out independently (tests/helpers/search.ts).
 */
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FILTERS, filtersToSearch, type Filters } from '../../src/lib/query/filters';
import {
  download,
  launch,
  ready,
  serve,
  SharedPage,
  visit,
  type TestServer,
} from '../helpers/browser';
import { rows } from '../helpers/duckdb';
import { table } from '../helpers/expected';
import { matching, projectNames, wholeWords } from '../helpers/search';
import { BUILD, DRONE_DATA, MARKUP_DATA, MARKUP_NAME } from './setup-paths';

let browser: Browser;
let drone: TestServer;
let names: Map<string, string>;

beforeAll(async () => {
  browser = await launch();
  drone = await serve({ root: BUILD, dataDir: DRONE_DATA });
  names = await projectNames(DRONE_DATA);
});

afterAll(async () => {
  await browser?.close();
  await drone?.close();
});

const POLL = { timeout: 30_000 };

const shared = new SharedPage(() => browser);

/**
 * The view in `page` followed as a link (one engine for several views): the drone set's in the
 * page its tests share, another origin's in a new page unless given one.
 */
async function view(origin: string, f: Partial<Filters>, page?: Page): Promise<Page> {
  const href = `${origin}/explore${filtersToSearch({ ...NO_FILTERS, ...f })}`;
  if (!page && origin === drone.origin) page = await shared.get();
  if (page) {
    await visit(page, href);
    return page;
  }
  const opened = await browser.newPage();
  await opened.goto(href);
  await ready(opened);
  return opened;
}

const value = (page: Page, id: string) =>
  page.getAttribute(`[data-testid="result-${id}"]`, 'data-value');

/** Count and budget of the given projects (and optional conditions), by native DuckDB. */
async function expected(ids: string[], where = 'TRUE') {
  const [r] = await rows(
    `SELECT count(*)::VARCHAR AS projects, coalesce(sum(p.budget), 0)::VARCHAR AS budget
     FROM ${table(DRONE_DATA, 'projects')} p LEFT JOIN ${table(DRONE_DATA, 'methods')} m USING (method_id)
     WHERE list_contains(?::VARCHAR[], p.project_id) AND ${where}`,
    [`[${ids.map((x) => `"${x}"`).join(',')}]`],
  );
  return r!;
}

describe('search on the real drone projects', () => {
  it('shows the counts of the projects whose names hold the words, whole words first, highlighted', async () => {
    let page: Page | undefined;
    for (const q of ['โดรน', 'อากาศยานไร้คนขับ', 'UAV']) {
      page = await view(drone.origin, { q }, page);
      const words = (await page.getAttribute('[data-testid="search-words"]', 'data-value'))!.split(
        ' ',
      );
      const ids = matching(names, words);
      expect(ids.length, q).toBeGreaterThan(50);
      const e = await expected(ids);
      expect(await value(page, 'projects'), q).toBe(e.projects);
      expect(await value(page, 'budget'), q).toBe(e.budget);
      // Every row on the page matches, whole-word matches before the rest, and the match is marked.
      const shown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-project-id')!,
          marks: [...tr.querySelectorAll('mark')].map((m) => m.textContent ?? ''),
        })),
      );
      expect(shown.length).toBe(50);
      const whole = shown.map((r) => wholeWords(names.get(r.id)!, words));
      expect(whole).toEqual([...whole].sort((a, b) => Number(b) - Number(a)));
      for (const r of shown) {
        expect(ids).toContain(r.id);
        expect(r.marks.length, `${q} ${r.id}`).toBeGreaterThan(0);
      }
    }
  });

  it('pages a search past its first page and in every order as native DuckDB sorts its hits', async () => {
    const q = 'โดรน';
    const ids = matching(names, [q]);
    const whole = ids.filter((id) => wholeWords(names.get(id)!, [q]));
    expect(ids.length).toBeGreaterThan(100);
    expect(whole.length).toBeLessThan(ids.length);
    const list = (xs: string[]) => `[${xs.map((x) => `"${x}"`).join(',')}]`;
    // Whole-word matches first, then the table's order (src/lib/query/page-sql.ts SORT_ORDER).
    const orders = {
      '-budget': 'budget DESC NULLS LAST, project_id',
      agreed: 'agreed ASC NULLS LAST, project_id',
      fy: 'fiscal_year, project_seq',
      '-fy': 'fiscal_year DESC, project_seq',
    } as const;
    for (const [sort, order] of Object.entries(orders)) {
      for (const n of sort === '-budget' ? [2] : [1, 2]) {
        const expected = (
          await rows(
            `SELECT project_id FROM ${table(DRONE_DATA, 'projects')}
             WHERE list_contains(?::VARCHAR[], project_id)
             ORDER BY NOT list_contains(?::VARCHAR[], project_id), ${order}
             LIMIT 50 OFFSET ${(n - 1) * 50}`,
            [list(ids), list(whole)],
          )
        ).map((x) => String(x.project_id));
        const page = await view(drone.origin, { q, sort: sort as Filters['sort'], page: n });
        const shown = await page.$$eval('[data-testid="results"] tbody tr', (trs) =>
          trs.map((tr) => tr.getAttribute('data-project-id')),
        );
        expect({ sort, n, shown }).toEqual({ sort, n, shown: expected });
      }
    }
  });

  it('combines with year and method filters, and the export holds exactly the same projects', async () => {
    const f = { q: 'โดรน', fy: [2566], method: ['specific'] };
    const page = await view(drone.origin, f);
    const ids = matching(names, ['โดรน']);
    const e = await expected(ids, `p.fiscal_year = 2566 AND m.method_bucket = 'specific'`);
    expect(Number(e.projects)).toBeGreaterThan(10);
    expect(await value(page, 'projects')).toBe(e.projects);
    expect(await value(page, 'budget')).toBe(e.budget);
    // The facet beside each year counts the searched projects of that year.
    const fy2567 = await expected(ids, `p.fiscal_year = 2567 AND m.method_bucket = 'specific'`);
    await expect
      .poll(
        () =>
          page.getAttribute(
            '[data-testid="filter-fy"] label:has(input[value="2567"]) .count',
            'data-count',
          ),
        POLL,
      )
      .toBe(fy2567.projects);
    await page.waitForSelector('[data-testid="export-csv"]:not([disabled])');
    const csv = await download(page, 'export-csv');
    const body = (parse(csv.bytes.toString('utf8').slice(1)) as string[][]).slice(1);
    expect(String(body.length)).toBe(e.projects);
    const got = body.map((r) => r[0]!);
    const whole = got.map((id) => wholeWords(names.get(id)!, ['โดรน']));
    expect(whole).toEqual([...whole].sort((a, b) => Number(b) - Number(a)));
  });

  it('searches from the box, keeps q in the URL, and back restores the view', async () => {
    const page = await view(drone.origin, {});
    const all = await value(page, 'projects');
    await page.fill('[data-testid="search-input"]', 'ฉีดพ่น');
    await page.click('[data-testid="search-go"]');
    await page.waitForURL(/q=/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ฉีดพ่น');
    const ids = matching(names, ['ฉีด', 'พ่น']);
    await expect.poll(() => value(page, 'projects'), POLL).toBe(String(ids.length));
    await page.goBack();
    await expect.poll(() => value(page, 'projects'), POLL).toBe(all);
  });

  it('gives clear messages or empty results for odd queries, never an error', async () => {
    // One page followed from query to query; each next view differs from the one before.
    // In a page of its own: in the shared one, after a view with no filter, this view (its one
    // value invalid) would mean the same and run nothing.
    const page = await view(drone.origin, { q: 'ถนน'.repeat(200) }, await browser.newPage());
    expect(await page.textContent('[data-testid="invalid-params"]')).toContain(
      'q: longer than 200 characters',
    );
    for (const q of ["'; DROP TABLE projects; --", '(-) …!', 'zzzqqq']) {
      await view(drone.origin, { q }, page);
      if (q === '(-) …!') {
        expect(await page.textContent('[data-testid="invalid-params"]')).toContain(
          'no letters or digits to search',
        );
        continue;
      }
      expect(await value(page, 'projects')).toBe('0');
      expect(await page.isVisible('[data-testid="no-rows"]')).toBe(true);
    }
    // Thai digits in the query find Arabic digits in names (and the other way round).
    await view(drone.origin, { q: '๒๕๖๖' }, page);
    expect(await value(page, 'projects')).toBe(String(matching(names, ['2566']).length));
    await page.close();
  });
});

describe('qin=all', () => {
  it('finds a project by a winner name made of markup, and shows that name as text', async () => {
    const markup = await serve({ root: BUILD, dataDir: MARKUP_DATA });
    try {
      const page = await view(markup.origin, { q: 'ทดสอบ', qin: 'all' });
      const [hit] = await rows(
        `SELECT DISTINCT c.project_id FROM ${table(MARKUP_DATA, 'contracts')} c
         JOIN ${table(MARKUP_DATA, 'vendors')} v USING (vendor_id) WHERE v.name = ?`,
        [MARKUP_NAME],
      );
      expect(Number(await value(page, 'projects'))).toBeGreaterThanOrEqual(1);
      await page.click(`[data-project-id="${String(hit!.project_id)}"] button.open`);
      await page.waitForSelector('[data-testid="project-panel"]', { timeout: 30_000 });
      await expect
        .poll(() => page.textContent('[data-testid="project-panel"]'), POLL)
        .toContain(MARKUP_NAME);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      await page.close();
    } finally {
      await markup.close();
    }
  });
});
