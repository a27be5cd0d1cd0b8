/**
 * npm run bench:export -- [--rows 6000000] [--seed 1] [--dir data/bench]
 *                         [--formats csv,ndjson,json,parquet,xlsx] [--grain contracts|projects]
 *                         [--skip-cancel] [--timeline]
 *
 * Builds the site over generated data (as bench:explore does) and, in Debian Chromium, exports
 * large views: two fiscal years at contract grain (over a million rows) in each streaming format,
 * and a one-year agency view as XLSX. For each it prints the rows, the file size, the time, and
 * the tab's peak memory: the largest resident set of Chromium's renderer processes (the page and
 * its DuckDB worker) sampled every 200 ms, and the JS heap the page reports. It also cancels an
 * export midway and reports how fast it stops. Not a test: quote its output (docs/benchmarks.md).
 */
import { execFileSync } from 'node:child_process';
import { statSync, unlinkSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen } from '../lib/server.ts';
import { benchDataset, benchFiles, buildSite, DATASET_OPTIONS } from './site.ts';
import { readFileSync } from 'node:fs';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:export -- [--rows 6000000] [--seed 1] [--dir data/bench] [--formats csv,ndjson,json,parquet,xlsx]
                         [--grain contracts|projects] [--skip-cancel] [--timeline]

Sizes, times and the tab's memory of the explorer's exports on generated data.`,
  {
    ...DATASET_OPTIONS,
    formats: { type: 'string', default: 'csv,ndjson,json,parquet,xlsx' },
    grain: { type: 'string', default: 'contracts' },
    /** Skip cancelling a CSV export midway (timing how fast it stops). */
    'skip-cancel': { type: 'boolean', default: false },
    /** Print memory samples with the export's progress line as it runs. */
    timeline: { type: 'boolean', default: false },
  },
);

/**
 * Memory (MB) of the largest Chromium renderer process right now: resident, and private
 * (resident pages not shared with other processes: what Chrome's task manager calls the tab's
 * memory footprint; resident also counts Chromium's shared code and shared-memory buffers).
 */
function renderer(): { rss: number; private: number } {
  const out = execFileSync('ps', ['-eo', 'pid,rss,args'], { encoding: 'utf8' });
  let best = { rss: 0, private: 0 };
  for (const line of out.split('\n')) {
    if (!line.includes('--type=renderer')) continue;
    const [pid, rss] = line.trim().split(/\s+/);
    let priv = 0;
    try {
      const smaps = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      for (const m of smaps.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm))
        priv += Number(m[1]);
    } catch {
      continue; // the process ended
    }
    if (Number(rss) > best.rss) best = { rss: Number(rss), private: priv };
  }
  return { rss: Math.round(best.rss / 1024), private: Math.round(best.private / 1024) };
}
const rendererRssMb = () => renderer().rss;

async function heapMb(page: Page): Promise<number> {
  const used = await page.evaluate(
    () =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize,
  );
  return Math.round((used ?? 0) / 1e6);
}

/** Sample memory until stopped; the peaks. */
function sampler(page: Page) {
  let rss = rendererRssMb();
  let priv = renderer().private;
  let heap = 0;
  let on = true;
  const loop = (async () => {
    const t0 = performance.now();
    while (on) {
      const r = renderer();
      const now = r.rss;
      rss = Math.max(rss, now);
      priv = Math.max(priv, r.private);
      if (values.timeline) {
        const line = await page
          .textContent('[data-testid="export-progress"]', { timeout: 100 })
          .catch(() => '');
        console.log(
          `${Math.round((performance.now() - t0) / 1000)} s ${now} MB ${line?.trim() ?? ''}`,
        );
      }
      heap = Math.max(heap, await heapMb(page).catch(() => 0));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return { peak_renderer_rss_mb: rss, peak_renderer_private_mb: priv, peak_js_heap_mb: heap };
  };
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', { timeout: 600_000 });
  await page.waitForSelector('[data-testid="export-csv"]:not([disabled])');
}

const rows = Number(values.rows);
const data = await benchDataset(values.dir, rows, Number(values.seed));
const site = buildSite(values.dir, rows, data);
const { m, list } = benchFiles(data);
const years = [...m.fiscal_years].sort().slice(-3, -1);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const agency = (
  await db.runAndReadAll(`SELECT a.dept_name FROM read_parquet(${list('agg_agency_year')}) g
    JOIN read_parquet(${list('agencies')}) a USING (agency_id) WHERE g.fiscal_year = ${years[1]}
    GROUP BY 1 ORDER BY sum(g.projects) DESC LIMIT 1`)
).getRowObjectsJson()[0]!.dept_name as string;

const server = createStaticServer({ root: site, gzip: true });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await launchChromium();
const q = (o: [string, string][]) => `/explore?${new URLSearchParams(o)}`;
const big = q(years.map((y) => ['fy', String(y)]));
const small = q([
  ['fy', String(years[1])],
  ['agency', agency],
]);
console.log(`## bench:export, ${rows.toLocaleString('en')} contract rows (${data})`);

