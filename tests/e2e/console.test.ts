/**
 * The SQL console (/sql, #23) in Chromium on DuckDB-WASM: its answers against native DuckDB and
 * the explorer, the statements it refuses (with no request leaving the site's origin), errors with
 * DuckDB's message, cancelling, and its exports' provenance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLink } from '../../scripts/lib/browser';
import {
  download,
  follow,
  launch,
  serve,
  SharedPage,
  untilNextRun,
  visit,
  type TestServer,
} from '../helpers/browser';
import { lit, rows } from '../helpers/duckdb';
import { TMP } from '../helpers/paths';
import { manifestOf, table } from '../helpers/expected';
import { expectedFlag } from '../helpers/flags';
import { parse } from 'csv-parse/sync';
import { TABLE_FUNCTIONS_ALLOWED, TABLE_FUNCTIONS_DENIED } from '../../src/lib/query/sql-guard';
import { BUILD, DEMO_DATA, FORMULA_NAME, MARKUP_DATA } from './setup-paths';

let browser: Browser;
let site: TestServer;
let markup: TestServer;
/** Another origin: a refused statement must never reach it. */
let other: Server;
let otherHits = 0;
let otherOrigin = '';

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  browser = await launch();
  site = await serve({ root: BUILD, dataDir: DEMO_DATA });
  markup = await serve({ root: BUILD, dataDir: MARKUP_DATA });
  other = createServer((_req, res) => {
    otherHits++;
    res.end('a,b\n1,2\n');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await markup?.close();
  await new Promise((r) => other?.close(r));
});

/** The demo site's page the console's tests share: the engine starts once for them. */
const shared = new SharedPage(() => browser);

interface Answer {
  state: string;
  rows: number;
  value: Record<string, unknown> | null;
  error: string;
}

/**
 * Open /sql with this query and wait for its answer. A page already on the site follows a link
 * to it, as a person does (its engine keeps running: a page load per query costs the machine
 * about 5 CPU seconds), and waits for the next answer (`data-run`).
 */
async function ask(page: Page, sql: string, origin = site.origin): Promise<Answer> {
  const href = `${origin}/sql?${new URLSearchParams({ q: sql })}`;
  const sel = '[data-testid="sql-result"]';
  if (!page.url().startsWith(`${origin}/`) || page.url() === href) {
    await page.goto(href);
    return answer(page);
  }
  await untilNextRun(page, sel, () => clickLink(page, href));
  return answer(page);
}

async function answer(page: Page): Promise<Answer> {
  const sel = '[data-testid="sql-result"]';
  await page.waitForSelector(`${sel}[data-state="ready"], ${sel}[data-state="error"]`, {
    timeout: 90_000,
  });
  const value = await page.getAttribute(sel, 'data-value');
  return {
    state: (await page.getAttribute(sel, 'data-state'))!,
    rows: Number(await page.getAttribute(sel, 'data-rows')),
    value: value ? (JSON.parse(value) as Record<string, unknown>) : null,
    // (Read at once: the error is there only when the state says so.)
    error: (await page.$('[data-testid="sql-error"]').then((e) => e?.textContent())) ?? '',
  };
}

