/**
 * npm run generate -- [--rows N] [--seed S] [--out DIR]
 * Writes deterministic, plausible e-GP contract CSVs in the official raw layouts, one file per
 * fiscal year 2558–2568, plus truth.json (what the ingest must find). Streams in constant memory.
 */
import { parseArgs } from 'node:util';
import { FISCAL_YEARS, type GenerateOptions, type Truth } from './lib/generate-world.ts';
import { Pass } from './lib/generate-pass.ts';

export { FISCAL_YEARS, PLANT_RATES, TRAP_RATES, type Truth } from './lib/generate-world.ts';

export async function generate(opts: GenerateOptions): Promise<Truth> {
  // Pass 0 writes nothing: it finds the vendors with rows carrying their intact tax id (their
  // broken-id rows join them by name). Pass 1 writes nothing either: it finds what F3 and F7
  // must flag, which depends on rows to come (lib/flag-truth.ts). Pass 2 draws the same rows
  // again and writes them.
  const { intactVendors } = await new Pass(opts, null, null).run();
  const { first } = await new Pass(opts, null, intactVendors).run();
  return (await new Pass(opts, first, intactVendors).run()).truth;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      rows: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'data/demo' },
      years: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run generate -- [--rows N (20000)] [--seed S (1)] [--out DIR (data/demo)] [--years 2566,2567]\n' +
        'Writes e-GP contract CSVs in the official raw layouts with the traps of egp-data.md planted at the rates in\n' +
        'TRAP_RATES, and truth.json: what the ingest must find.',
    );
    return;
  }
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(seed)) {
    console.error('--rows must be a positive whole number and --seed a whole number');
    process.exitCode = 2;
    return;
  }
  const years = values.years?.split(',').map(Number);
  if (years?.some((y) => !FISCAL_YEARS.includes(y))) {
    console.error(`--years must be fiscal years from ${FISCAL_YEARS[0]} to ${FISCAL_YEARS.at(-1)}`);
    process.exitCode = 2;
    return;
  }
  const truth = await generate({ rows, seed, out: values.out, years });
  const projects = Object.values(truth.by_year).reduce((n, y) => n + y.projects, 0);
  console.log(
    `wrote ${rows} contract rows (${projects} projects), FY ${(years ?? FISCAL_YEARS).join(', ')}, to ${values.out}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
