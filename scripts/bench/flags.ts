/**
 * npm run bench:flags -- [--rows 6000000] [--seed 1] [--dir data/bench]
 *
 * The integrity flags panel at scale: for a year + agency view, one whole year and all years,
 * opens the explorer in Debian Chromium, waits for the view, then opens the flags panel and
 * prints the time and the bytes until every flag's count is on screen (cold: a fresh browser
 * profile, the view's own files already read). Not a test: quote its output (docs/benchmarks.md).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen, type RequestLog } from '../lib/server.ts';
import { benchDataset, benchFiles, buildSite, DATASET_OPTIONS } from './site.ts';
import { transferred } from './views.ts';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:flags -- [--rows 6000000] [--seed 1] [--dir data/bench]

The integrity flags' time and bytes for one agency's year, a whole year and all years.`,
  {
    ...DATASET_OPTIONS,
  },
);
const rows = Number(values.rows);
const data = await benchDataset(values.dir, rows, Number(values.seed));
const { m, list } = benchFiles(data);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const fy = Math.max(...m.fiscal_years);
const [agency] = (
  await db.runAndReadAll(`SELECT a.agency_key FROM read_parquet(${list('agg_agency_year')}) g
    JOIN read_parquet(${list('agencies')}) a USING (agency_id) WHERE g.fiscal_year = ${fy}
    GROUP BY 1 ORDER BY sum(g.contracts) DESC LIMIT 1`)
).getRowObjectsJson() as { agency_key: string }[];
const q = (o: Record<string, string>) => `/explore?${new URLSearchParams(o)}`;
const views = [
  { name: 'year + agency (busiest)', path: q({ fy: String(fy), agency: agency!.agency_key }) },
  { name: 'one year, all agencies', path: q({ fy: String(fy) }) },
  { name: 'all years', path: '/explore' },
];

const site = buildSite(values.dir, rows, data);
const log: RequestLog[] = [];
const server = createStaticServer({ root: site, gzip: true, onRequest: (e) => log.push(e) });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await launchChromium();
console.log(`\n## flags, ${rows.toLocaleString('en')} contract rows (${data})`);
try {
  for (const v of views) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}${v.path}`);
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', {
      timeout: 600_000,
    });
    const mark = log.length;
    const t = performance.now();
    await page.click('[data-testid="flags-panel"] > summary');
    await page.waitForSelector('[data-testid="flags"][data-state="ready"]', {
      timeout: 1_800_000,
    });
    const ms = Math.round(performance.now() - t);
    const counts = await page.$$eval('[data-testid^="flag-count-"]', (els) =>
      Object.fromEntries(
        els.map((e) => [
          e.getAttribute('data-testid')!.slice(11),
          Number(e.getAttribute('data-value')),
        ]),
      ),
    );
    console.log(
      JSON.stringify({ rows, view: v.name, path: v.path, ms, ...transferred(log, mark), counts }),
    );
    await context.close();
  }
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
