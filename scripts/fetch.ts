/**
 * npm run fetch -- [--years 2566-2568] [--out data/egp] [--ckan URL]
 * Downloads the annual e-GP contract datasets from data.go.th (CKAN). See scripts/fetch/run.ts.
 * Exit codes: 0 every file fetched or unchanged; 1 some failed (named, previous files kept);
 * 2 usage error.
 */
import { parseArgs } from 'node:util';
import { CKAN_URL, datasetsFor, DATASETS } from './fetch/datasets.ts';
import { FETCHED, fetchDatasets } from './fetch/run.ts';

const HELP = `Usage: npm run fetch -- [--years 2566-2568] [--out data/egp] [--ckan URL]

Downloads the annual e-GP contract datasets (FY${DATASETS[0]!.fiscal_year}-${DATASETS.at(-1)!.fiscal_year}) from data.go.th through its
CKAN API (package_show by dataset slug, then each CSV/zip resource), one connection at a time.
A file whose CKAN metadata (URL, size, last_modified, hash) is unchanged since the last fetch is
not downloaded again; a cut download resumes (Range) on the next attempt or run; sizes and
checksums are checked where CKAN gives them. A failed file (HTTP error, an HTML page, a truncated
or changed file) is named and the previous copy stays. What was fetched: OUT/${FETCHED}.
Then: npm run ingest -- data/egp/

Options:
  --years LIST         BE fiscal years: 2566, 2566-2568 or 2560,2566-2568 (default: all)
  --out DIR            where the files go (default: data/egp)
  --ckan URL           the CKAN site (default: ${CKAN_URL}; env CKAN_URL)
  --retries N          attempts after the first for cuts, timeouts, 5xx (default: 5)
  --retry-delay MS     the first back-off, doubled each retry (default: 2000)
  --timeout MS         a connection silent this long counts as cut (default: 60000)
  --plain              keep CSVs as downloaded (default: gzip them, ~10x less disk; the
                       ingest reads .csv.gz as it is)
  -h, --help           this text`;

function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not "${v}"`);
  return n;
}

function progressPrinter() {
  const tty = process.stdout.isTTY === true;
  let shown = false;
  let last = 0;
  const started = new Map<string, number>();
  return {
    line(text: string) {
      if (shown) process.stdout.write('\r\x1b[2K');
      shown = false;
      console.log(text);
    },
    update(file: string, received: number, total: number | null) {
      if (!tty) return; // CI and pipes: the plain lines are enough
      const now = Date.now();
      if (!started.has(file)) started.set(file, now);
      if (now - last < 200 && received !== total) return;
      last = now;
      const secs = Math.max(0.001, (now - started.get(file)!) / 1000);
      const mb = (n: number) => (n / 1e6).toFixed(1);
      const pct = total ? ` ${((100 * received) / total).toFixed(0)}%` : '';
      const width = 20;
      const bar = total
        ? ` [${'#'.repeat(Math.round((width * received) / total)).padEnd(width)}]`
        : '';
      process.stdout.write(
        `\r\x1b[2K${file}${bar}${pct} ${mb(received)}${total ? `/${mb(total)}` : ''} MB · ${mb(received / secs)} MB/s`,
      );
      shown = true;
    },
  };
}

async function main(): Promise<number> {
  let values;
  let datasets;
  let retries: number, retryDelayMs: number, timeoutMs: number;
  try {
    ({ values } = parseArgs({
      strict: true,
      options: {
        years: { type: 'string' },
        out: { type: 'string', default: 'data/egp' },
        ckan: { type: 'string', default: process.env.CKAN_URL ?? CKAN_URL },
        retries: { type: 'string', default: '5' },
        'retry-delay': { type: 'string', default: '2000' },
        timeout: { type: 'string', default: '60000' },
        plain: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    datasets = datasetsFor(values.years);
    retries = int('retries', values.retries);
    retryDelayMs = int('retry-delay', values['retry-delay']);
    timeoutMs = int('timeout', values.timeout);
    new URL(values.ckan);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const progress = progressPrinter();
  const r = await fetchDatasets({
    ckan: values.ckan,
    datasets,
    out: values.out,
    retries,
    retryDelayMs,
    timeoutMs,
    gzip: !values.plain,
    log: (l) => progress.line(l),
    onProgress: (f, n, t) => progress.update(f, n, t),
  });
  progress.line(
    `fetched ${r.downloaded.length} file(s), ${(r.transferred / 1e6).toFixed(1)} MB; ${r.unchanged.length} unchanged; ${r.removed.length} removed → ${values.out}`,
  );
  for (const f of r.failures) console.error(`failed: ${f}`);
  return r.failures.length ? 1 : 0;
}

process.exitCode = await main();
