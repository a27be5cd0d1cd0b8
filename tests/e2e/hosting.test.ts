/**
 * Hosting: `npm run check:host` against the project's own server (passes) and against servers
 * that misbehave as real hosts do (each fails with its own line), and a site built with DATA_URL
 * reading its data from a second origin, with CORS (works) and without (the page names why).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost } from '../../scripts/lib/host-check';
import { createStaticServer, listen } from '../../scripts/lib/server';
import type { Manifest, Summary } from '../../src/lib/schema/tables';
import { launch, ready, serve, type TestServer } from '../helpers/browser';
import { shared, sitePath } from '../helpers/fixtures';
import { viteBuild } from './build';
import { BUILD, DEMO_DATA, E2E, SITE } from './setup-paths';

const manifest = JSON.parse(
  readFileSync(path.join(DEMO_DATA, 'manifest.json'), 'utf8'),
) as Manifest;
const summary = JSON.parse(
  readFileSync(
    path.join(DEMO_DATA, manifest.files.find((f) => f.table === 'aggregates')!.path),
    'utf8',
  ),
) as Summary;
const parquet = manifest.files.filter((f) => f.path.endsWith('.parquet'));

type Fault = 'no-range' | 'gzip-ranges' | 'missing' | 'wasm-type';

/** The project's server with one fault planted in front of it, as hosts have been seen to do. */
async function faulty(fault: Fault): Promise<{ origin: string; close(): Promise<void> }> {
  const inner = createStaticServer({ root: BUILD, gzip: true });
  const handle = inner.listeners('request')[0] as (a: IncomingMessage, b: ServerResponse) => void;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const isData = url.pathname.endsWith('.parquet');
    if (fault === 'no-range' && isData) delete req.headers.range;
    if (fault === 'missing' && url.pathname === `/data/${parquet[0]!.path}`) {
      res.writeHead(404).end('not found');
      return;
    }
    if (fault === 'gzip-ranges' && isData && req.headers.range) {
      const file = readFileSync(path.join(BUILD, decodeURIComponent(url.pathname)));
      const body = gzipSync(file.subarray(0, 1));
      res
        .writeHead(206, {
          'Content-Encoding': 'gzip',
          'Content-Range': `bytes 0-0/${file.length}`,
          'Content-Length': body.length,
        })
        .end(body);
      return;
    }
    if (fault === 'wasm-type' && url.pathname.endsWith('.wasm')) {
      const writeHead = res.writeHead.bind(res) as (s: number, h?: object) => ServerResponse;
      res.writeHead = ((status: number, headers?: Record<string, string>) =>
        writeHead(status, { ...headers, 'Content-Type': 'application/octet-stream' })) as never;
    }
    handle(req, res);
  });
  const port = await listen(server, 0);
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('npm run check:host', () => {
  it('passes on the project’s own server, with the browser checks', async () => {
    const own = await serve({ root: BUILD, gzip: true });
    try {
      const { failures, notes } = await checkHost(`${own.origin}/`);
      expect(failures).toEqual([]);
      expect(notes).toContainEqual(
        `ranges: ${manifest.files.length}/${manifest.files.length} data files answer 206 with their size`,
      );
      expect(notes).toContainEqual(
        `/explore: ready in Chromium, ${summary.totals.projects} projects`,
      );
      expect(notes).toContainEqual(
        expect.stringMatching(/\.wasm: application\/wasm, compressed \(gzip\)$/),
      );
    } finally {
      await own.close();
    }
  }, 180_000);

  it.each([
    ['no-range', /: a one-byte range request answered HTTP 200, not 206/],
    ['gzip-ranges', /: the ranged response is compressed \(Content-Encoding: gzip\)/],
    ['missing', new RegExp(`^${parquet[0]!.path}: missing on the host \\(HTTP 404\\)$`)],
  ] as const)('fails on a host with %s, naming it', async (fault, message) => {
    const host = await faulty(fault);
    try {
      const { failures } = await checkHost(host.origin, { browser: false });
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) expect(f).toMatch(message);
    } finally {
      await host.close();
    }
  });

  it('fails on a host that serves the engine’s wasm with the wrong type', async () => {
    const host = await faulty('wasm-type');
    try {
      const { failures } = await checkHost(host.origin);
      expect(failures).toEqual([
        expect.stringMatching(
          /\/explore: the engine cannot start \(its wasm is served with the wrong type\)$/,
        ),
        expect.stringMatching(
          /\.wasm: served as "application\/octet-stream", not application\/wasm/,
        ),
      ]);
    } finally {
      await host.close();
    }
  }, 180_000);
});

