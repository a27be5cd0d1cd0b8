/**
 * Profiles in the browser (DuckDB-WASM in Chromium): the agency, vendor and project pages'
 * numbers against native DuckDB on the real drone set, their flags, and a vendor name made of
 * markup shown as text.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  download,
  follow,
  launch,
  ready,
  serve,
  SharedPage,
  visit,
  type TestServer,
} from '../helpers/browser';
import { readRecords } from '../helpers/csv';
import { lit, rows } from '../helpers/duckdb';
import { expectedTotals, table } from '../helpers/expected';
import { DRONE_CSV, TMP } from '../helpers/paths';
import { expectedFlag } from '../helpers/flags';
import type { Manifest } from '../../src/lib/schema/tables';
import { FLAG_IDS } from '../../src/lib/query/flag-defs';
import { BUILD, DEMO_DATA, DRONE_DATA, MARKUP_DATA, MARKUP_NAME, OCDS_DATA } from './setup-paths';

const E2E_TMP = path.join(TMP, 'e2e-profiles');
let browser: Browser;
let drone: TestServer;
let markup: TestServer;

beforeAll(async () => {
  mkdirSync(E2E_TMP, { recursive: true });
  browser = await launch();
  drone = await serve({ root: BUILD, dataDir: DRONE_DATA });
  markup = await serve({ root: BUILD, dataDir: MARKUP_DATA });
});

afterAll(async () => {
  await browser?.close();
  await drone?.close();
  await markup?.close();
});

async function open(url: string, view: 'profile' | 'new-page' = 'profile'): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await ready(page, view);
  return page;
}

const dronePage = new SharedPage(() => browser);
/** The drone set's profile `path`, in the page its tests share. */
async function onDrone(path: string): Promise<Page> {
  const page = await dronePage.get();
  await visit(page, `${drone.origin}${path}`, 'profile');
  return page;
}

const value = (page: Page, id: string) =>
  page.getAttribute(`[data-testid="result-${id}"]`, 'data-value');

/** The profile's by-year chart: each bar's exact amount, in year order. */
const yearBars = (page: Page) =>
  page
    .locator('[data-testid="chart-profile-years"] .mark')
    .evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-value'))));

/** A bar-list chart's bars: each label and exact amount, in order. */
const listBars = (page: Page, testid: string) =>
  page
    .locator(`[data-testid="${testid}"] ol li`)
    .evaluateAll((lis) =>
      lis.map((li) => [li.querySelector('.label')!.textContent!.trim(), Number(li.dataset.value)]),
    );

