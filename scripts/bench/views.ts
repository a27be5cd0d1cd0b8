/**
 * Driving the built site through a list of views in Debian Chromium and measuring each one:
 * bytes and requests transferred and the time until the view is ready, cold, warm and repeat,
 * on loopback and throttled. Shared by bench:explore and bench:search.
 */
import { parseCli } from '../lib/cli.ts';
import type { Browser, Page } from 'playwright-core';
import { clickLink, launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen, type RequestLog } from '../lib/server.ts';
import { benchDataset, buildSite } from './site.ts';
import type { QueryTime } from '../../src/lib/db/index.ts';

/** Lighthouse's mobile throttling (applied with the DevTools protocol). */
export const THROTTLED = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

export interface Interaction {
  name: string;
  path: string;
  /** Measure warm as this view's first visit in a page (not a second visit after cold). */
  firstInPage?: boolean;
}

export interface Measure {
  ms: number;
  /**
   * In the page's own clock (User Timing marks of src/lib/state/explorer.svelte.ts): from the
   * click (or, cold, the navigation's start) to the view's numbers on screen, and of that the
   * time the run waited for its queries. Without the harness's round trips.
   */
  shown_ms?: number;
  queries_ms?: number;
  kb: number;
  /** Of which Parquet (data), the rest being the page, the engine and the manifest. */
  parquet_kb: number;
  requests: number;
  wasm_parquet_requests: number;
  parquet_kb_by_table: Record<string, number>;
}

/** What was transferred since log entry `from`. */
export function transferred(log: RequestLog[], from: number): Omit<Measure, 'ms'> {
  const part = log.slice(from);
  return {
    kb: Math.round(part.reduce((n, e) => n + e.bytes, 0) / 1024),
    parquet_kb: Math.round(
      part.filter((e) => e.path.endsWith('.parquet')).reduce((n, e) => n + e.bytes, 0) / 1024,
    ),
    requests: part.length,
    wasm_parquet_requests: part.filter((e) => /\.(wasm|parquet)$/.test(e.path)).length,
    parquet_kb_by_table: byTable(part),
  };
}

/** Parquet KB per table (the folder or file name under the snapshot). */
function byTable(part: RequestLog[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of part) {
    const m = /\/s-[0-9a-f]+\/([a-z_]+)/.exec(e.path);
    if (m && e.path.endsWith('.parquet')) out[m[1]!] = (out[m[1]!] ?? 0) + e.bytes;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v / 1024)]));
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

/**
 * Wait until the page's engine has run its warm-up (src/lib/db/warmup.ts), as a reader reads the
 * first view before choosing the next; the ms it took after the view was ready.
 */
async function engineWarm(page: Page): Promise<number> {
  const t = performance.now();
  await page.waitForSelector('html[data-engine]', { state: 'attached', timeout: 60_000 });
  if ((await page.getAttribute('html', 'data-engine')) !== 'warm') {
    throw new Error("the engine's warm-up failed (src/lib/db/warmup.ts)");
  }
  return Math.round(performance.now() - t);
}

/** With a search: the time the page took to find its hits (before computing the view). */
async function searchMs(page: Page): Promise<{ search_ms?: number }> {
  const v = await page.getAttribute('[data-testid="explorer"]', 'data-search-ms');
  return v ? { search_ms: Number(v) } : {};
}

/**
 * The page's own timing of the last run (see Measure), once its numbers are on screen; with
 * `early_ms` when the headline files showed them first (`data-early=shown`: from the click to
 * them on screen, before the engine's answer).
 */
async function marks(
  page: Page,
): Promise<{ shown_ms?: number; queries_ms?: number; early_ms?: number }> {
  const last = `(n) => performance.getEntriesByName(n).at(-1)?.startTime ?? null`;
  await page.waitForFunction(
    `(() => { const last = ${last}; const s = last('explorer:shown'); return s !== null && s > (last('bench:click') ?? 0); })()`,
    null,
    { timeout: 60_000 },
  );
  const m = (await page.evaluate(`(() => { const last = ${last};
    return [last('bench:click') ?? 0, last('explorer:start'), last('explorer:data'), last('explorer:shown'), last('explorer:headline')]; })()`)) as number[];
  const [click, start, data, shown, headline] = m as [number, number, number, number, number];
  const early = await page.getAttribute('[data-testid="explorer"]', 'data-early');
  return {
    shown_ms: Math.round(shown - click),
    queries_ms: Math.round(data - start),
    ...(early === 'shown' && headline !== null ? { early_ms: Math.round(headline - click) } : {}),
  };
}

/**
 * Cold: when the headline numbers were final (User Timing `explorer:headline`, from the
 * navigation's start) and what the page had received by then (Resource Timing: the document,
 * scripts, data; `transferSize`, compressed as sent). `headline_from`: `shown` when the headline
 * files answered (the engine starts only after them), `none` when the engine did: its worker's
 * requests are not in the page's Resource Timing, so then the KB leave them out.
 */
