/** Benchmark datasets and site builds, shared by bench:explore and bench:export. */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { SCHEMA_VERSION, type Manifest } from '../../src/lib/schema/tables.ts';
import { generate } from '../generate.ts';
import { ingest } from '../ingest/run.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The dataset options of the benchmarks that run one size (`--rows 6000000 --seed 1 --dir data/bench`). */
export const DATASET_OPTIONS = {
  rows: { type: 'string', default: '6000000' },
  seed: { type: 'string', default: '1' },
  dir: { type: 'string', default: 'data/bench' },
} as const;

/** The generated dataset of this size (reusing bench:ingest's output when it has the current schema). */
export async function benchDataset(dir: string, rows: number, seed: number): Promise<string> {
  const out = path.resolve(dir, `out-${rows}`);
  if (existsSync(path.join(out, 'manifest.json'))) {
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    if (m.schema_version === SCHEMA_VERSION) return out;
  }
  const src = path.resolve(dir, `gen-${rows}-s${seed}`);
  if (!existsSync(path.join(src, 'truth.json'))) {
    console.log(`generating ${rows} rows into ${src} …`);
    await generate({ rows, seed, out: src });
  }
  console.log(`ingesting into ${out} …`);
  const files = readdirSync(src)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(src, f));
  // Published as a deployed site's folder is: a history, the latest year's file added last (so
  // what it added, seen=latest, is one year's projects, as after an update).
  const opts = { out, maps: new Map(), synthetic: true };
  await ingest({ ...opts, files: files.slice(0, -1) });
  await ingest({ ...opts, files });
  return out;
}

/** Build the site with this dataset as its data (prerendered landing numbers included). */
export function buildSite(dir: string, rows: number, data: string): string {
  const assets = path.resolve(dir, `site-assets-${rows}`);
  const out = path.resolve(dir, `site-${rows}`);
  rmSync(assets, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  for (const f of readdirSync(path.join(ROOT, 'static'))) {
    if (f !== 'data')
      cpSync(path.join(ROOT, 'static', f), path.join(assets, f), { recursive: true });
  }
  symlinkSync(data, path.join(assets, 'data'));
  execFileSync('npx', ['vite', 'build'], {
    cwd: ROOT,
    env: { ...process.env, ASSETS_DIR: assets, BUILD_DIR: out, BASE_PATH: '' },
    stdio: 'pipe',
  });
  return out;
}

/** A bench dataset's manifest, and a table's files as a DuckDB list of local paths. */
export function benchFiles(data: string): { m: Manifest; list: (table: string) => string } {
  const m = JSON.parse(readFileSync(path.join(data, 'manifest.json'), 'utf8')) as Manifest;
  const list = (t: string) =>
    `[${m.files
      .filter((f) => f.table === t)
      .map((f) => `'${path.join(data, f.path)}'`)
      .join(', ')}]`;
  return { m, list };
}

/** Bytes of a Parquet file's footer (metadata + length + magic): read before any column. */
export function footerBytes(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, statSync(file).size - 8);
    return tail.readUInt32LE(0) + 8;
  } finally {
    closeSync(fd);
  }
}
