/**
 * npm run bench:profiles -- [--rows 6000000] [--seed 1] [--dir data/bench] [--only TEXT]
 *                           [--networks loopback,throttled]
 *
 * The profiles a shared link opens, each cold (a fresh browser profile) on the built site over the
 * generated dataset (as bench:explore builds it): an agency name, an agency unit, a vendor (the
 * busiest, an ordinary one), a project (with its year in the link, and an older one without).
 * For each: when the headline numbers were on screen (`data-headline=ready`, before the engine
 * where the page can) and what the page had received by then, when the whole profile was
 * (`data-state=ready`), and the bytes, requests and Parquet by table; then when its flags were
 * (an agency's and a vendor's come after the rest) and the Parquet they read. Not a test: quote
 * its output (docs/benchmarks.md).
 */
import { launchChromium } from '../lib/browser.ts';
import { parseCli } from '../lib/cli.ts';
import { createStaticServer, listen, type RequestLog } from '../lib/server.ts';
import { benchPicks } from './explore-views.ts';
import { benchDataset, buildSite } from './site.ts';
import { freshPage, transferred } from './views.ts';

const { values } = parseCli(
  `npm run bench:profiles -- [--rows 6000000] [--seed 1] [--dir data/bench] [--only TEXT]
                          [--networks loopback,throttled]

Cold time and bytes of the agency, vendor and project profiles, to their headline and to the end.`,
  {
    rows: { type: 'string', default: '6000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'data/bench' },
    only: { type: 'string', default: '' },
    networks: { type: 'string', default: 'loopback,throttled' },
  },
);

/** The profiles to open, with keys picked from the dataset (as bench:explore picks them). */
async function profiles(data: string): Promise<{ name: string; path: string }[]> {
  const { m, list, one, fy, agency, median: unit, vendorAt } = await benchPicks(data);
  // A project of several contracts in the latest year, and one of the first year (linked
  // without its year, as a citation of an old project may be).
  const project = (year: number) =>
    one(`SELECT project_id FROM read_parquet(${list('projects')}) WHERE fiscal_year = ${year}
    AND contract_count > 1 ORDER BY project_seq LIMIT 1`);
  const q = (path: string, o: Record<string, string>) => `${path}?${new URLSearchParams(o)}`;
  return [
    { name: 'agency name (busiest)', path: q('/agency', { name: agency.dept_name! }) },
    { name: 'agency unit (median)', path: q('/agency', { key: unit.agency_key! }) },
    { name: 'vendor (busiest)', path: q('/vendor', { id: (await vendorAt(1)).tin! }) },
    { name: 'vendor (3,000th busiest)', path: q('/vendor', { id: (await vendorAt(3000)).tin! }) },
    {
      name: 'project, latest year',
      path: q('/project', { id: (await project(fy)).project_id!, fy: String(fy) }),
    },
    {
      name: 'project, first year, no year in the link',
      path: q('/project', { id: (await project(Math.min(...m.fiscal_years))).project_id! }),
    },
  ];
}

const rows = Number(values.rows);
const data = await benchDataset(values.dir, rows, Number(values.seed));
const site = buildSite(values.dir, rows, data);
const log: RequestLog[] = [];
const server = createStaticServer({ root: site, gzip: true, onRequest: (e) => log.push(e) });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await launchChromium();
const sel = '[data-testid="profile"]';
try {
  console.log(`\n## ${rows.toLocaleString('en')} contract rows (${data})`);
  for (const p of await profiles(data)) {
    if (values.only && !values.only.split('|').some((w) => p.name.includes(w))) continue;
    for (const throttle of [false, true]) {
      if (!values.networks.includes(throttle ? 'throttled' : 'loopback')) continue;
      const { context, page } = await freshPage(browser, throttle);
      const mark = log.length;
      const t = performance.now();
      await page.goto(`${origin}${p.path}`);
      await page.waitForSelector(`${sel}[data-headline="ready"]`, { timeout: 600_000 });
      // What the page had received when the headline was on screen (its own Resource Timing:
      // the document, scripts, manifest and data read before the engine).
      const headline = await page.evaluate(() => {
        const at = performance.now();
        const got = [
          ...performance.getEntriesByType('navigation'),
          ...performance.getEntriesByType('resource'),
        ].filter((e) => (e as PerformanceResourceTiming).responseEnd <= at);
        return {
          headline_ms: Math.round(at),
          headline_kb: Math.round(
            got.reduce((n, e) => n + (e as PerformanceResourceTiming).transferSize, 0) / 1024,
          ),
          headline_requests: got.length,
        };
      });
      const early = (await page.getAttribute(sel, 'data-state')) === 'loading';
      await page.waitForSelector(`${sel}[data-state="ready"], ${sel}[data-state="error"]`, {
        timeout: 600_000,
      });
      const state = await page.getAttribute(sel, 'data-state');
      const ms = Math.round(performance.now() - t);
      const profile = transferred(log, mark);
      // An agency's and a vendor's flags come after the rest of the profile (a project's with it).
      const panel = await page.$('[data-testid="flags"]');
      const flags = panel
        ? await page
            .waitForSelector('[data-testid="flags"][data-state="ready"]', { timeout: 1_800_000 })
            .then(() => ({
              flags_ms: Math.round(performance.now() - t),
              flags_parquet_kb: transferred(log, mark).parquet_kb - profile.parquet_kb,
            }))
        : {};
      console.log(
        JSON.stringify({
          rows,
          profile: p.name,
          path: p.path,
          network: throttle ? 'throttled (150 ms, 1.6 Mbps)' : 'loopback',
          // Whether the headline came before the engine's profile (false: with it).
          headline_before_engine: early,
          ...headline,
          ms,
          state,
          ...profile,
          ...flags,
        }),
      );
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
