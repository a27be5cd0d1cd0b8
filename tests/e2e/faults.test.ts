/**
 * The page after a fault: a failed view shows no number of the view before it, and a page whose
 * dataset was replaced while it was open says so and offers a reload.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLink } from '../../scripts/lib/browser';
import { createStaticServer, listen } from '../../scripts/lib/server';
import { tableFiles, type Manifest } from '../../src/lib/schema/tables';
import { launch, ready } from '../helpers/browser';
import { manifestOf } from '../helpers/expected';
import { BUILD, DEMO_DATA, DRONE_DATA, E2E } from './setup-paths';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The project's server over `dataDir`, with a fault for Parquet while one is set: HTTP 500, or
 * ranged answers marked gzip whose bodies are not (the browser cannot decode them).
 */
async function host(dataDir: string) {
  const inner = createStaticServer({ root: BUILD, dataDir });
  const handle = inner.listeners('request')[0] as (a: IncomingMessage, b: ServerResponse) => void;
  const state: { fail: boolean; badGzip: boolean } = { fail: false, badGzip: false };
  const server: Server = createServer((req, res) => {
    const data = (req.url ?? '').includes('.parquet');
    if (state.fail && data) res.writeHead(500).end('boom');
    else if (state.badGzip && data && req.headers.range) {
      res
        .writeHead(206, { 'Content-Encoding': 'gzip', 'Content-Range': 'bytes 0-0/99' })
        .end('not gzip');
    } else handle(req, res);
  });
  const port = await listen(server, 0);
  return {
    origin: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function settled(page: Page, run: number): Promise<string> {
  await page.waitForSelector(
    `[data-testid="explorer"][data-run="${run}"]:is([data-state="ready"], [data-state="error"])`,
    { timeout: 90_000 },
  );
  return (await page.getAttribute('[data-testid="explorer"]', 'data-state'))!;
}

describe('the page after a fault', () => {
  it('a failed view shows none of the previous view’s numbers', async () => {
    const h = await host(DEMO_DATA);
    const page = await browser.newPage();
    try {
      await page.goto(`${h.origin}/explore?fy=2566`);
      await ready(page);
      expect(await page.locator('[data-testid="result-projects"]').count()).toBe(1);
      h.state.fail = true;
      // (A view the headline files do not answer, which their numbers for the same year, in any
      // order, would: the year's facts must be read for every number.)
      await clickLink(page, '/explore?fy=2567&min=1&sort=fy');
      expect(await settled(page, 2)).toBe('error');
      for (const id of ['result-projects', 'result-budget', 'result-contracts', 'result-agreed']) {
        expect(await page.locator(`[data-testid="${id}"]`).count(), id).toBe(0);
      }
      expect(await page.locator('[data-testid="results"]').count()).toBe(0);
      // One plain sentence naming the file, the status and what to do.
      expect(await page.textContent('[data-testid="explorer"]')).toMatch(
        /\.parquet: the host failed \(HTTP 500, a server error, not this page's\); retry in a moment/,
      );
      // The host recovers: the retry shows the new view's numbers.
      h.state.fail = false;
      await page.click('[data-testid="explorer"] button');
      expect(await settled(page, 3)).toBe('ready');
      // Offline after the page loaded: named as such, not as a host fault.
      await page.route('**/data/**', (r) => r.abort('internetdisconnected'));
      await clickLink(page, '/explore?fy=2568&sort=fy');
      expect(await settled(page, 4)).toBe('error');
      expect(await page.textContent('[data-testid="explorer"]')).toMatch(
        /cannot reach http:\/\/127\.0\.0\.1:\d+\/data\/\S+\.parquet \(offline\?\)/,
      );
    } finally {
      await page.close();
      await h.close();
    }
  }, 120_000);

  it('a connection cut mid-read and gzip the browser cannot decode: each named in a plain sentence', async () => {
    const h = await host(DEMO_DATA);
    const page = await browser.newPage();
    try {
      await page.goto(`${h.origin}/explore?fy=2566`);
      await ready(page);
      // The file a year's page in the order by year reads (its projects: page-sql.ts yearPage),
      // not yet opened by this page.
      const m = manifestOf(DEMO_DATA);
      const first = (year: number) => tableFiles(m, 'projects', [year])[0]!.path;
      // The 1-byte check passes, then every read DuckDB makes is cut.
      const cut = `**/data/${first(2567)}`;
      await page.route(cut, (r) =>
        r.request().headers()['range'] === 'bytes=0-0' ? r.continue() : r.abort('connectionreset'),
      );
      await clickLink(page, '/explore?fy=2567&sort=fy');
      expect(await settled(page, 2)).toBe('error');
      const said = () => page.textContent('[data-testid="explorer"]');
      // (Named by table folder and file.)
      expect(await said()).toContain(`reading ${first(2567).split('/').slice(-2).join('/')}`);
      expect(await said()).toMatch(
        /failed part-way \(the connection was cut, or the host failed mid-read\); the host answers correctly now: reload the page/,
      );
      // DuckDB-WASM remembers the failed reads of this page: a reload reads them afresh.
      await page.unroute(cut);
      await page.reload();
      await ready(page);
      // A host that marks ranged answers gzip when they are not: not "offline".
      h.state.badGzip = true;
      await clickLink(page, '/explore?fy=2568&sort=-fy');
      expect(await settled(page, 2)).toBe('error');
      expect(await said()).toContain(`${first(2568)}: the host`);
      expect(await said()).toMatch(
        /: the host (compresses ranged responses \(Content-Encoding: gzip\)|answers, but not this range request in a form the browser can read).*compressed or stale on the host/,
      );
    } finally {
      await page.close();
      await h.close();
    }
  }, 120_000);

  it('a dataset replaced while the page was open: the page says so and offers a reload', async () => {
    const data = path.join(E2E, 'republished');
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    cpSync(DEMO_DATA, data, { recursive: true });
    const h = await host(data);
    const page = await browser.newPage();
    try {
      await page.goto(`${h.origin}/explore?fy=2566`);
      await ready(page);
      // Three publishes later the page's snapshot is gone: another dataset is live.
      const drone = JSON.parse(
        readFileSync(path.join(DRONE_DATA, 'manifest.json'), 'utf8'),
      ) as Manifest;
      for (const d of readdirSync(data).filter((n) => n.startsWith('s-')))
        rmSync(path.join(data, d), { recursive: true });
      cpSync(
        path.join(DRONE_DATA, `s-${drone.snapshot_id}`),
        path.join(data, `s-${drone.snapshot_id}`),
        { recursive: true },
      );
      writeFileSync(path.join(data, 'manifest.json'), JSON.stringify(drone));
      await clickLink(page, '/explore?fy=2567');
      expect(await settled(page, 2)).toBe('error');
      expect(await page.textContent('[data-testid="newer-data"]')).toContain(
        drone.snapshot_id.slice(0, 12),
      );
      await Promise.all([
        page.waitForEvent('load'),
        page.click('[data-testid="newer-data"] button'),
      ]);
      await ready(page);
      expect(await page.getAttribute('[data-testid="result-projects"]', 'data-value')).toBe(
        String(
          drone.files
            .filter((f) => f.table === 'projects' && f.fiscal_year === 2567)
            .reduce((n, f) => n + f.rows, 0),
        ),
      );
    } finally {
      await page.close();
      await h.close();
    }
  }, 120_000);

  it('a tab opened in the background starts its queries when it is first shown, and says so', async () => {
    const h = await host(DEMO_DATA);
    const page = await browser.newPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    // Headless tabs are always visible: play a background tab's visibility.
    await page.addInitScript(() => {
      let hidden = true;
      Object.defineProperty(document, 'visibilityState', {
        get: () => (hidden ? 'hidden' : 'visible'),
      });
      Object.defineProperty(document, 'hidden', { get: () => hidden });
      (window as unknown as { __show: () => void }).__show = () => {
        hidden = false;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
    try {
      await page.goto(`${h.origin}/en/explore?fy=2566`);
      await page.waitForSelector('[data-testid="explorer"] .status');
      await page.waitForTimeout(1500);
      expect(await page.getAttribute('[data-testid="explorer"]', 'data-state')).toBe('loading');
      expect(await page.textContent('[data-testid="explorer"] .status')).toContain(
        'This tab computes its numbers when you look at it',
      );
      expect(asked.filter((p) => /\.(wasm|parquet)$/.test(p))).toEqual([]);
      await page.evaluate(() => (window as unknown as { __show: () => void }).__show());
      await ready(page);
      expect(asked.some((p) => p.endsWith('.parquet'))).toBe(true);
    } finally {
      await page.close();
      await h.close();
    }
  }, 120_000);
});
