/**
 * npm run bench:batch -- [--rows 6000000] [--seed 1] [--dir data/bench] [--rounds 30]
 *                        [--only "year + agency (median)"]
 *
 * What asking a view's totals, facets and chart numbers as one batch saves (src/lib/query/
 * aggregate.ts `aggregateBatch`: aggregates over the same rows share one GROUPING SETS query)
 * against asking each aggregate alone (`aggregateWith`), in DuckDB-WASM. The SQL of both ways
 * is written by the site's own code (run on native DuckDB to record it), then replayed in one
 * warm page of the built site in Debian Chromium, the two ways alternating, for each view of
 * bench:explore whose name contains --only. Prints the median and best time of each way and
 * their queries. Not a test: quote its output (docs/benchmarks.md).
 */
import {
  aggregateBatch,
  aggregateWith,
  CHART_REQUESTS,
  FACET_REQUESTS,
  TOTALS_REQUEST,
  type Ask,
} from '../../src/lib/query/aggregate.ts';
import { parseFilters } from '../../src/lib/query/filters/index.ts';
import type { Param } from '../../src/lib/query/sql.ts';
import type { ManifestFile } from '../../src/lib/schema/tables.ts';
import { site } from '../../tests/helpers/site.ts';
import { launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen } from '../lib/server.ts';
import { exploreViews } from './explore-views.ts';
import { benchDataset, buildSite, DATASET_OPTIONS } from './site.ts';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:batch -- [--rows 6000000] [--seed 1] [--dir data/bench] [--rounds 30] [--only TEXT]

A view's aggregates batched against asked one by one, replayed in one warm page.`,
  {
    ...DATASET_OPTIONS,
    rounds: { type: 'string', default: '30' },
    only: { type: 'string', default: 'year + agency (median)' },
  },
);
const rows = Number(values.rows);
const data = await benchDataset(values.dir, rows, Number(values.seed));
const s = await site(data);
const requests = [TOTALS_REQUEST, ...FACET_REQUESTS, ...CHART_REQUESTS];

interface Asked {
  sql: string;
  params: Param[];
  files: readonly ManifestFile[];
}
/** The queries one way of asking sends (answered by native DuckDB while recording). */
async function recorded(run: (ask: Ask) => Promise<unknown>): Promise<Asked[]> {
  const out: Asked[] = [];
  await run((q, files) => {
    out.push({ sql: q.sql, params: q.params, files });
    return s.ask(q, files);
  });
  return out;
}

const server = createStaticServer({ root: buildSite(values.dir, rows, data), gzip: true });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await launchChromium();
try {
  for (const view of (await exploreViews(data)).filter((v) => v.name.includes(values.only))) {
    const url = new URL(view.path, origin);
    const r = await s.resolve(parseFilters(url.searchParams).filters);
    const batch = await recorded((ask) => aggregateBatch(ask, s.m, r, requests));
    const alone = await recorded((ask) =>
      Promise.all(requests.map((q) => aggregateWith(ask, s.m, r, q.groups, q.measures, q.opts))),
    );
    const context = await browser.newContext();
    await context.addInitScript('globalThis.__queryTimes = []');
    const page = await context.newPage();
    await page.goto(url.href);
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', {
      timeout: 600_000,
    });
    // A string, not a function: the page runs it as written (no bundler helpers in it).
    const ms = (await page.evaluate(`(async () => {
      const ways = ${JSON.stringify({ batch, alone })};
      const times = { batch: [], alone: [] };
      for (let i = 0; i < ${Number(values.rounds)}; i++) {
        for (const way of i % 2 ? ['batch', 'alone'] : ['alone', 'batch']) {
          const t = performance.now();
          for (const q of ways[way]) await globalThis.__query(q.sql, q.params, q.files);
          times[way].push(performance.now() - t);
        }
      }
      return times;
    })()`)) as { batch: number[]; alone: number[] };
    await context.close();
    const stat = (x: number[]) => {
      const sorted = [...x].sort((a, b) => a - b);
      return {
        median_ms: Math.round(sorted[sorted.length >> 1]!),
        best_ms: Math.round(sorted[0]!),
      };
    };
    console.log(
      JSON.stringify({
        rows,
        view: view.name,
        rounds: Number(values.rounds),
        batch: { queries: batch.length, ...stat(ms.batch) },
        alone: { queries: alone.length, ...stat(ms.alone) },
      }),
    );
  }
} finally {
  await browser.close();
  server.close();
}