const cells = (page: Page) =>
  page
    .locator('[data-testid="sql-table"] tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );

describe('SQL console on the demo set', () => {
  it('answers as native DuckDB and the explorer do, page by page', async () => {
    const page = await shared.get();
    const a = await ask(
      page,
      'SELECT count(*) AS projects, sum(budget) AS budget FROM projects WHERE fiscal_year = 2566;',
    );
    expect(a.state).toBe('ready');
    expect(a.rows).toBe(1);
    const [want] = await rows(
      `SELECT count(*)::INTEGER AS projects, sum(budget)::VARCHAR AS budget
       FROM ${table(DEMO_DATA, 'projects')} WHERE fiscal_year = 2566`,
    );
    expect(a.value).toEqual({ projects: want!.projects, budget: want!.budget });
    // The explorer's numbers for the same question (the same page follows a link there).
    await visit(page, `${site.origin}/explore?fy=2566`);
    const shown = (id: string) => page.getAttribute(`[data-testid="result-${id}"]`, 'data-value');
    expect(await shown('projects')).toBe(String(a.value!.projects));
    expect(await shown('budget')).toBe(a.value!.budget);

    // A long result in pages of 50: the second page is native DuckDB's rows 51–100.
    const ids = await ask(page, 'SELECT project_id FROM projects ORDER BY project_id');
    const all = await rows(
      `SELECT project_id FROM ${table(DEMO_DATA, 'projects')} ORDER BY project_id`,
    );
    expect(ids.rows).toBe(all.length);
    await page.click('[data-testid="sql-next"]');
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    await expect
      .poll(async () => (await cells(page)).map(([id]) => id), { timeout: 30_000 })
      .toEqual(all.slice(50, 100).map((r) => r.project_id));
    // The permalink pins the snapshot.
    const link = new URL(
      (await page.getAttribute('[data-testid="sql-permalink"]', 'href'))!,
      site.origin,
    );
    expect(link.searchParams.get('snap')).toBe(manifestOf(DEMO_DATA).snapshot_id.slice(0, 12));
  });

  it('refuses what writes, attaches, installs, sets or names another file or URL, and no request leaves the site', async () => {
    const page = await browser.newPage();
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    const url = `${otherOrigin}/x.csv`;
    const refused: [string, RegExp][] = [
      [`SELECT * FROM read_csv('${url}')`, /read_csv/],
      [`SELECT * FROM read_csv_auto('${url}')`, /read_csv_auto/],
      [`SELECT * FROM read_parquet('${otherOrigin}/x.parquet')`, /read_parquet/],
      [`SELECT * FROM '${url}'`, /x\.csv/],
      [`SELECT * FROM "${otherOrigin}/x.parquet"`, /x\.parquet/],
      [`COPY (SELECT * FROM projects) TO 'out.csv'`, /COPY/],
      [`ATTACH '${otherOrigin}/x.db' AS x`, /ATTACH/],
      ['INSTALL httpfs', /INSTALL/],
      ['LOAD httpfs', /LOAD/],
      ['SET enable_external_access = true', /SET/],
      ['SELECT 1; SET threads = 1', /one statement|คำสั่งเดียว/],
      [`WITH x AS (SELECT 1) SELECT * FROM glob('${otherOrigin}/*')`, /glob/],
      ['SELECT * FROM no_such_table', /no_such_table/],
    ];
    for (const [sql, why] of refused) {
      const a = await ask(page, sql);
      expect(a.state, sql).toBe('error');
      expect(a.error, sql).toMatch(why);
    }
    expect(otherHits).toBe(0);
    expect([...origins]).toEqual([site.origin]);
    await page.close();
  });

  it('knows every table function of the engine: each one allowed or refused by name', async () => {
    const page = await shared.get();
    const a = await ask(
      page,
      `SELECT DISTINCT function_name FROM duckdb_functions()
       WHERE function_type = 'table' ORDER BY 1`,
    );
    expect(a.state).toBe('ready');
    const names = (await cells(page)).map(([n]) => n);
    expect(names.length).toBe(a.rows);
    const known = new Set<string>([...TABLE_FUNCTIONS_ALLOWED, ...TABLE_FUNCTIONS_DENIED]);
    expect(names.filter((n) => !known.has(n!))).toEqual([]);
  });

  it('runs the integrity flags’ rules from its examples, counting what the independent rules count', async () => {
    const page = await shared.get();
    await follow(page, `${site.origin}/sql`);
    for (const id of ['F1', 'F2'] as const) {
      await page.click(`[data-testid="sql-example-${id}"]`);
      await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes(id));
      await expect
        .poll(async () => (await answer(page)).value, { timeout: 60_000 })
        .toEqual({
          flagged: (await expectedFlag(DEMO_DATA, id)).flagged.length,
          covered: (await expectedFlag(DEMO_DATA, id)).covered,
        });
    }
  });

  it('shows DuckDB’s error with its position, and stops a long query', async () => {
    const page = await shared.get();
    const bad = await ask(page, 'SELECT fiscal_year,\n  nope FROM projects');
    expect(bad.state).toBe('error');
    expect(bad.error).toContain('nope');
    expect(bad.error).toMatch(/LINE 2/);
    // A query of hours: stopped, and the next query in the same page answers.
    await clickLink(
      page,
      `${site.origin}/sql?${new URLSearchParams({ q: 'SELECT count(*) FROM range(1000000000000) a' })}`,
    );
    await page.waitForSelector('[data-testid="sql-cancel"]:not([disabled])');
    await page.click('[data-testid="sql-cancel"]');
    const stopped = await answer(page);
    expect(stopped.state).toBe('error');
    expect(stopped.error).toBe('หยุดคำสั่งแล้ว');
    await page.fill('[data-testid="sql-editor"]', 'SELECT count(*) AS n FROM projects');
    await page.click('[data-testid="sql-run"]');
    await page.waitForSelector('[data-testid="sql-result"][data-state="ready"]', {
      timeout: 60_000,
    });
    const [n] = await rows(`SELECT count(*)::INTEGER AS n FROM ${table(DEMO_DATA, 'projects')}`);
    expect((await answer(page)).value).toEqual({ n: n!.n });
  });

  it('exports the result with the query, the snapshot and the source; text cannot run as a formula', async () => {
    const page = await browser.newPage();
    // (The name holds a URL, which the console would refuse to read as a string: matched by its
    // start instead.)
    const sql = `SELECT name, tin FROM vendors WHERE name LIKE '=HYPERLINK%'`;
    const a = await ask(page, sql, markup.origin);
    expect(a.state).toBe('ready');
    expect(a.rows).toBe(1);
    const json = JSON.parse((await download(page, 'sql-export-json')).bytes.toString('utf8')) as {
      provenance: { sql: string; snapshot_id: string; rows: number; licence_th: string };
      rows: Record<string, unknown>[];
    };
    const m = manifestOf(MARKUP_DATA);
    expect(json.provenance).toMatchObject({ sql, snapshot_id: m.snapshot_id, rows: 1 });
    expect(json.provenance.licence_th).toBe(m.licence_th);
    expect(json.rows).toEqual([{ name: FORMULA_NAME, tin: a.value!.tin }]);
    const csv = parse((await download(page, 'sql-export-csv')).bytes, { bom: true }) as string[][];
    expect(csv[0]).toEqual(['name', 'tin']);
    expect(csv[1]![0]).toBe(`'${FORMULA_NAME}`);
    // Parquet: the result as DuckDB wrote it, the provenance (with its row count) in the footer.
    const pq = path.join(TMP, 'console-export.parquet');
    writeFileSync(pq, (await download(page, 'sql-export-parquet')).bytes);
    expect(await rows(`SELECT name, tin FROM ${lit(pq)}`)).toEqual([
      { name: FORMULA_NAME, tin: a.value!.tin },
    ]);
    const kv = Object.fromEntries(
      (
        await rows(
          `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit(pq)})`,
        )
      ).map((r) => [r.k, r.v]),
    );
    expect(kv).toMatchObject({ sql, snapshot_id: m.snapshot_id, rows: '1' });
    await page.close();
  });
});
