/**
 * npm run bench:explore -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--runs 3]
 *                          [--only TEXT] [--networks loopback,throttled]
 *
 * For each size: generate and ingest the data (reusing bench:ingest's output when present), build
 * the site over it, serve it with the project's range-correct server, and drive Debian Chromium
 * through a fixed list of interactions. For each one it prints bytes and requests transferred and
 * the time until the view is ready, cold (a fresh browser profile), warm (the engine running in an
 * open page, first visit of the view) and repeat (the same view again), on loopback and under a
 * throttled network (150 ms RTT, 1.6 Mbps down: Lighthouse's mobile profile). Not a test: quote
 * its output (docs/benchmarks.md).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { clickLink, launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen, type RequestLog } from '../lib/server.ts';
import type { Manifest } from '../../src/lib/schema/tables.ts';
import { readFileSync } from 'node:fs';
import { benchDataset, buildSite } from './site.ts';

const { values } = parseArgs({
  strict: true,
  options: {
    rows: { type: 'string', default: '6000000,21000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'data/bench' },
    runs: { type: 'string', default: '3' },
    /** Only the interactions whose name contains this text. */
    only: { type: 'string', default: '' },
    networks: { type: 'string', default: 'loopback,throttled' },
  },
});

const RUNS = Number(values.runs);

/** Lighthouse's mobile throttling (applied with the DevTools protocol). */
const THROTTLED = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

interface Interaction {
  name: string;
  path: string;
}

/** The fixed interactions, with values picked from the data (the busiest agency, vendor …). */
async function interactions(data: string): Promise<Interaction[]> {
  const m = JSON.parse(readFileSync(path.join(data, 'manifest.json'), 'utf8')) as Manifest;
  const list = (t: string) =>
    `[${m.files
      .filter((f) => f.table === t)
      .map((f) => `'${path.join(data, f.path)}'`)
      .join(', ')}]`;
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const one = async (sql: string) =>
    (await db.runAndReadAll(sql)).getRowObjectsJson()[0] as Record<string, string>;
  const fy = Math.max(...m.fiscal_years);
  const agency = await one(`SELECT a.dept_name FROM read_parquet(${list('agg_agency_year')}) g
    JOIN read_parquet(${list('agencies')}) a USING (agency_id) WHERE g.fiscal_year = ${fy}
    GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1`);
  // Vendors are Zipf-distributed: the busiest has ~9% of all contracts (a worst case), the
  // 100th a few thousand (a large but ordinary supplier).
  const vendorAt = (rank: number) =>
    one(`SELECT v.tin FROM read_parquet(${list('agg_vendor_year')}) g
    JOIN read_parquet(${list('vendors')}) v USING (vendor_id) WHERE v.tin IS NOT NULL
    GROUP BY 1 ORDER BY sum(g.contracts) DESC, 1 LIMIT 1 OFFSET ${rank - 1}`);
  const vendor = await vendorAt(100);
  const busiest = await vendorAt(1);
  const province = await one(`SELECT p.province_name FROM read_parquet(${list('agg_cube')}) g
    JOIN read_parquet(${list('provinces')}) p USING (province_id)
    GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1 OFFSET 1`);
  const q = (o: Record<string, string>) => `/explore?${new URLSearchParams(o)}`;
  return [
    { name: 'landing page', path: '/' },
    { name: 'year + agency', path: q({ fy: String(fy), agency: agency.dept_name! }) },
    { name: 'vendor, all years (100th busiest)', path: q({ vendor: vendor.tin! }) },
    { name: 'vendor, all years (busiest)', path: q({ vendor: busiest.tin! }) },
    {
      name: 'province + method',
      path: q({ province: province.province_name!, method: 'specific' }),
    },
    { name: 'national (top vendors)', path: '/explore' },
    { name: 'deep page (page 2000)', path: q({ page: '2000' }) },
  ];
}

interface Measure {
  ms: number;
  kb: number;
  /** Of which Parquet (data), the rest being the page, the engine and the manifest. */
  parquet_kb: number;
  requests: number;
  wasm_parquet_requests: number;
}

