/**
 * Build the real site, prerendered, over datasets the tests control: a generated demo (with ground
 * truth), the real drone set, and a second build under a GitHub Pages base path. They are built
 * once for the code that makes them (tests/helpers/fixtures.ts `sitePath`).
 */
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ingest } from '../../scripts/ingest/run';
import { expandInputs } from '../../scripts/ingest/sources';
import { readRecords, writeRecords } from '../helpers/csv';
import { DRONE_MAPS, droneData, generatedData, shared, sitePath } from '../helpers/fixtures';
import { DRONE_CSV, REAL, ROOT } from '../helpers/paths';
import {
  ASSETS,
  BASE_PATH,
  BUILD,
  BUILD_BASE,
  DEMO_DATA,
  DEMO_SET,
  E2E,
  FORMULA_NAME,
  MARKUP_DATA,
  MARKUP_NAME,
  MARKUP_SRC,
  OCDS_DATA,
} from './setup-paths';
import { viteBuild } from './build';

export default async function setup(): Promise<void> {
  rmSync(E2E, { recursive: true, force: true });
  mkdirSync(E2E, { recursive: true });
  // The builds are a shared fixture: a run whose site, setup and datasets are unchanged reuses
  // the last run's (two builds with the markup and OCDS ingests beside them: ~18 s of both cores).
  await Promise.all([shared('e2e', buildSite, sitePath), droneData()]);
}

async function buildSite(): Promise<void> {
  mkdirSync(ASSETS, { recursive: true });
  for (const f of readdirSync(path.join(ROOT, 'static'))) {
    if (f !== 'data')
      cpSync(path.join(ROOT, 'static', f), path.join(ASSETS, f), { recursive: true });
  }
  // The demo data is the generated set the unit tests share (built once), copied into the builds'
  // assets (the landing page is prerendered from it); the two builds then run side by side, each
  // with a SvelteKit working folder of its own, and without copying the data (build.ts).
  // The other ingests run beside all of it: they need no build (the demo's ingests alone left
  // one core idle for the first 16 s of a run).
  const builds = generatedData(DEMO_SET.rows, DEMO_SET.seed).then(async (demo) => {
    cpSync(demo.data, DEMO_DATA, { recursive: true });
    await Promise.all([
      viteBuild(BUILD, { BASE_PATH: '' }, DEMO_DATA),
      // (Inside the checkout: the prerendering imports the site's packages from there.)
      viteBuild(
        BUILD_BASE,
        {
          BASE_PATH,
          KIT_OUT_DIR: path.join(ROOT, 'node_modules/.cache/phasi-pai-nai-kit-base'),
        },
        DEMO_DATA,
      ),
    ]);
  });
  await Promise.all([builds, ingestMarkup(), ingestOcds()]);
}

/** The real Paraguay OCDS download as its folder (guaraníes: the site must never say baht). */
async function ingestOcds(): Promise<void> {
  const files = await expandInputs([path.join(REAL, 'ocds-paraguay')]);
  await ingest({ files, out: OCDS_DATA, maps: new Map() });
}

async function ingestMarkup(): Promise<void> {
  await ingest({
    files: [markupFixture()],
    out: MARKUP_DATA,
    maps: DRONE_MAPS,
  });
}

/**
 * Real drone projects with one winner renamed to markup (it must be shown as text) and one to a
 * spreadsheet formula (exports must neutralise it): those two records and every ninth of the
 * others (the tests read the two winners' views; the whole file took 13 s of the setup).
 */
function markupFixture(): string {
  const [header, ...records] = readRecords(DRONE_CSV);
  const winner = header!.indexOf('ชื่อผู้ชนะ');
  const tin = header!.indexOf('เลขนิติบุคคล');
  const i = records.findIndex((r) => r[winner]);
  records[i]![winner] = MARKUP_NAME;
  records[i]![tin] = '';
  // A formula-like name on a winner whose valid TIN (leading zero) appears on one row only.
  const seen = new Map<string, number>();
  for (const r of records) seen.set(r[tin]!, (seen.get(r[tin]!) ?? 0) + 1);
  const j = records.findIndex((r) => /^0\d{12}$/.test(r[tin]!) && seen.get(r[tin]!) === 1);
  records[j]![winner] = FORMULA_NAME;
  const kept = records.filter((_, k) => k === i || k === j || k % 9 === 0);
  mkdirSync(MARKUP_SRC, { recursive: true });
  const file = path.join(MARKUP_SRC, 'markup.csv');
  writeRecords(file, [header!, ...kept]);
  return file;
}
