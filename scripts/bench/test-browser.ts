/**
 * The tests' browser: the machine's CPU seconds and the wall time of a few explorer pages opened to
 * `ready`, with V8's baseline WebAssembly tier only (the tests' `baselineWasm`) and with the
 * browser's defaults, alternated in one run (machines here are noisy). Serves the site the e2e
 * global setup built (`BUILD`, tests/e2e/setup-paths.ts: a shared fixture in the tests' scratch
 * folder, after any `npm test`), or `--root`.
 *
 *   npm run bench:test-browser -- [--rounds 3] [--root DIR]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BUILD } from '../../tests/e2e/setup-paths.ts';
import { launchChromium } from '../lib/browser.ts';
import { createStaticServer, listen } from '../lib/server.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    root: { type: 'string', default: BUILD },
  },
});
const VIEWS = ['fy=2566', 'fy=2565&method=specific', 'min=1', 'fy=2567&sort=fy', 'province=1'];

/** Busy CPU seconds of the whole machine so far (/proc/stat: all but idle and iowait). */
function busySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9);
  const n = f.map(Number);
  return (n.reduce((a, b) => a + b, 0) - n[3]! - n[4]!) / 100;
}

const server = createStaticServer({ root: values.root });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const totals = { baseline: [] as number[], defaults: [] as number[] };
for (let round = 0; round < Number(values.rounds); round++) {
  for (const mode of ['defaults', 'baseline'] as const) {
    const browser = await launchChromium({ baselineWasm: mode === 'baseline' });
    const cpu = busySeconds();
    const started = Date.now();
    for (const v of VIEWS) {
      const page = await browser.newPage();
      await page.goto(`${origin}/explore?${v}`);
      await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', {
        timeout: 90_000,
      });
      await page.close();
    }
    await browser.close();
    const used = busySeconds() - cpu;
    totals[mode].push(used);
    console.log(
      `${mode.padEnd(8)} ${VIEWS.length} pages: ${used.toFixed(1)} CPU s, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
const sum = (x: number[]) => x.reduce((a, b) => a + b, 0);
console.log(
  `baseline tier / defaults, CPU: ${(sum(totals.baseline) / sum(totals.defaults)).toFixed(2)}`,
);
server.close();