function sum(log: RequestLog[], from: number): Omit<Measure, 'ms'> {
  const part = log.slice(from);
  return {
    kb: Math.round(part.reduce((n, e) => n + e.bytes, 0) / 1024),
    parquet_kb: Math.round(
      part.filter((e) => e.path.endsWith('.parquet')).reduce((n, e) => n + e.bytes, 0) / 1024,
    ),
    requests: part.length,
    wasm_parquet_requests: part.filter((e) => /\.(wasm|parquet)$/.test(e.path)).length,
  };
}

/** Wait until the explorer finished a run newer than `before` (or the landing page loaded). */
async function settled(page: Page, isLanding: boolean, before: number): Promise<void> {
  if (isLanding) {
    await page.waitForSelector('[data-testid="totals"]');
    return;
  }
  await page.waitForFunction(
    (b) => {
      const el = document.querySelector('[data-testid="explorer"]');
      return (
        el !== null &&
        Number(el.getAttribute('data-run')) > b &&
        el.getAttribute('data-state') !== 'loading'
      );
    },
    before,
    { timeout: 600_000 },
  );
  const state = await page.getAttribute('[data-testid="explorer"]', 'data-state');
  if (state !== 'ready') throw new Error(`view ended in state ${state}`);
}

async function runOf(page: Page): Promise<number> {
  return Number((await page.getAttribute('[data-testid="explorer"]', 'data-run')) ?? 0);
}

async function measure(
  browser: Browser,
  origin: string,
  log: RequestLog[],
  it: Interaction,
  throttle: boolean,
): Promise<{ cold: Measure; warm?: Measure; repeat?: Measure }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THROTTLED);
  }
  const landing = it.path === '/';
  let mark = log.length;
  let t = performance.now();
  await page.goto(`${origin}${it.path}`);
  await settled(page, landing, 0);
  const cold = { ms: Math.round(performance.now() - t), ...sum(log, mark) };
  if (landing) {
    await context.close();
    return { cold };
  }
  // Warm: the engine runs in this page; an unrelated view first, then this one.
  const visit = async (href: string) => {
    const before = await runOf(page);
    mark = log.length;
    t = performance.now();
    await clickLink(page, href);
    await settled(page, false, before);
    return { ms: Math.round(performance.now() - t), ...sum(log, mark) };
  };
  await visit('/explore?fy=2500');
  const warm = await visit(`${it.path}${it.path.includes('?') ? '&' : '?'}sort=fy`);
  await visit('/explore?fy=2500');
  const repeat = await visit(`${it.path}${it.path.includes('?') ? '&' : '?'}sort=fy`);
  await context.close();
  return { cold, warm, repeat };
}

const browser = await launchChromium();
try {
  for (const rows of values.rows.split(',').map(Number)) {
    const data = await benchDataset(values.dir, rows, Number(values.seed));
    const site = buildSite(values.dir, rows, data);
    const log: RequestLog[] = [];
    const server = createStaticServer({ root: site, gzip: true, onRequest: (e) => log.push(e) });
    const port = await listen(server, 0);
    const origin = `http://127.0.0.1:${port}`;
    console.log(`\n## ${rows.toLocaleString('en')} contract rows (${data})`);
    for (const it of (await interactions(data)).filter((x) => x.name.includes(values.only))) {
      const nets = values.networks.split(',');
      for (const throttle of [false, true].filter((t) =>
        nets.includes(t ? 'throttled' : 'loopback'),
      )) {
        const runs = [];
        for (let i = 0; i < (throttle ? 1 : RUNS); i++) {
          runs.push(await measure(browser, origin, log, it, throttle));
        }
        // The median run by cold time (loopback) or the single throttled run.
        const r = runs.sort((a, b) => a.cold.ms - b.cold.ms)[Math.floor(runs.length / 2)]!;
        console.log(
          JSON.stringify({
            rows,
            interaction: it.name,
            path: it.path,
            network: throttle ? 'throttled (150 ms, 1.6 Mbps)' : 'loopback',
            ...r,
          }),
        );
      }
    }
    server.closeAllConnections();
    server.close();
  }
} finally {
  await browser.close();
}