describe('a site built with DATA_URL', () => {
  const empty = path.join(E2E, 'no-data');
  let browser: Browser;
  let site: TestServer;
  let dataPort = 0;

  /** The site built with its data at `dataPort`, into `dir`. */
  const buildAt = (dir: string) =>
    viteBuild(dir, { DATA_URL: `http://127.0.0.1:${dataPort}/data/` });

  beforeAll(async () => {
    // The data origin's port is fixed at build time. The build is a shared fixture on a port
    // this checkout's builds always use, so a run with unchanged code reuses it; when another
    // process holds that port, the site is built for a free one.
    const fixed =
      10_000 + (parseInt(createHash('sha256').update(SITE).digest('hex').slice(0, 8), 16) % 20_000);
    const probe = createServer();
    dataPort = await listen(probe, fixed).catch(() => listen(probe, 0));
    await new Promise((r) => probe.close(r));
    let build = path.join(E2E, 'build-data-url');
    if (dataPort === fixed) build = await shared('e2e-data-url', buildAt, sitePath);
    else await buildAt(build);
    mkdirSync(empty, { recursive: true });
    site = await serve({ root: build, dataDir: empty }); // no data on the site's own origin
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function dataHost(cors: boolean) {
    const log: string[] = [];
    const server = createStaticServer({
      root: empty,
      dataDir: DEMO_DATA,
      cors,
      onRequest: (e) => log.push(e.path),
    });
    await listen(server, dataPort);
    return {
      log,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }

  it('reads the manifest and Parquet from the data origin when it sends CORS headers', async () => {
    const data = await dataHost(true);
    const page = await browser.newPage();
    const origins = new Set<string>();
    page.context().on('request', (r) => origins.add(new URL(r.url()).origin));
    try {
      await page.goto(`${site.origin}/explore`);
      await ready(page);
      expect(await page.getAttribute('[data-testid="result-projects"]', 'data-value')).toBe(
        String(summary.totals.projects),
      );
      expect([...origins].sort()).toEqual([site.origin, `http://127.0.0.1:${dataPort}`].sort());
      expect(data.log).toContain('/data/manifest.json');
      expect(data.log.some((p) => p.endsWith('.parquet'))).toBe(true);
      // The prerendered landing page carries the numbers; a navigation back to it reads them
      // from the data origin too.
      await page.click('a[href="/"]');
      await page.waitForSelector('[data-testid="totals"]');
      expect(await page.getAttribute('[data-testid="totals"]', 'data-projects')).toBe(
        String(summary.totals.projects),
      );
      const checked = await checkHost(site.origin, {
        dataUrl: `http://127.0.0.1:${dataPort}/data/`,
        browser: false,
      });
      expect(checked.failures).toEqual([]);
    } finally {
      await page.close();
      await data.close();
    }
  }, 180_000);

  it('names the problem when the data origin sends no CORS headers', async () => {
    const data = await dataHost(false);
    const page = await browser.newPage();
    try {
      await page.goto(`${site.origin}/explore`);
      await page.waitForSelector('[data-testid="explorer"][data-state="error"]', {
        timeout: 90_000,
      });
      expect(await page.textContent('[data-testid="explorer"]')).toMatch(
        new RegExp(
          `the data host http://127\\.0\\.0\\.1:${dataPort} answers but does not let this site read .*CORS`,
        ),
      );
    } finally {
      await page.close();
      await data.close();
    }
  }, 120_000);
});
