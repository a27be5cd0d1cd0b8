/**
 * npm run bench:ingest -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--memory-limit 3GB]
 * For each size: generate the input (kept for reuse), then in the same run and on the same files
 * time (a) a plain DuckDB read_csv → zstd Parquet copy and (b) the ingest, each in its own process
 * so that peak RSS is its own. Prints rows/s, wall time, peak RSS, output bytes per row and the
 * ratio ingest / plain copy. Not a test: quote its output (docs/benchmarks.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../generate.ts';
import { DEFAULT_MEMORY_LIMIT } from '../ingest/resources.ts';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:ingest -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--memory-limit 3GB]

The ingest against a plain DuckDB read_csv -> Parquet copy on the same generated files.`,
  {
    rows: { type: 'string', default: '6000000,21000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: 'data/bench' },
    // The ingest's DuckDB memory limit (default: the CLI's).
    'memory-limit': { type: 'string', default: DEFAULT_MEMORY_LIMIT },
  },
);

interface Run {
  wall_s: number;
  max_rss_mb: number;
}

/** Run a child and read the JSON line it prints last ({wall_s, max_rss_mb}). */
function child(script: string, args: string[]): Run {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Run;
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(path.join(e.parentPath, e.name)).size;
  }
  return n;
}

const here = path.dirname(new URL(import.meta.url).pathname);
for (const rows of values.rows.split(',').map(Number)) {
  const src = path.join(values.dir, `gen-${rows}-s${values.seed}`);
  if (!existsSync(path.join(src, 'truth.json'))) {
    console.log(`generating ${rows} rows into ${src} …`);
    const t = Date.now();
    await generate({ rows, seed: Number(values.seed), out: src });
    console.log(`  generated in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const csvs = readdirSync(src)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(src, f));
  const csvBytes = csvs.reduce((n, f) => n + statSync(f).size, 0);
  const plainOut = path.join(values.dir, `plain-${rows}.parquet`);
  const ingestOut = path.join(values.dir, `out-${rows}`);
  rmSync(plainOut, { force: true });
  rmSync(ingestOut, { recursive: true, force: true });
  const plain = child(path.join(here, 'plain-copy.ts'), [plainOut, ...csvs]);
  const ingest = child(path.join(here, 'ingest-child.ts'), [
    values['memory-limit'],
    ingestOut,
    ...csvs,
  ]);
  const manifest = JSON.parse(readFileSync(path.join(ingestOut, 'manifest.json'), 'utf8')) as {
    counts: { rows_read: number };
  };
  const outBytes = bytesUnder(ingestOut);
  const line = {
    rows,
    input_gb: +(csvBytes / 1e9).toFixed(2),
    plain_copy_s: plain.wall_s,
    plain_copy_rss_mb: plain.max_rss_mb,
    ingest_s: ingest.wall_s,
    ingest_rows_per_s: Math.round(manifest.counts.rows_read / ingest.wall_s),
    ingest_peak_rss_mb: ingest.max_rss_mb,
    memory_limit: values['memory-limit'],
    output_mb: +(outBytes / 1e6).toFixed(1),
    output_bytes_per_row: +(outBytes / rows).toFixed(1),
    ratio_ingest_to_plain: +(ingest.wall_s / plain.wall_s).toFixed(2),
  };
  console.log(JSON.stringify(line));
}