export async function headlineCost(page: Page): Promise<{
  headline_ms?: number;
  headline_kb?: number;
  headline_requests?: number;
  headline_from?: string | null;
}> {
  const from = await page.getAttribute('[data-testid="explorer"]', 'data-early');
  const cost = await page.evaluate(() => {
    const at = performance.getEntriesByName('explorer:headline').at(-1)?.startTime ?? null;
    if (at === null) return {};
    const got = [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ].filter(
      (e) => (e as PerformanceResourceTiming).responseEnd <= at,
    ) as PerformanceResourceTiming[];
    return {
      headline_ms: Math.round(at),
      headline_kb: Math.round(got.reduce((n, e) => n + e.transferSize, 0) / 1024),
      headline_requests: got.length,
    };
  });
  return { ...cost, headline_from: from };
}

async function runOf(page: Page): Promise<number> {
  return Number((await page.getAttribute('[data-testid="explorer"]', 'data-run')) ?? 0);
}

/** A fresh browser context (no cache), throttled or not, with one page. */
export async function freshPage(browser: Browser, throttle: boolean, queries = false) {
  const context = await browser.newContext();
  // The page then keeps each query's text and time (src/lib/db/index.ts).
  if (queries) await context.addInitScript('globalThis.__queryTimes = []');
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THROTTLED);
  }
  return { context, page };
}

/** One query of a view and its time in the engine. */
export interface QueryCost {
  ms: number;
  sql: string;
}

/** The queries the page ran since `from`; timed, they run one at a time (src/lib/db/index.ts). */
async function queriesSince(page: Page, from: number): Promise<QueryCost[]> {
  const times = await page.evaluate(
    (f) => (globalThis as { __queryTimes?: QueryTime[] }).__queryTimes?.slice(f) ?? [],
    from,
  );
  return times.map((t) => ({
    ms: Math.round(t.end - t.start),
    sql: t.sql.replace(/\s+/g, ' ').slice(0, Number(process.env.SQL_CHARS ?? 160)),
  }));
}

async function queryCount(page: Page): Promise<number> {
  return page.evaluate(
    () => (globalThis as { __queryTimes?: unknown[] }).__queryTimes?.length ?? 0,
  );
}

async function measure(
  browser: Browser,
  origin: string,
  log: RequestLog[],
  it: Interaction,
  throttle: boolean,
  queries = false,
): Promise<{
  cold: Measure;
  warm?: Measure;
  repeat?: Measure;
  warmQueries?: QueryCost[];
  repeatQueries?: QueryCost[];
}> {
  let { context, page } = await freshPage(browser, throttle, queries);
  const landing = it.path === '/';
  let mark = log.length;
  let t = performance.now();
  await page.goto(`${origin}${it.path}`);
  await settled(page, landing, 0);
  const cold = {
    ms: Math.round(performance.now() - t),
    ...transferred(log, mark),
    ...(landing
      ? {}
      : { ...(await marks(page)), ...(await headlineCost(page)), ...(await searchMs(page)) }),
  };
  if (landing) {
    await context.close();
    return { cold };
  }
  let warmQueries: QueryCost[] | undefined;
  let repeatQueries: QueryCost[] | undefined;
  const visit = async (href: string, timeQueries: 'warm' | 'repeat' | null = null) => {
    const before = await runOf(page);
    const q = queries ? await queryCount(page) : 0;
    mark = log.length;
    t = performance.now();
    await clickLink(page, href);
    await settled(page, false, before);
    const ms = Math.round(performance.now() - t);
    const own = await marks(page);
    if (queries && timeQueries === 'warm') warmQueries = await queriesSince(page, q);
    if (queries && timeQueries === 'repeat') repeatQueries = await queriesSince(page, q);
    return { ms, ...own, ...transferred(log, mark), ...(await searchMs(page)) };
  };
  // The same view in the earliest year first (a view already in an order: that order replaced).
  const url = new URL(it.path, origin);
  url.searchParams.set('sort', 'fy');
  const again = `${url.pathname}${url.search}`;
  if (it.firstInPage) {
    // Warm is this view's first visit in a page whose engine runs (work the page keeps, like a
    // search's hits, is not there yet); repeat is the same view, sorted otherwise, again.
    await context.close();
    ({ context, page } = await freshPage(browser, throttle, queries));
    await page.goto(`${origin}/explore?fy=2500`);
    await settled(page, false, 0);
    const warmup_ms = await engineWarm(page);
    const warm = { ...(await visit(it.path, 'warm')), warmup_ms };
    await visit('/explore?fy=2500');
    const repeat = await visit(again, 'repeat');
    await context.close();
    return { cold, warm, repeat, warmQueries, repeatQueries };
  }
  // Warm: the engine runs in this page; an unrelated view first, then this one.
  await visit('/explore?fy=2500');
  await engineWarm(page);
  const warm = await visit(again, 'warm');
  await visit('/explore?fy=2500');
  const repeat = await visit(again, 'repeat');
  await context.close();
  return { cold, warm, repeat, warmQueries, repeatQueries };
}