describe('profiles on the real drone set', () => {
  it('an agency: its numbers, its winners and its flags as native DuckDB computes them', async () => {
    const [a] = await rows(
      `SELECT a.agency_key, a.agency_id, count(*)::VARCHAR AS projects, sum(p.budget)::VARCHAR AS budget
       FROM ${table(DRONE_DATA, 'projects')} p JOIN ${table(DRONE_DATA, 'agencies')} a USING (agency_id)
       GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const [c] = await rows(
      `SELECT count(*)::VARCHAR AS contracts, sum(price_agree)::VARCHAR AS agreed
       FROM ${table(DRONE_DATA, 'contracts')} WHERE agency_id = ?`,
      [Number(a!.agency_id)],
    );
    const page = await onDrone(`/agency?key=${a!.agency_key}`);
    expect(await value(page, 'projects')).toBe(a!.projects);
    expect(await value(page, 'budget')).toBe(a!.budget);
    expect(await value(page, 'contracts')).toBe(c!.contracts);
    expect(await value(page, 'agreed')).toBe(c!.agreed);
    // Its budget by year, drawn (#24): one bar per year, each native DuckDB's sum.
    const budgets = await rows(
      `SELECT sum(budget)::VARCHAR AS v FROM ${table(DRONE_DATA, 'projects')} WHERE agency_id = ?
       GROUP BY fiscal_year ORDER BY fiscal_year`,
      [Number(a!.agency_id)],
    );
    expect(await yearBars(page)).toEqual(budgets.map((r) => Number(r.v)));
    expect(await page.locator('[data-testid="profile-vendors"] tbody tr').count()).toBeGreaterThan(
      0,
    );
    // Its method mix and its ten largest winners, drawn (#24), as native DuckDB counts them.
    const mix = await rows(
      `SELECT coalesce(m.method_bucket, 'unknown') AS b, count(*)::INTEGER AS n FROM ${table(DRONE_DATA, 'projects')} p
       LEFT JOIN ${table(DRONE_DATA, 'methods')} m USING (method_id) WHERE p.agency_id = ? GROUP BY 1`,
      [Number(a!.agency_id)],
    );
    const drawn = await listBars(page, 'chart-profile-methods');
    expect(drawn.map(([, n]) => n).sort()).toEqual(mix.map((r) => Number(r.n)).sort());
    const winners = await rows(
      `SELECT coalesce(v.name, v.vendor_key) AS name, sum(c.price_agree)::VARCHAR AS v
       FROM ${table(DRONE_DATA, 'contracts')} c JOIN ${table(DRONE_DATA, 'vendors')} v USING (vendor_id)
       WHERE c.agency_id = ? GROUP BY c.vendor_id, 1 ORDER BY sum(c.price_agree) DESC LIMIT 10`,
      [Number(a!.agency_id)],
    );
    expect((await listBars(page, 'chart-profile-vendors')).map(([, v]) => v)).toEqual(
      winners.map((w) => Number(w.v)),
    );
    expect((await listBars(page, 'chart-profile-vendors'))[0]![0]).toBe(winners[0]!.name);
    expect(
      Number(await page.getAttribute('[data-testid="profile-hhi"]', 'data-value')),
    ).toBeGreaterThan(0);
    // Flags over this agency: F1 as the independent rule says, for its projects.
    await page.waitForSelector('[data-testid="flags"][data-state="ready"]', { timeout: 90_000 });
    const ids = new Set(
      (
        await rows(`SELECT project_id FROM ${table(DRONE_DATA, 'projects')} WHERE agency_id = ?`, [
          Number(a!.agency_id),
        ])
      ).map((x) => String(x.project_id)),
    );
    const f1 = (await expectedFlag(DRONE_DATA, 'F1')).flagged.filter((x) => ids.has(x));
    expect(await page.getAttribute('[data-testid="flag-count-F1"]', 'data-value')).toBe(
      String(f1.length),
    );
    // The flags at a glance (#24): F1's bar is the share of the projects it could be computed for.
    const covered = Number(
      await page.getAttribute('[data-testid="flag-coverage-F1"]', 'data-value'),
    );
    const glance = await listBars(page, 'chart-flags');
    expect(glance.find(([label]) => String(label).startsWith('F1'))?.[1]).toBe(f1.length / covered);
    // The link to the explorer carries the agency's key.
    const href = await page.getAttribute('[data-testid="open-explorer"]', 'href');
    expect(href).toContain(`agency=${a!.agency_key}`);
  });

  it('a whole agency across its units, and its explorer link counting the same (#21)', async () => {
    const [most] = await rows(
      `SELECT dept_name AS name, count(*)::INTEGER AS units FROM ${table(DRONE_DATA, 'agencies')}
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    );
    const name = String(most!.name);
    const [want] = await rows(
      `SELECT count(DISTINCT รหัสโครงการ)::VARCHAR AS projects,
              sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
       FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) WHERE ชื่อหน่วยงาน = ?`,
      [name],
    );
    const page = await onDrone(`/agency?name=${encodeURIComponent(name)}`);
    expect(await page.getAttribute('[data-testid="agency-units"]', 'data-value')).toBe(
      String(most!.units),
    );
    expect(await value(page, 'projects')).toBe(want!.projects);
    expect(await value(page, 'budget')).toBe(want!.budget);
    expect(await page.locator('[data-testid="same-name"] li').count()).toBe(most!.units);
    await page.click('[data-testid="open-explorer"]');
    await page.waitForURL((u) => u.pathname === '/explore');
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', { timeout: 60_000 });
    expect(await value(page, 'projects')).toBe(want!.projects);
  });

  it('a vendor: wins, agencies, names and tax-id status', async () => {
    const [v] = await rows(
      `SELECT w.tin, w.vendor_id, count(DISTINCT c.project_id)::VARCHAR AS projects,
         sum(c.price_agree)::VARCHAR AS agreed, count(DISTINCT c.agency_id)::INTEGER AS agencies
       FROM ${table(DRONE_DATA, 'contracts')} c JOIN ${table(DRONE_DATA, 'vendors')} w USING (vendor_id)
       WHERE w.tin_status = 'valid' GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const mark = drone.log.length;
    const page = await open(`${drone.origin}/en/vendor?id=${v!.tin}`);
    expect(await value(page, 'projects')).toBe(v!.projects);
    // Its flags over the agencies it won from, every one as the independent rules say, counted
    // from the bits the ingest wrote on its rows (schema 27): no year's projects or contracts read.
    await page.waitForSelector('[data-testid="flags"][data-state="ready"]', { timeout: 90_000 });
    const own = new Set(
      (
        await rows(
          `SELECT DISTINCT project_id FROM ${table(DRONE_DATA, 'contracts')} WHERE vendor_id = ?`,
          [Number(v!.vendor_id)],
        )
      ).map((x) => String(x.project_id)),
    );
    let raised = 0;
    for (const id of FLAG_IDS) {
      const want = (await expectedFlag(DRONE_DATA, id)).flagged.filter((x) => own.has(x)).length;
      expect([
        id,
        await page.getAttribute(`[data-testid="flag-count-${id}"]`, 'data-value'),
      ]).toEqual([id, String(want)]);
      raised += want;
    }
    expect(raised).toBeGreaterThan(0);
    expect(drone.log.slice(mark).filter((e) => /\/(projects|contracts)\//.test(e.path))).toEqual(
      [],
    );
    expect(await value(page, 'agreed')).toBe(v!.agreed);
    // The value of its contracts by year, drawn (#24), as native DuckDB sums it.
    const agreed = await rows(
      `SELECT sum(price_agree)::VARCHAR AS v FROM ${table(DRONE_DATA, 'contracts')} WHERE vendor_id = ?
       GROUP BY fiscal_year ORDER BY fiscal_year`,
      [Number(v!.vendor_id)],
    );
    expect(await yearBars(page)).toEqual(agreed.map((r) => Number(r.v)));
    expect(await page.getAttribute('[data-testid="vendor-tin"]', 'data-value')).toBe('valid');
    expect(await page.textContent('[data-testid="vendor-tin"]')).toContain('check digit');
    expect(await page.locator('[data-testid="profile-agencies"] tbody tr').count()).toBe(
      Math.min(20, v!.agencies as number),
    );
    // The ten agencies it won the most from, drawn (#24): native DuckDB's sums, in its order.
    const from = await rows(
      `SELECT sum(price_agree)::VARCHAR AS v FROM ${table(DRONE_DATA, 'contracts')} WHERE vendor_id = ?
       GROUP BY agency_id ORDER BY sum(price_agree) DESC LIMIT 10`,
      [Number(v!.vendor_id)],
    );
    expect((await listBars(page, 'chart-profile-agencies')).map(([, x]) => x)).toEqual(
      from.map((r) => Number(r.v)),
    );
    expect(await page.locator('[data-testid="vendor-names"] li').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('one company, one vendor: a name key leads to its tax id, linked records listed, strict view (#21)', async () => {
    // หนึ่งสาม สโตร์: 31 contracts carry its tax id (FY2568), 88 a broken one (FY2565–2567).
    const page = await onDrone(`/vendor?id=${encodeURIComponent('name:หนึ่งสาม สโตร์')}`);
    await page.waitForURL((u) => u.searchParams.get('id') === 'tin:0105556001374');
    await ready(page, 'profile');
    await expect.poll(() => value(page, 'contracts'), { timeout: 30_000 }).toBe('119');
    expect(await page.textContent('[data-testid="vendor-linked-from"]')).toContain(
      'name:หนึ่งสาม สโตร์',
    );
    expect(await page.getAttribute('[data-testid="vendor-linked"]', 'data-value')).toBe('88');
    const linked = page.locator('[data-testid="vendor-linked-contracts"] tbody tr');
    expect(await linked.count()).toBe(88);
    expect(await linked.first().textContent()).toContain('เลขผู้เสียภาษีเสีย');
    // The strict view: only the records that carry the tax id.
    await page.click('[data-testid="vendor-linked"] a');
    await page.waitForURL((u) => u.searchParams.get('vendor_match') === 'tin');
    await ready(page, 'profile');
    await expect.poll(() => value(page, 'contracts'), { timeout: 30_000 }).toBe('31');
    expect(await value(page, 'agreed')).toBe('33346468.00');
    expect(await page.locator('[data-testid="vendor-linked-contracts"]').count()).toBe(0);
  });

  it('/dataset: sources, rows, repairs and each year’s fields, from the manifest (#21)', async () => {
    const m = JSON.parse(readFileSync(path.join(DRONE_DATA, 'manifest.json'), 'utf8')) as Manifest;
    const page = await browser.newPage();
    await page.goto(`${drone.origin}/explore`);
    // Once the app runs, so the link is followed in the app: /dataset's prerendered HTML holds
    // the build's dataset (the demo), and a click before hydration would show that first.
    await ready(page);
    await page.click('[data-testid="footer-data"]'); // every page links it
    await page.waitForURL((u) => u.pathname === '/dataset');
    const sources = page.locator('[data-testid="data-sources"] tbody tr');
    await sources.first().waitFor();
    expect(await sources.count()).toBe(m.sources.length);
    expect(await sources.first().locator('code').textContent()).toBe(m.sources[0]!.sha256);
    const cell = (table: string, row: string) =>
      page.getAttribute(`[data-testid="${table}"] tr${row} td.num`, 'data-value');
    expect(await cell('data-rows', '[data-key="read"]')).toBe(String(m.counts.rows_read));
    expect(await cell('data-rows', '[data-key="written"]')).toBe(String(m.counts.rows_written));
    // What the ingest repaired: the broken tax ids, and the contracts linked by name (§1).
    expect(await cell('data-quality', '[data-key="tin_broken"]')).toBe('1448');
    const [linked] = await rows(
      `SELECT count(*)::VARCHAR AS n FROM ${table(DRONE_DATA, 'contracts')} WHERE vendor_match > 0`,
    );
    expect(await cell('data-quality', '[data-key="vendor_linked_by_name"]')).toBe(linked!.n);
    // The drone files carry no signing dates in any year; every year has its budgets.
    for (const y of m.fiscal_years) {
      const row = `[data-testid="data-coverage"] tr[data-year="${y}"]`;
      expect(await page.getAttribute(`${row} td[data-field="contract_date"]`, 'data-value')).toBe(
        '0',
      );
      expect(await page.getAttribute(`${row} td[data-field="budget"]`, 'data-value')).toBe(
        String(m.coverage[String(y)]!.projects),
      );
    }
    await page.close();
  });

  it('/dataset: the first rejected rows of each reason, as rejects.csv has them (#21)', async () => {
    const m = JSON.parse(readFileSync(path.join(DEMO_DATA, 'manifest.json'), 'utf8')) as Manifest;
    const [head, ...rejected] = readRecords(path.join(DEMO_DATA, m.rejects_file!));
    const col = (name: string) => head!.indexOf(name);
    expect(rejected.length).toBeGreaterThan(0);
    const demo = await serve({ root: BUILD, dataDir: DEMO_DATA });
    const page = await browser.newPage();
    await page.goto(`${demo.origin}/dataset`);
    for (const reason of new Set(rejected.map((r) => r[col('reason')]!))) {
      const first = rejected.filter((r) => r[col('reason')] === reason).slice(0, 3);
      const item = page.locator(`[data-testid="data-rejects"] > li[data-reason="${reason}"]`);
      await item.locator('summary').click();
      const examples = item.locator('[data-testid="data-reject-example"]');
      expect(
        await examples.evaluateAll((xs) => xs.map((x) => x.getAttribute('data-line'))),
      ).toEqual(first.map((r) => r[col('line')]));
      expect(await examples.first().textContent()).toContain(first[0]![col('source_file')]!);
      // The first 300 characters of the raw row, and a word that it was cut.
      const raw = first[0]![col('raw')]!;
      expect(await examples.first().locator('pre').textContent()).toBe(raw.slice(0, 300));
      expect(await examples.first().locator('.cut').count()).toBe(raw.length > 300 ? 1 : 0);
    }
    await page.close();
    await demo.close();
  });

  it('a dataset in guaraníes: every amount labelled PYG, never baht; its publisher and licence cited (#21)', async () => {
    const m = JSON.parse(readFileSync(path.join(OCDS_DATA, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.currency).toBe('PYG');
    const py = await serve({ root: BUILD, dataDir: OCDS_DATA });
    const page = await browser.newPage();
    for (const lang of ['', '/en']) {
      await page.goto(`${py.origin}${lang}/explore`);
      await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', {
        timeout: 60_000,
      });
      const text = (await page.textContent('main'))!;
      expect(text).toContain('(PYG)');
      expect(text).not.toMatch(/บาท|THB|baht/i);
    }
    // The citation names the publisher and its licence, not data.go.th.
    await page.click('[data-testid="cite"]');
    const cite = await page.inputValue('[data-testid="citation"]');
    expect(cite).toContain('DNCP - Paraguay');
    expect(cite).not.toContain('data.go.th');
    // (The page is prerendered from the build's data; a link from the site reads the served one.)
    await page.click('[data-testid="footer-data"]');
    await page.waitForURL((u) => u.pathname === '/en/dataset');
    await expect
      .poll(() => page.getAttribute('[data-testid="data-currency"]', 'data-value'))
      .toBe('PYG');
    expect(await page.textContent('[data-testid="data-licence"]')).toContain('DNCP - Paraguay');
    await page.close();
    await py.close();
  });

  it('a project: every field, its contracts, the value of its contracts and its flags', async () => {
    const f1 = await expectedFlag(DRONE_DATA, 'F1');
    const id = f1.flagged[0]!;
    const [c] = await rows(
      `SELECT coalesce(sum(price_agree), 0)::VARCHAR AS agreed, count(*)::INTEGER AS n
       FROM ${table(DRONE_DATA, 'contracts')} WHERE project_id = ?`,
      [id],
    );
    const from = drone.log.length;
    const page = await onDrone(`/project?id=${id}`);
    // Found through the id index (schema 26): the year's own file of ids is read.
    expect(drone.log.slice(from).some((e) => e.path.includes('/project_ids/fy'))).toBe(true);
    expect(await value(page, 'projects')).toBe('1');
    expect(await value(page, 'agreed')).toBe(c!.agreed);
    expect(await page.locator('[data-testid="project-contracts"] tbody tr').count()).toBe(c!.n);
    // Its money as one comparison (#24): budget, reference price, agreed price, each contract.
    const [money] = await rows(
      `SELECT budget::VARCHAR AS b, price_build::VARCHAR AS r, agreed::VARCHAR AS a
       FROM ${table(DRONE_DATA, 'projects')} WHERE project_id = ?`,
      [id],
    );
    const each = await rows(
      `SELECT price_agree::VARCHAR AS v FROM ${table(DRONE_DATA, 'contracts')} WHERE project_id = ?
       AND price_agree IS NOT NULL`,
      [id],
    );
    const bars = (await listBars(page, 'chart-project-money')).map(([, v]) => v);
    const want = [money!.b, money!.r, money!.a].filter((x) => x !== null).map(Number);
    expect(bars.slice(0, want.length)).toEqual(want);
    expect(bars.slice(want.length).sort()).toEqual(each.map((r) => Number(r.v)).sort());
    expect(await page.getAttribute('[data-testid="project-flag-F1"]', 'data-value')).toBe(
      'flagged',
    );
    // No contract dates in this set: the split-purchase rule cannot be computed for it.
    expect(await page.getAttribute('[data-testid="project-flag-F3"]', 'data-value')).toBe(
      'not_covered',
    );
    expect(await page.textContent('[data-testid="project-fields"]')).toContain(id);
    const missing = await onDrone('/project?id=99999999999');
    expect(await missing.textContent('[data-testid="profile"]')).toContain('ไม่พบ');
  });

  it('shows a vendor name made of markup as text', async () => {
    const [v] = await rows(
      `SELECT vendor_key FROM ${table(MARKUP_DATA, 'vendors')} WHERE name = ?`,
      [MARKUP_NAME],
    );
    const page = await open(
      `${markup.origin}/vendor?id=${encodeURIComponent(String(v!.vendor_key))}`,
    );
    expect(await page.textContent('[data-testid="vendor-name"]')).toBe(MARKUP_NAME);
    expect(await page.locator('[data-testid="profile"] img').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    await page.close();
  });

  it('/new: what the latest update added, in the prerendered HTML, by agency and winner, and its explorer view (#23)', async () => {
    // The demo build's own data (the page is prerendered from it): a history whose latest
    // snapshot added the latest fiscal year's file (tests/helpers/fixtures.ts).
    const m = JSON.parse(readFileSync(path.join(DEMO_DATA, 'manifest.json'), 'utf8')) as Manifest;
    const fresh = `(SELECT project_id FROM ${table(DEMO_DATA, 'first_seen')} WHERE first_snapshot = ${lit(m.snapshot_id)})`;
    const [p] = await rows(
      `SELECT count(*)::VARCHAR AS projects, sum(budget)::VARCHAR AS budget,
         count(*) FILTER (WHERE fiscal_year = ${Math.max(...m.fiscal_years)})::VARCHAR AS latest_year
       FROM ${table(DEMO_DATA, 'projects')} WHERE project_id IN ${fresh}`,
    );
    const [c] = await rows(
      `SELECT count(*)::VARCHAR AS contracts, sum(price_agree)::VARCHAR AS agreed
       FROM ${table(DEMO_DATA, 'contracts')} WHERE project_id IN ${fresh}`,
    );
    const agencies = await rows(
      `SELECT sum(budget)::DOUBLE AS v FROM ${table(DEMO_DATA, 'projects')}
       WHERE project_id IN ${fresh} GROUP BY agency_id ORDER BY v DESC LIMIT 10`,
    );
    const winners = await rows(
      `SELECT sum(price_agree)::DOUBLE AS v FROM ${table(DEMO_DATA, 'contracts')}
       WHERE project_id IN ${fresh} AND vendor_id IS NOT NULL GROUP BY vendor_id ORDER BY v DESC LIMIT 10`,
    );
    // The update added the latest year's projects (a few of them were in earlier files too).
    expect(Number(p!.projects)).toBeGreaterThan(Number(p!.latest_year) * 0.9);
    const demo = await serve({ root: BUILD, dataDir: DEMO_DATA });
    // Without scripts: the numbers and bars are in the HTML.
    const still = await browser.newContext({ javaScriptEnabled: false });
    const page = await still.newPage();
    await page.goto(`${demo.origin}/new`);
    expect(await page.getAttribute('[data-testid="new-page"]', 'data-added')).toBe(p!.projects);
    expect(await page.textContent('[data-testid="new-summary"]')).toContain(m.first_seen!.date);
    for (const [id, v] of Object.entries({ projects: p!.projects, budget: p!.budget, ...c! }))
      expect(await value(page, id)).toBe(v);
    expect((await listBars(page, 'new-agencies')).map(([, v]) => v)).toEqual(
      agencies.map((x) => x.v),
    );
    expect((await listBars(page, 'new-vendors')).map(([, v]) => v)).toEqual(
      winners.map((x) => x.v),
    );
    // The landing page says how many the update added, linking here.
    await page.goto(`${demo.origin}/`);
    expect(await page.textContent('[data-testid="home-new"]')).toContain(
      Number(p!.projects).toLocaleString('th-TH'),
    );
    expect(await page.getAttribute('[data-testid="home-new"]', 'href')).toBe('/new');
    await still.close();
    // With scripts: the whole list is the explorer under seen=latest, its filter shown as set.
    const live = await browser.newPage();
    await live.goto(`${demo.origin}/new`);
    await live.click('[data-testid="new-all"]');
    await live.waitForURL(/\/explore\?seen=latest$/);
    await ready(live);
    expect(await value(live, 'projects')).toBe(p!.projects);
    expect(await live.isChecked('[data-testid="filter-seen"] input[name="seen"]')).toBe(true);
    // An update the manifest no longer keeps is named as such.
    await live.goto(`${demo.origin}/new?snap=abcdef123456`);
    await live.waitForSelector('[data-testid="new-page"] [role="alert"]');
    expect(await live.textContent('[data-testid="new-page"]')).toContain('abcdef123456');
    await live.close();
    await demo.close();
  });

  it('/following: follow an agency, a winner and a view; what is new since; OPML out and back in (#23)', async () => {
    const m = JSON.parse(readFileSync(path.join(DRONE_DATA, 'manifest.json'), 'utf8')) as Manifest;
    const fresh = `(SELECT project_seq FROM ${table(DRONE_DATA, 'first_seen')} WHERE first_snapshot = ${lit(m.snapshot_id)})`;
    // The agency unit and the winner with a tax id with the most new projects, and a province.
    const [a] = await rows(
      `SELECT a.agency_key, a.province FROM ${table(DRONE_DATA, 'projects')} p
       JOIN ${table(DRONE_DATA, 'agencies')} a USING (agency_id)
       WHERE p.project_seq IN ${fresh} GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const [v] = await rows(
      `SELECT v.vendor_key, v.tin FROM ${table(DRONE_DATA, 'contracts')} c
       JOIN ${table(DRONE_DATA, 'vendors')} v USING (vendor_id)
       WHERE c.project_seq IN ${fresh} AND v.tin_status = 'valid'
       GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const agencyKey = String(a!.agency_key);
    const vendorKey = String(v!.vendor_key);
    const province = String(a!.province);
    const page = await onDrone(`/agency?key=${agencyKey}`);
    await page.click('[data-testid="follow"]');
    expect(await page.getAttribute('[data-testid="follow"]', 'aria-pressed')).toBe('true');
    // Each followed as a link: the engine starts once.
    await visit(page, `${drone.origin}/vendor?id=${encodeURIComponent(vendorKey)}`, 'profile');
    await page.click('[data-testid="follow"]');
    await visit(page, `${drone.origin}/explore?${new URLSearchParams({ province })}`);
    await page.click('[data-testid="follow"]');

    const items = async () => {
      await page.waitForSelector('[data-testid="following"][data-state="ready"]');
      return page
        .locator('[data-testid="following-item"]')
        .evaluateAll((li) => li.map((x) => [x.dataset.kind, x.dataset.key, x.dataset.new]));
    };
    await follow(page, `${drone.origin}/following`);
    const view = `?${new URLSearchParams({ province })}`;
    // Followed on the latest snapshot: nothing new yet.
    expect(await items()).toEqual([
      ['agency', agencyKey, '0'],
      ['vendor', vendorKey, '0'],
      ['view', view, '0'],
    ]);
    // As if followed before the last update: the storage says the earlier snapshot.
    const before = m.snapshots![1]!;
    await page.evaluate(
      ([snap, since]) => {
        const k = 'phasi-pai-nai:following';
        const list = JSON.parse(localStorage.getItem(k)!) as { items: object[] };
        list.items = list.items.map((i) => ({ ...i, snap, since }));
        localStorage.setItem(k, JSON.stringify(list));
      },
      [before.id, before.first_seen!],
    );
    await page.reload();
    const since = m.first_seen!.date;
    const expected = [
      [
        'agency',
        agencyKey,
        (await expectedTotals(DRONE_DATA, { agency: agencyKey, seenSince: since })).projects,
      ],
      [
        'vendor',
        vendorKey,
        (await expectedTotals(DRONE_DATA, { vendor: vendorKey, seenSince: since })).projects,
      ],
      [
        'view',
        view,
        (await expectedTotals(DRONE_DATA, { province: [province], seenSince: since })).projects,
      ],
    ];
    expect(Number(expected[0]![2])).toBeGreaterThan(0);
    expect(await items()).toEqual(expected);
    // Its link opens exactly those projects in the explorer.
    await page.click('[data-testid="following-item"] >> nth=0 >> [data-testid="following-new"]');
    await ready(page);
    expect(await value(page, 'projects')).toBe(expected[0]![2]);
    await page.goBack();

    // Export: valid OPML, the agency and the winner with their feeds (which the site serves).
    const file = await download(page, 'following-export');
    const text = file.bytes.toString('utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const opml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      text,
    ) as {
      opml: { version: string; body: { outline: Record<string, string>[] } };
    };
    expect(opml.opml.version).toBe('2.0');
    const outlines = opml.opml.body.outline;
    expect(outlines.map((o) => [o.type, o.xmlUrl ?? o.url])).toEqual([
      ['rss', `${drone.origin}/data/feeds/agency/${agencyKey}.xml`],
      ['rss', `${drone.origin}/data/feeds/vendor/${String(v!.tin)}.xml`],
      ['link', `${drone.origin}/explore${view}`],
    ]);
    for (const o of outlines.slice(0, 2)) {
      const feed = await fetch(o.xmlUrl!);
      expect(feed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
      expect(await feed.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    }

    // A new browser (storage cleared): empty, then the file imported brings the list back whole.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector('[data-testid="following-empty"]');
    // The input takes a file once the manifest is in (it is disabled before): a file set earlier
    // was dropped on a loaded CI machine (the message never came).
    await page.waitForSelector('[data-testid="following-import"]:enabled');
    const saved = path.join(E2E_TMP, 'following.opml');
    writeFileSync(saved, file.bytes);
    await page.setInputFiles('[data-testid="following-import"]', saved);
    await page.waitForSelector('[data-testid="following-message"]');
    expect(await items()).toEqual(expected);
    await page.reload(); // and it survives a reload
    expect(await items()).toEqual(expected);
  });
});