async function exportOnce(view: string, grain: string, format: string, cancelAfterRows = 0) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${origin}${view}`);
  await ready(page);
  await page.selectOption('[data-testid="export-grain"]', grain);
  const n = Number(await page.getAttribute('[data-testid="export-rows"]', 'data-value'));
  const r0 = renderer();
  const before = {
    renderer_rss_before_mb: r0.rss,
    renderer_private_before_mb: r0.private,
    js_heap_before_mb: await heapMb(page),
  };
  const stop = sampler(page);
  const t = performance.now();
  const downloaded = cancelAfterRows ? null : page.waitForEvent('download', { timeout: 3_600_000 });
  await page.click(`[data-testid="export-${format}"]`);
  if (await page.isVisible('[data-testid="export-confirm"]')) {
    await page.click('[data-testid="export-start"]');
  }
  let result: Record<string, unknown>;
  if (cancelAfterRows) {
    await page.waitForFunction(
      (k) =>
        /\d/.test(document.querySelector('[data-testid="export-progress"]')?.textContent ?? '') &&
        Number(
          (
            document.querySelector(
              '[data-testid="export-progress"] progress',
            ) as HTMLProgressElement | null
          )?.value ?? 0,
        ) >= k,
      cancelAfterRows,
      { timeout: 600_000 },
    );
    const c = performance.now();
    await page.click('[data-testid="export-cancel"]');
    await page.waitForSelector('[data-testid="export-status"][data-state="cancelled"]');
    result = { cancel_to_stopped_ms: Math.round(performance.now() - c) };
  } else {
    const file = await (await downloaded!).path();
    await page.waitForSelector('[data-testid="export-status"]');
    const state = await page.getAttribute('[data-testid="export-status"]', 'data-state');
    const text = await page.textContent('[data-testid="export-status"]');
    result = { state, mb: Math.round(statSync(file).size / 1e5) / 10, status: text?.trim() };
    if (format === 'parquet') {
      // The joined slices read back by native DuckDB: every row, and the provenance.
      const [check] = (
        await db.runAndReadAll(`SELECT count(*)::INTEGER AS n,
          (SELECT decode(value) FROM parquet_kv_metadata('${file}') WHERE decode(key) = 'rows') AS kv_rows
          FROM read_parquet('${file}')`)
      ).getRowObjectsJson();
      result.read_back = check;
    }
    unlinkSync(file);
  }
  const ms = Math.round(performance.now() - t);
  const mem = await stop();
  await context.close();
  return { view, grain, format, rows: n, ms, ...result, ...before, ...mem };
}

try {
  for (const format of values.formats.split(',')) {
    const view = format === 'xlsx' ? small : big;
    console.log(JSON.stringify(await exportOnce(view, values.grain, format)));
  }
  if (!values['skip-cancel'])
    console.log(JSON.stringify(await exportOnce(big, 'contracts', 'csv', 200_000)));
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
