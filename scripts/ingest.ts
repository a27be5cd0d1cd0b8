/**
 * npm run ingest -- [--out DIR] [--map SOURCE=CANONICAL]... FILE|FOLDER...
 * See scripts/README.md. Exit codes: 0 published, every row written; 4 published, some rows
 * rejected (see rejects.csv); 2 usage error; 3 input error (nothing published).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseMaps } from './ingest/layout.ts';
import { ingest, InputError } from './ingest/run.ts';

const HELP = `Usage: npm run ingest -- [options] PATH...

Reads data.go.th e-GP contract CSVs (the official 28-, 31- and 33-field layouts) and CSVs that
carry the official Thai headers, and publishes zstd Parquet + manifest.json into --out.
A PATH is a .csv file or a folder (its .csv files, in name order).

Options:
  --out DIR                 where to publish (default: static/data). The previous dataset stays
                            in place until the new one is complete.
  --map SOURCE=CANONICAL    read column SOURCE as canonical field CANONICAL; repeatable.
                            Example: --map _ปีงบ=budget_year
  --synthetic               mark the dataset as generated demo data (the site says so)
  -h, --help                this text

Example:
  npm run ingest -- --map _ปีงบ=budget_year ../shared/data/real/egp-drone-2565-2568/egp_drone_projects.csv

Exit codes: 0 all rows written · 4 published with some rows rejected · 2 usage error · 3 input error`;

async function expand(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw new InputError(`${p}: no such file or folder`);
    if (s.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
      if (names.length === 0) throw new InputError(`${p}: folder has no .csv file`);
      files.push(...names.map((n) => path.join(p, n)));
    } else files.push(p);
  }
  return files;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string', default: 'static/data' },
        map: { type: 'string', multiple: true, default: [] },
        synthetic: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) {
    console.error(`no input given\n\n${HELP}`);
    return 2;
  }
  let maps;
  try {
    maps = parseMaps(args.values.map);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    const files = await expand(args.positionals);
    const { manifest, rejectsByReason, unmappedColumns } = await ingest({
      files,
      out: args.values.out,
      maps,
      synthetic: args.values.synthetic,
      log: (l) => console.log(l),
    });
    for (const [file, cols] of Object.entries(unmappedColumns)) {
      console.log(
        `${file}: columns not used (map them with --map if they matter): ${cols.join(', ')}`,
      );
    }
    const c = manifest.counts;
    console.log(
      `read ${c.rows_read} · written ${c.rows_written} · rejected ${c.rows_rejected} · duplicates ${c.rows_duplicate}` +
        ` → ${c.projects} projects, ${c.contracts} contracts, FY ${manifest.fiscal_years.join(', ')}`,
    );
    for (const [reason, n] of Object.entries(rejectsByReason))
      console.log(`  rejected ${reason}: ${n}`);
    for (const [rule, n] of Object.entries(manifest.quality))
      if (n) console.log(`  quality ${rule}: ${n}`);
    console.log(`published snapshot ${manifest.snapshot_id} to ${args.values.out}`);
    if (c.rows_rejected)
      console.log(`rejected rows: ${path.join(args.values.out, manifest.rejects_file ?? '')}`);
    return c.rows_rejected ? 4 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      console.error(
        `input error: ${e.message}\nnothing was published; the previous data is unchanged.`,
      );
      return 3;
    }
    throw e;
  }
}

process.exitCode = await main();
