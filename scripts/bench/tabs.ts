/**
 * npm run bench:tabs -- [--rows 300000] [--tabs 1,5,20] [--seed 1] [--dir data/bench] [--timeout 240]
 * Many readers at once in one browser: N tabs of the explorer (each a different fiscal year and
 * its own DuckDB-WASM) opened together on the same generated dataset; for each N, how many were
 * ready and when (median and slowest), in one run. Headless Chromium renders every tab as
 * visible: this is the worst case, all tabs computing at once. Not a test: quote its output.
 */
import { launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen } from '../lib/server.ts';
import { benchDataset, buildSite, DATASET_OPTIONS } from './site.ts';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:tabs -- [--rows 300000] [--tabs 1,5,20] [--seed 1] [--dir data/bench] [--timeout 240]

N explorer tabs opened together in one headless Chromium: how many are ready, and when.`,
  {
    ...DATASET_OPTIONS,
    rows: { type: 'string', default: '300000' },
    tabs: { type: 'string', default: '1,5,20' },
    timeout: { type: 'string', default: '240' },
  },
);
const rows = Number(values.rows);
const data = await benchDataset(values.dir, rows, Number(values.seed));
const site = buildSite(values.dir, rows, data);
const server = createStaticServer({ root: site, gzip: true });
const port = await listen(server, 0);
const origin = `http://127.0.0.1:${port}`;
const years = [2558, 2559, 2560, 2561, 2562, 2563, 2564, 2565, 2566, 2567, 2568];

console.log(`${rows.toLocaleString('en')} generated rows; each tab /explore?fy=<a year>`);
for (const n of values.tabs.split(',').map(Number)) {
  const browser = await launchChromium();
  const context = await browser.newContext();
  const started = Date.now();
  const times = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const page = await context.newPage();
      await page.goto(`${origin}/explore?fy=${years[i % years.length]}`);
      try {
        await page.waitForSelector('[data-testid=explorer][data-state=ready]', {
          timeout: Number(values.timeout) * 1000,
        });
        return (Date.now() - started) / 1000;
      } catch {
        return null;
      }
    }),
  );
  await browser.close();
  const ready = times.filter((t): t is number => t !== null).sort((a, b) => a - b);
  const median = ready[Math.floor(ready.length / 2)];
  console.log(
    `${String(n).padStart(3)} tabs: ${ready.length}/${n} ready within ${values.timeout} s; ` +
      (ready.length
        ? `first ${ready[0]!.toFixed(1)} s, median ${median!.toFixed(1)} s, last ${ready.at(-1)!.toFixed(1)} s`
        : 'none'),
  );
}
server.close();
