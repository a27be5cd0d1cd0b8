import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Truth } from '../../scripts/generate';
import { launch, serve, type TestServer } from '../helpers/browser';
import { lit, rows } from '../helpers/duckdb';
import { DRONE_CSV } from '../helpers/paths';
import { expectedTotals, manifestOf, sharedAgencyName } from './expected';
import { BASE_PATH, BUILD, BUILD_BASE, DEMO_DATA, DEMO_SRC, DRONE_DATA } from './setup-paths';

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

async function values(page: Page): Promise<{ projects: string; budget: string }> {
  return {
    projects: (await page.getAttribute('[data-testid="result-projects"]', 'data-value'))!,
    budget: (await page.getAttribute('[data-testid="result-budget"]', 'data-value'))!,
  };
}

async function open(url: string): Promise<{ page: Page; requested: string[] }> {
  const p = await newPage();
  await p.page.goto(url);
  await ready(p.page);
  return p;
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

    const { page, requested } = await newPage();
    await page.goto(`${server.origin}/`, { waitUntil: 'networkidle' });
    expect(requested.filter((u) => /\.(wasm|parquet)$/.test(new URL(u).pathname))).toEqual([]);
    await page.close();
  });
});

describe('explorer on generated data', () => {
  it('matches native DuckDB for several filter combinations', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const cases: { fy?: number[]; agency?: string }[] = [
      {},
      { fy: [2567] },
      { fy: [2558, 2565, 2568] },
      { agency: shared.name },
      { fy: [shared.fy], agency: shared.name },
      { fy: [2566], agency: 'ไม่มีหน่วยงานนี้' },
    ];
    const { page } = await newPage();
    for (const c of cases) {
      const q = new URLSearchParams();
      for (const y of c.fy ?? []) q.append('fy', String(y));
      if (c.agency) q.set('agency', c.agency);
      await page.goto(`${server.origin}/explore?${q}`);
      await ready(page);
      expect({ case: c, ...(await values(page)) }).toEqual({
        case: c,
        ...(await expectedTotals(DEMO_DATA, c)),
      });
    }
    await page.close();
  });

  it('lists the largest projects first, with names and agencies as text', async () => {
    const { page } = await open(`${server.origin}/explore?fy=2566`);
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
    await page.close();
  });

  it('reads Parquet with range requests only and asks no other origin', async () => {
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
    // Only the chosen years' fact files were touched.
    expect(new Set(parquet.map((e) => e.path).filter((p) => p.includes('/projects/')))).toEqual(
      new Set(
        ['fy2567', 'fy2568']
          .map((y) => m.files.find((f) => f.path.endsWith(`projects/${y}.parquet`))!.path)
          .map((p) => `/data/${p}`),
      ),
    );
    expect(requested.filter((u) => new URL(u).origin !== server.origin)).toEqual([]);
    await page.close();
  });

  it('writes filters to the URL; reload, back and forward restore the view', async () => {
    const { page } = await open(`${server.origin}/explore`);
    const all = await values(page);
    await page.check('[data-testid="filter-fy"] input[value="2563"]');
    await page.waitForURL(/\?fy=2563$/);
    await ready(page);
    await expect.poll(() => values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2563] }));
    await page.reload();
    await ready(page);
    expect(await page.isChecked('[data-testid="filter-fy"] input[value="2563"]')).toBe(true);
    await page.goBack();
    await page.waitForURL(/\/explore$/);
    await expect.poll(() => values(page)).toEqual(all);
    await page.goForward();
    await expect.poll(() => values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2563] }));
    await page.close();
  });

  it('filters by an agency typed into the form', async () => {
    const shared = await sharedAgencyName(DEMO_DATA);
    const { page } = await open(`${server.origin}/explore?fy=${shared.fy}`);
    await page.fill('#agency', shared.name);
    await page.press('#agency', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('agency') === shared.name);
    await expect
      .poll(() => values(page))
      .toEqual(await expectedTotals(DEMO_DATA, { fy: [shared.fy], agency: shared.name }));
    await page.close();
  });

  it('explains invalid URL values and ignores them', async () => {
    const { page } = await open(`${server.origin}/explore?fy=abc&fy=2567&fy=9999`);
    const msg = await page.textContent('[data-testid="invalid-params"]');
    expect(msg).toContain('fy=abc');
    expect(msg).toContain('fy=9999');
    expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2567] }));
    await page.close();
  });

  it('serves English under /en with the same numbers', async () => {
    const { page } = await open(`${server.origin}/en/explore?fy=2564`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Explore');
    expect(await values(page)).toEqual(await expectedTotals(DEMO_DATA, { fy: [2564] }));
    await page.click('[data-testid="lang-switch"]');
    await page.waitForURL(/\/explore\?fy=2564$/);
    expect(await page.getAttribute('html', 'lang')).toBe('th');
    await page.close();
  });
});

describe('explorer on the real drone set', () => {
  it('shows the project count and budget native DuckDB computes from the CSV by hand', async () => {
    const drone = await serve({ root: BUILD, dataDir: DRONE_DATA });
    try {
      const pick = await rows(`SELECT ชื่อหน่วยงาน AS agency, CAST(_ปีงบ AS INTEGER) AS fy,
          count(DISTINCT รหัสโครงการ)::VARCHAR AS projects, sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
        FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true)
        GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3`);
      const page = await browser.newPage();
      for (const p of pick) {
        await page.goto(
          `${drone.origin}/explore?fy=${p.fy}&agency=${encodeURIComponent(String(p.agency))}`,
        );
        await ready(page);
        expect(await values(page)).toEqual({ projects: p.projects, budget: p.budget });
      }
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
  it('says clearly when a data file is missing on the host', async () => {
    const m = manifestOf(DEMO_DATA);
    const broken = await serve({ root: BUILD, dataDir: DEMO_DATA });
    try {
      const page = await browser.newPage();
      // Ask for a year whose file we hide by intercepting it: the host answers 404.
      const hidden = m.files.find((f) => f.table === 'projects' && f.fiscal_year === 2561)!;
      await page.route(`**/data/${hidden.path}`, (r) =>
        r.fulfill({ status: 404, body: 'not found' }),
      );
      await page.goto(`${broken.origin}/explore?fy=2561`);
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
