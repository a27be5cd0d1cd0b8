/**
 * Is this host serving the site correctly? The checks `npm run check:host` runs against a deployed
 * site (or `npm start` in CI): the manifest loads; every data file answers a one-byte range with
 * 206, the manifest's size and no Content-Encoding; `/` carries the numbers of the manifest's
 * aggregates; and Chromium opens `/explore` to `ready` with numbers, no request to another origin
 * and the engine's `.wasm` served as `application/wasm`.
 */
import type { Manifest, Summary } from '../../src/lib/schema/tables.ts';
import { launchChromium } from './browser.ts';
import type { Page } from 'playwright-core';

export interface HostCheckOptions {
  /** Where the manifest and Parquet live, when not `<site>/data/` (a build with DATA_URL). */
  dataUrl?: string;
  /** Open `/` and `/explore` in Chromium (the slow part). */
  browser?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Data files checked at once. */
  concurrency?: number;
}

export interface HostCheckResult {
  /** One line per failure; empty when the host serves the site correctly. */
  failures: string[];
  /** What was checked and found (shown in the report). */
  notes: string[];
}

/** `url` with a trailing slash, so relative paths resolve below it. */
function dir(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function get(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(30_000) });
}

function reason(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** The one-byte range check of one data file; null when it holds, else the failure line. */
export async function checkRange(url: string, bytes: number, name: string): Promise<string | null> {
  let res: Response;
  try {
    // A browser always offers gzip: a host that compresses ranged responses must be caught here.
    res = await get(url, { headers: { Range: 'bytes=0-0', 'Accept-Encoding': 'gzip, br' } });
  } catch (err) {
    return `${name}: cannot be fetched (${reason(err)})`;
  }
  const encoding = res.headers.get('content-encoding');
  const range = res.headers.get('content-range');
  await res.body?.cancel();
  if (res.status === 404) return `${name}: missing on the host (HTTP 404)`;
  if (res.status !== 206) {
    return `${name}: a one-byte range request answered HTTP ${res.status}, not 206 (the host does not serve byte ranges; DuckDB-WASM cannot read Parquet from it)`;
  }
  if (encoding && encoding !== 'identity') {
    return `${name}: the ranged response is compressed (Content-Encoding: ${encoding}); the host must serve data files uncompressed`;
  }
  const total = Number(/^bytes 0-0\/(\d+)$/.exec(range ?? '')?.[1]);
  if (total !== bytes) {
    return `${name}: Content-Range "${range ?? '(none)'}" does not give the manifest's size ${bytes} (a stale or different file)`;
  }
  return null;
}

/** Run `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** The numbers `/` prints in its totals row, as its `data-*` attributes carry them. */
export function homeTotals(html: string): { projects: number; budget: string } | null {
  const row = /<tr[^>]*data-testid="totals"[^>]*>/.exec(html)?.[0];
  if (!row) return null;
  const projects = /data-projects="(\d+)"/.exec(row)?.[1];
  const budget = /data-budget="([^"]*)"/.exec(row)?.[1];
  return projects === undefined || budget === undefined
    ? null
    : { projects: Number(projects), budget };
}

export async function checkHost(
  siteUrl: string,
  opts: HostCheckOptions = {},
): Promise<HostCheckResult> {
  const site = dir(siteUrl);
  const data = dir(opts.dataUrl ?? new URL('data/', site).href);
  const log = opts.log ?? (() => {});
  const failures: string[] = [];
  const notes: string[] = [];

  // 1. The manifest.
  const manifestUrl = new URL('manifest.json', data).href;
  let manifest: Manifest | null = null;
  try {
    const res = await get(manifestUrl);
    const text = await res.text();
    if (!res.ok) failures.push(`${manifestUrl}: HTTP ${res.status}; no dataset is published here`);
    else {
      try {
        manifest = JSON.parse(text) as Manifest;
      } catch {
        failures.push(
          `${manifestUrl}: not JSON (starts "${text.slice(0, 40).replace(/\s+/g, ' ')}")`,
        );
      }
    }
  } catch (err) {
    failures.push(`${manifestUrl}: cannot be fetched (${reason(err)})`);
  }
  if (!manifest) return { failures, notes };
  notes.push(
    `manifest: snapshot ${manifest.snapshot_id}, schema ${manifest.schema_version}, ${manifest.files.length} files, ${manifest.counts.projects} projects`,
  );
  log(notes[notes.length - 1]!);

  // 2. Every data file answers a range request as DuckDB-WASM needs.
  let checked = 0;
  const bad: string[] = [];
  await pool(manifest.files, opts.concurrency ?? 4, async (f) => {
    const failure = await checkRange(new URL(f.path, data).href, f.bytes, f.path);
    if (failure) bad.push(failure);
    if (++checked % 100 === 0) log(`ranges: ${checked}/${manifest.files.length} files`);
  });
  failures.push(...bad.sort());
  notes.push(`ranges: ${checked - bad.length}/${checked} data files answer 206 with their size`);
  log(notes[notes.length - 1]!);

  // 3. The prerendered landing page carries the manifest's aggregates.
  const agg = manifest.files.find((f) => f.table === 'aggregates');
  let summary: Summary | null = null;
  if (!agg) failures.push('manifest lists no aggregates file; / cannot show national numbers');
  else {
    try {
      const res = await get(new URL(agg.path, data).href);
      if (res.ok) summary = (await res.json()) as Summary;
      else failures.push(`${agg.path}: HTTP ${res.status}`);
    } catch (err) {
      failures.push(`${agg.path}: cannot be read (${reason(err)})`);
    }
  }
  if (summary) {
    try {
      const res = await get(site);
      const shown = homeTotals(await res.text());
      if (!res.ok) failures.push(`${site}: HTTP ${res.status}`);
      else if (!shown)
        failures.push(`${site}: the page has no totals row (not this site's build?)`);
      else if (
        shown.projects !== summary.totals.projects ||
        shown.budget !== summary.totals.budget
      ) {
        failures.push(
          `${site}: shows ${shown.projects} projects, budget ${shown.budget}; the manifest's aggregates say ${summary.totals.projects}, ${summary.totals.budget} (the page was built from other data)`,
        );
      } else notes.push(`/: ${shown.projects} projects, budget ${shown.budget}, as the aggregates`);
    } catch (err) {
      failures.push(`${site}: cannot be fetched (${reason(err)})`);
    }
  }

  // 4. The explorer in a real browser.
  if (opts.browser !== false) {
    failures.push(...(await checkInBrowser(site, data, summary, notes, log)));
  }
  return { failures, notes };
}