export interface ViewsOptions {
  rows: number[];
  dir: string;
  seed: number;
  runs: number;
  /** Only the interactions whose name contains this text (or one of several, split by `|`). */
  only: string;
  networks: string[];
  /** Print every Parquet request of each view (file, range, bytes), to see what a view reads. */
  requests?: boolean;
  /** Print the queries of each view's warm and repeat visits with the time each took in the engine. */
  queries?: boolean;
  /** Warm is each view's first visit in a page whose engine runs (no view of it before). */
  firstInPage?: boolean;
  /** The views to measure, with values picked from the dataset. */
  interactions: (data: string) => Promise<Interaction[]>;
  /** Printed after the views of each size (e.g. a baseline computed from the same files). */
  after?: (data: string, rows: number) => Promise<void>;
}

/** For each size: the dataset, the site built over it, then every view measured. */
export async function runViews(o: ViewsOptions): Promise<void> {
  const browser = await launchChromium();
  try {
    for (const rows of o.rows) {
      const data = await benchDataset(o.dir, rows, o.seed);
      const site = buildSite(o.dir, rows, data);
      const log: RequestLog[] = [];
      const server = createStaticServer({ root: site, gzip: true, onRequest: (e) => log.push(e) });
      const port = await listen(server, 0);
      const origin = `http://127.0.0.1:${port}`;
      console.log(`\n## ${rows.toLocaleString('en')} contract rows (${data})`);
      const all = await o.interactions(data);
      for (const x of all.filter((y) => o.only.split('|').some((w) => y.name.includes(w)))) {
        const it = o.firstInPage ? { ...x, firstInPage: true } : x;
        const nets = o.networks;
        for (const throttle of [false, true].filter((t) =>
          nets.includes(t ? 'throttled' : 'loopback'),
        )) {
          const runs = [];
          for (let i = 0; i < (throttle ? 1 : o.runs); i++) {
            const from = log.length;
            runs.push(await measure(browser, origin, log, it, throttle, o.queries));
            if (o.requests)
              for (const e of log.slice(from).filter((x) => x.path.endsWith('.parquet')))
                console.log(`  ${e.method} ${e.path} ${e.range ?? '-'} ${e.bytes}`);
          }
          // The median run by cold time (loopback) or the single throttled run.
          const { warmQueries, repeatQueries, ...r } = runs.sort((a, b) => a.cold.ms - b.cold.ms)[
            Math.floor(runs.length / 2)
          ]!;
          for (const [label, qs] of [
            ['warm', warmQueries],
            ['repeat', repeatQueries],
          ] as const)
            for (const q of qs ?? [])
              console.log(`  ${label.padEnd(6)} ${String(q.ms).padStart(5)} ms  ${q.sql}`);
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
      await o.after?.(data, rows);
      server.closeAllConnections();
      server.close();
    }
  } finally {
    await browser.close();
  }
}

/**
 * The command line both view benchmarks share: `--rows 6000000,21000000 --seed 1 --dir data/bench
 * --runs 3 --only TEXT --networks loopback,throttled [--requests] [--queries] [--first-in-page]`
 * (--requests prints every Parquet request of each view: file, range, bytes; --queries each query
 * of the warm and the repeat visit with its time in the engine; --first-in-page makes warm each view's first
 * visit in a page whose engine runs, rather than the view sorted otherwise after its cold visit).
 */
export async function runViewsCli(
  usage: string,
  interactions: ViewsOptions['interactions'],
  after?: ViewsOptions['after'],
): Promise<void> {
  const { values } = parseCli(usage, {
    rows: { type: 'string', default: '6000000,21000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'data/bench' },
    runs: { type: 'string', default: '3' },
    /** Only the interactions whose name contains this text (or one of several, split by `|`). */
    only: { type: 'string', default: '' },
    networks: { type: 'string', default: 'loopback,throttled' },
    requests: { type: 'boolean', default: false },
    queries: { type: 'boolean', default: false },
    'first-in-page': { type: 'boolean', default: false },
  });
  await runViews({
    rows: values.rows.split(',').map(Number),
    dir: values.dir,
    seed: Number(values.seed),
    runs: Number(values.runs),
    only: values.only,
    networks: values.networks.split(','),
    requests: values.requests,
    queries: values.queries,
    firstInPage: values['first-in-page'],
    interactions,
    after,
  });
}
