/**
 * npm run ingest -- [--out DIR] [--map SOURCE=CANONICAL]... FILE|FOLDER...
 * See scripts/README.md. Exit codes: 0 published, every row written; 4 published, some rows
 * rejected (see rejects.csv) or some inputs empty; 2 usage error; 3 input error (nothing published);
 * 1 DuckDB out of memory (nothing published) or a failure not foreseen.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Manifest } from '../src/lib/schema/tables.ts';
import { parseMaps } from './ingest/layout.ts';
import { ingest, InputError, type IngestResult } from './ingest/run.ts';
import { expandInputs, SourceError } from './ingest/sources.ts';
import { DEFAULT_MEMORY_LIMIT, ingestThreads, MEMORY_SIZE } from './ingest/resources.ts';
import type { Progress } from './ingest/store.ts';

const HELP = `Usage: npm run ingest -- [options] PATH...

Reads data.go.th e-GP contract CSVs (the official 28-, 31- and 33-field layouts), CSVs that carry
the official Thai headers or canonical names, Government Spending API JSON and OCDS (release and
record packages, single releases, JSON Lines), and publishes zstd Parquet + manifest.json into --out.
A PATH is a file, a folder (its data files, in name order) or a quoted glob ("data/*.csv.gz").
Files may be plain, .gz or .zip, in UTF-8 or TIS-620/Windows-874 (transcoded).

Options:
  --out DIR                 where to publish (default: static/data). The previous dataset stays
                            in place until the new one is complete.
  --map SOURCE=CANONICAL    read column SOURCE as canonical field CANONICAL; repeatable.
                            Example: --map _ปีงบ=budget_year
  --add                     keep the sources of the dataset already in --out (loaded from the
                            cache, not re-read) and add PATH... to them, e.g. next month's part
  --cache DIR               cleaned rows of each CSV / API source, reused while the file, the
                            --map options and the cleaning rules are unchanged (default: data/cache)
  --no-cache                neither read nor write the cache
  --memory-limit SIZE       what DuckDB may hold in memory before it spills to temporary disk
                            (default: ${DEFAULT_MEMORY_LIMIT}; the process peaks ~1 GB above it).
                            Example: --memory-limit 2GB on a machine with 4 GB
  --synthetic               mark the dataset as generated demo data (the site says so)
  -h, --help                this text

Environment: INGEST_THREADS=N runs DuckDB on N threads (default 2).

Examples:
  npm run ingest -- data/egp/
  npm run ingest -- --map _ปีงบ=budget_year ../shared/data/real/egp-drone-2565-2568/egp_drone_projects.csv
  npm run ingest -- --out static/data "data/ocds/**/*.json"
  npm run ingest -- --add data/egp/2569-egp-contract-1.csv

