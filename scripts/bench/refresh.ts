/**
 * npm run bench:refresh -- [--rows 6000000] [--seed 1] [--dir data/bench] [--year 2566]
 * What a weekly refresh costs: on the same generated files, timed in one run, each ingest in its
 * own process through the CLI (as the deploy workflow runs it):
 *   1. a full ingest with an empty cache (what the first deploy does),
 *   2. the same files again (nothing changed: nothing re-read),
 *   3. one fiscal year's file changed (its last row dropped): only that file re-read.
 * Not a test: quote its output (docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { generate } from '../generate.ts';
import { DATASET_OPTIONS } from './site.ts';
import { parseCli } from '../lib/cli.ts';

const { values } = parseCli(
  `npm run bench:refresh -- [--rows 6000000] [--seed 1] [--dir data/bench] [--year 2566]

A full ingest with an empty cache, the same files again, and one year's file changed.`,
  { ...DATASET_OPTIONS, year: { type: 'string', default: '2566' } },
);
const rows = Number(values.rows);
const src = path.join(values.dir, `gen-${rows}-s${values.seed}`);
if (!existsSync(path.join(src, 'truth.json'))) {
  console.log(`generating ${rows} rows into ${src} …`);
  await generate({ rows, seed: Number(values.seed), out: src });
}
const work = path.join(values.dir, `refresh-${rows}`);
rmSync(work, { recursive: true, force: true });
const inputs = path.join(work, 'egp');
mkdirSync(inputs, { recursive: true });
for (const f of readdirSync(src).filter((f) => f.endsWith('.csv'))) {
  linkSync(path.join(src, f), path.join(inputs, f)); // the generated files, not copied
}

function ingest(label: string): number {
  const t = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/ingest.ts',
      '--out',
      path.join(work, 'site'),
      '--cache',
      path.join(work, 'cache'),
      inputs,
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // 4: published with rejected rows (the generator plants some).
  if (run.status !== 0 && run.status !== 4) throw new Error(`ingest exited ${run.status}`);
  const out = run.stdout;
  const secs = (Date.now() - t) / 1000;
  const reads = out.split('\n').filter((l) => /^read \S.*: \d+ rows/.test(l));
  const cached = reads.filter((l) => l.includes('from the cache')).length;
  const last = out
    .trim()
    .split('\n')
    .filter((l) => /published snapshot|nothing changed/.test(l))
    .at(-1);
  console.log(
    `${label.padEnd(34)} ${secs.toFixed(1).padStart(7)} s  files read ${reads.length - cached}, from the cache ${cached}  (${last})`,
  );
  return secs;
}

console.log(`${rows.toLocaleString('en')} generated rows, ${readdirSync(inputs).length} files`);
const full = ingest('1. full ingest, empty cache');
const same = ingest('2. nothing changed');
const changed = readdirSync(inputs).find((f) => f.endsWith(`${values.year}.csv`))!;
const file = path.join(inputs, changed);
const text = readFileSync(file, 'utf8').trimEnd();
rmSync(file); // a new file, not the generated one under a hard link
writeFileSync(file, text.slice(0, text.lastIndexOf('\n')) + '\n');
const one = ingest(`3. ${changed} changed`);
console.log(
  `ratios to the full ingest: nothing changed ${(same / full).toFixed(3)}, one year changed ${(one / full).toFixed(2)}`,
);