interface Wasm {
  url: string;
  type: string;
  encoding: string | null;
}

async function checkInBrowser(
  site: string,
  data: string,
  summary: Summary | null,
  notes: string[],
  log: (line: string) => void,
): Promise<string[]> {
  const failures: string[] = [];
  const allowed = new Set([new URL(site).origin, new URL(data).origin]);
  const foreign = new Set<string>();
  const wasm: Wasm[] = [];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.context().on('request', (r) => {
      const u = r.url();
      if (/^https?:/.test(u) && !allowed.has(new URL(u).origin)) foreign.add(u);
    });
    page.context().on('response', async (r) => {
      if (!new URL(r.url()).pathname.endsWith('.wasm')) return;
      const h = await r.allHeaders().catch(() => ({}) as Record<string, string>);
      wasm.push({
        url: r.url(),
        type: h['content-type'] ?? '',
        encoding: h['content-encoding'] ?? null,
      });
    });
    log('browser: opening / and /explore');
    await page.goto(site, { waitUntil: 'load', timeout: 60_000 });
    if (!(await page.$('[data-testid=totals]'))) {
      failures.push(`${site}: Chromium shows no totals on the landing page`);
    }
    const explore = new URL('explore', site).href;
    await page.goto(explore, { waitUntil: 'load', timeout: 60_000 });
    const sel = '[data-testid=explorer]';
    // A wasm served with the wrong type stops the engine for good: no need to wait it out.
    const badWasm = () => wasm.some((w) => !w.type.startsWith('application/wasm'));
    const settled = await settle(page, sel, badWasm);
    const state = await page.getAttribute(sel, 'data-state');
    if (state === 'error') {
      const text = ((await page.textContent(sel)) ?? '').replace(/\s+/g, ' ').slice(0, 300);
      failures.push(`${explore}: the explorer failed: ${text}`);
    } else if (state === 'ready') {
      const projects = await page.getAttribute('[data-testid=result-projects]', 'data-value');
      if (!projects) failures.push(`${explore}: ready but shows no project count`);
      else if (summary && Number(projects) !== summary.totals.projects) {
        failures.push(
          `${explore}: shows ${projects} projects with no filter; the aggregates say ${summary.totals.projects}`,
        );
      } else notes.push(`/explore: ready in Chromium, ${projects} projects`);
    } else if (settled === 'bad-wasm') {
      failures.push(`${explore}: the engine cannot start (its wasm is served with the wrong type)`);
    } else failures.push(`${explore}: not ready within 120 s`);
    if (wasm.length === 0)
      failures.push(`${explore}: the page loaded no .wasm (engine not started)`);
    judgeWasm(wasm, failures, notes);
  } finally {
    await browser.close();
  }
  for (const u of [...foreign].sort()) failures.push(`request to another origin: ${u}`);
  return failures;
}

/** The explorer ready or failed, or its wasm seen served with the wrong type (no use waiting). */
async function settle(
  page: Page,
  sel: string,
  badWasm: () => boolean,
): Promise<'settled' | 'timeout' | 'bad-wasm'> {
  let finished = false; // ends the watch below once the page has settled
  return Promise.race([
    page
      .waitForSelector(`${sel}[data-state=ready], ${sel}[data-state=error]`, {
        timeout: 120_000,
      })
      .then(
        () => 'settled' as const,
        () => 'timeout' as const,
      )
      .finally(() => (finished = true)),
    (async () => {
      while (!badWasm() && !finished) await new Promise((r) => setTimeout(r, 250));
      if (finished) return 'settled' as const;
      await new Promise((r) => setTimeout(r, 5_000)); // the page's own word, if it has one
      return 'bad-wasm' as const;
    })(),
  ]);
}

/** Each wasm the page loaded: its type must be application/wasm; its compression is noted. */
function judgeWasm(wasm: Wasm[], failures: string[], notes: string[]): void {
  for (const w of wasm) {
    const name = new URL(w.url).pathname.split('/').pop();
    if (!w.type.startsWith('application/wasm')) {
      failures.push(
        `${name}: served as "${w.type || '(no Content-Type)'}", not application/wasm (browsers then cannot compile it while it streams)`,
      );
    } else {
      notes.push(
        `${name}: application/wasm, ${w.encoding ? `compressed (${w.encoding})` : 'not compressed (gzip or brotli would send ~4x fewer bytes)'}`,
      );
    }
  }
}