Exit codes: 0 all rows written · 4 published with some rows rejected or some inputs empty ·
2 usage error · 3 input error (nothing published) · 1 out of memory (nothing published; raise
--memory-limit or set INGEST_THREADS=1)`;

/**
 * On a terminal, one self-rewriting progress line (stage, percent, rows/s, ETA); elsewhere (CI,
 * pipes) plain lines only, so logs stay readable.
 */
function progressPrinter() {
  const tty = process.stdout.isTTY === true;
  let shown = false;
  const clear = () => {
    if (shown) process.stdout.write('\r\x1b[2K');
    shown = false;
  };
  return {
    line(text: string) {
      clear();
      if (text) console.log(text);
    },
    update(p: Progress) {
      if (!tty || p.elapsedMs < 1000) return;
      const rate = p.rows / (p.elapsedMs / 1000);
      const eta = p.percent > 0 ? ((p.elapsedMs / 1000) * (100 - p.percent)) / p.percent : NaN;
      const parts = [
        p.stage,
        p.percent >= 0 ? `${p.percent.toFixed(0)}%` : '',
        p.rows ? `${Math.round(rate).toLocaleString('en')} rows/s` : '',
        Number.isFinite(eta) ? `ETA ${Math.ceil(eta)} s` : '',
      ].filter(Boolean);
      process.stdout.write(`\r\x1b[2K${parts.join(' · ')}`);
      shown = true;
    },
  };
}

/** 4: published, but some rows were rejected or some inputs were empty; 0: all written. */
function exitCode(m: Manifest): number {
  return m.counts.rows_rejected || m.quality.empty_inputs ? 4 : 0;
}

function printTable(head: string[], body: (string | number)[][]): void {
  const cells = [
    head,
    ...body.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en') : c))),
  ];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  for (const [n, r] of cells.entries()) {
    console.log(
      r
        .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)))
        .join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** What the run did, for the person who ran it: per input, in all, and where the rejects are. */
function report(
  { manifest, perSource, unmappedColumns, rejectsByReason, mapHints }: IngestResult,
  out: string,
): void {
  // OCDS: a file's releases are merged by ocid across files, and each process is a row of the
  // file of its latest release; the releases each file held are shown beside.
  const releases = manifest.sources.map((s) => s.ocds_releases);
  const ocds = releases.some((n) => n !== undefined);
  printTable(
    ['input', 'read', 'written', 'rejected', 'duplicates', ...(ocds ? ['OCDS releases'] : [])],
    perSource.map((s, i) => [
      s.name,
      s.read,
      s.written,
      s.rejected,
      s.duplicates,
      ...(ocds ? [releases[i] ?? '–'] : []),
    ]),
  );
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
  for (const hint of mapHints) console.log(`  ${hint}`);
  for (const [rule, n] of Object.entries(manifest.quality))
    if (n) console.log(`  quality ${rule}: ${n}`);
  console.log(`published snapshot ${manifest.snapshot_id} to ${out}`);
  if (c.rows_rejected) console.log(`rejected rows: ${path.join(out, manifest.rejects_file ?? '')}`);
  if (manifest.quality.empty_inputs)
    console.log(`empty inputs (nothing read from them): ${manifest.quality.empty_inputs}`);
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
        cache: { type: 'string', default: 'data/cache' },
        'no-cache': { type: 'boolean', default: false },
        add: { type: 'boolean', default: false },
        'memory-limit': { type: 'string', default: DEFAULT_MEMORY_LIMIT },
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
  if (!MEMORY_SIZE.test(args.values['memory-limit'])) {
    console.error(
      `--memory-limit takes a size such as 3GB or 500MB, not "${args.values['memory-limit']}"`,
    );
    return 2;
  }
  let maps;
  try {
    ingestThreads();
    maps = parseMaps(args.values.map);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    const files = await expandInputs(args.positionals).catch((e: Error) => {
      throw e instanceof SourceError ? new InputError(e.message) : e;
    });
    const progress = progressPrinter();
    const result = await ingest({
      files,
      out: args.values.out,
      maps,
      synthetic: args.values.synthetic,
      cacheDir: args.values['no-cache'] ? undefined : args.values.cache,
      add: args.values.add,
      memoryLimit: args.values['memory-limit'],
      log: (l) => progress.line(l),
      onProgress: (p) => progress.update(p),
    });
    progress.line('');
    const { manifest } = result;
    if (result.unchanged) {
      console.log(
        `nothing changed: snapshot ${manifest.snapshot_id} in ${args.values.out} stays published (nothing re-read)`,
      );
      return exitCode(manifest);
    }
    report(result, args.values.out);
    return exitCode(manifest);
  } catch (e) {
    return failed(e, args.values['memory-limit']);
  }
}

/** A failed run's message and exit code; anything unforeseen is thrown on, with its stack. */
function failed(e: unknown, memoryLimit: string): number {
  if (e instanceof InputError) {
    console.error(
      `input error: ${e.message}\nnothing was published; the previous data is unchanged.`,
    );
    return 3;
  }
  if (e instanceof Error && /Out of Memory Error/.test(e.message)) {
    console.error(
      `${e.message}\n\nDuckDB ran out of memory within --memory-limit ${memoryLimit}; ` +
        'nothing was published; the previous data is unchanged. Give it more (about 1.5 GB less ' +
        'than the free RAM) or fewer threads (INGEST_THREADS=1).',
    );
    return 1;
  }
  throw e;
}

process.exitCode = await main();
