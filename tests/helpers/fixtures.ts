/**
 * Datasets the tests share, each built once and then read only: the real drone set ingested, and
 * generated sets by (rows, seed). A fixture lives in fixtures/<name>-<code key> in the tests'
 * scratch folder (paths.ts `TMP`), where the key hashes the code that makes it (ingest,
 * generator, schema, search, the lockfile): a change to that code builds it again, anything else
 * reuses it, in this run and the next. Test files run in
 * parallel workers: the first to ask builds (under a lock), the others wait for it. The key is
 * taken once per run (code-key.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../scripts/generate';
import { parseMaps } from '../../scripts/ingest/layout';
import { alive } from '../../scripts/ingest/publish';
import { ingest } from '../../scripts/ingest/run';
import { MAX_ROWS_PER_FILE } from '../../src/lib/schema/tables';
import { codeKey, siteKey } from './code-key';
import { readRecords, writeRecords } from './csv';
import { DRONE_CSV, ROOT, TMP } from './paths';

export const DRONE_MAPS = parseMaps(['_ปีงบ=budget_year']);

/** The run's code key (vitest.config.ts sets it); computed here when a script runs alone. */
function key(): string {
  return (process.env.FIXTURE_KEY ??= codeKey(ROOT));
}

/** A fixture's folder: `name` and the key of the code that makes it (the datasets' by default). */
export function fixturePath(name: string, k = key()): string {
  return path.join(TMP, 'fixtures', `${name}-${k}`);
}

/**
 * A fixture made from the site's code as well (the e2e builds): keyed by the run's site key
 * (vitest.config.ts sets it; code-key.ts `siteKey`), so an edit of the site builds it again.
 */
export function sitePath(name: string): string {
  return fixturePath(name, (process.env.SITE_KEY ??= siteKey(ROOT, key())));
}

/**
 * The fixture's folder (`at(name)`: fixturePath unless given), built by `build` into it unless
 * this code already built it.
 */
export async function shared(
  name: string,
  build: (dir: string) => Promise<void>,
  at: (name: string) => string = fixturePath,
): Promise<string> {
  const dir = at(name);
  const done = path.join(dir, '.done');
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 250) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      // Another worker builds it; a lock left by a process that died is taken over.
      const owner = Number(readFileSync(lock, 'utf8').trim() || 0);
      if (owner && !alive(owner)) rmSync(lock, { force: true });
      else if (waited > 600_000) throw new Error(`fixture ${name}: still building after 10 min`);
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      rmSync(dir, { recursive: true, force: true });
      await build(dir);
      writeFileSync(done, '');
    } finally {
      rmSync(lock, { force: true });
    }
  }
  return dir;
}

/** The fiscal year the drone set's history adds last (its earlier years are published first). */
export const DRONE_LATEST_FY = 2568;

/**
 * The real drone purchases, ingested (`--map _ปีงบ=budget_year`) as a folder with a history: the
 * records of FY2565–2567 first, then all of FY2565–2568 into the same folder (#23's first_seen:
 * the latest snapshot added exactly the FY2568 projects).
 */
export function droneData(): Promise<string> {
  return shared('drone', async (out) => {
    await ingest({ files: [await droneEarlyYears()], out, maps: DRONE_MAPS });
    await ingest({ files: [DRONE_CSV], out, maps: DRONE_MAPS });
  });
}

/** The drone records before DRONE_LATEST_FY, under the file's header and name. */
async function droneEarlyYears(): Promise<string> {
  const dir = await shared('drone-early', async (dir) => {
    const [header, ...records] = readRecords(DRONE_CSV);
    const fy = header!.indexOf('_ปีงบ');
    mkdirSync(dir, { recursive: true });
    writeRecords(path.join(dir, path.basename(DRONE_CSV)), [
      header!,
      ...records.filter((r) => r[fy] !== String(DRONE_LATEST_FY)),
    ]);
  });
  return path.join(dir, path.basename(DRONE_CSV));
}

/**
 * The real drone records of the two names with the most units, ingested with two units changed as
 * other records have them: one with no sub-unit (its link, `agency=<name>&province=<province>`,
 * stands for every unit of the name in its province), and some of another unit's records with no
 * province (a unit without one, whose link stands for its name and sub-unit anywhere). Each such
 * link differs from the unit's own projects.
 */
export function droneUnitsData(): Promise<string> {
  return shared('drone-units', async (out) => {
    const [header, ...records] = readRecords(DRONE_CSV);
    const [name, sub, province, district] = ['ชื่อหน่วยงาน', 'ชื่อหน่วยงานย่อย', 'จังหวัด', 'เขต/อำเภอ'].map(
      (c) => header!.indexOf(c),
    ) as [number, number, number, number];
    const count = (key: (r: string[]) => string, rows: string[][]) => {
      const n = new Map<string, Set<string>>();
      for (const r of rows) n.set(key(r), (n.get(key(r)) ?? new Set()).add(r[sub]!));
      return [...n].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
    };
    const [first, second] = count((r) => r[name]!, records).map((x) => x[0]);
    const kept = records.filter((r) => r[name] === first || r[name] === second);
    // The province where the first name has the most sub-units: one of them loses its sub-unit.
    const [place, subs] = count(
      (r) => r[province]!,
      kept.filter((r) => r[name] === first),
    )[0]!;
    const blank = [...subs!].sort()[0];
    // The second name's first sub-unit: every other record of it loses its province.
    const other = kept
      .filter((r) => r[name] === second)
      .map((r) => r[sub]!)
      .sort()[0];
    let i = 0;
    for (const r of kept) {
      if (r[name] === first && r[province] === place && r[sub] === blank) r[sub] = '';
      if (r[name] === second && r[sub] === other && i++ % 2 === 0) r[province] = r[district] = '';
    }
    mkdirSync(out, { recursive: true });
    const csv = path.join(out, 'src', path.basename(DRONE_CSV));
    mkdirSync(path.dirname(csv), { recursive: true });
    writeRecords(csv, [header!, ...kept]);
    await ingest({ files: [csv], out: path.join(out, 'data'), maps: DRONE_MAPS });
  }).then((dir) => path.join(dir, 'data'));
}

/**
 * Every ninth real drone record (300 projects, FY2565–2568) under the file's header and name, for
 * tests of how an input is read, where the whole file (2,698 records) would only add time.
 */
export async function droneSlice(): Promise<string> {
  const dir = await shared('drone-slice', async (dir) => {
    const [header, ...records] = readRecords(DRONE_CSV);
    mkdirSync(dir, { recursive: true });
    const kept = records.filter((_, i) => i % 9 === 0);
    writeRecords(path.join(dir, path.basename(DRONE_CSV)), [header!, ...kept]);
  });
  return path.join(dir, path.basename(DRONE_CSV));
}

/** The generated set most test files share, and the e2e builds' demo data: built once a run. */
export const SHARED_GEN = { rows: 4000, seed: 25 } as const;

export interface Generated {
  /** The generator's CSVs and truth.json. */
  src: string;
  /** Their ingest. */
  data: string;
}

export function generatedPaths(rows: number, seed: number): Generated {
  const dir = fixturePath(`gen-${rows}-${seed}`);
  return { src: path.join(dir, 'src'), data: path.join(dir, 'data') };
}

/**
 * A generated national-shaped set of `rows` rows, and its ingest: published as a deployed folder
 * is, a history (the years before the latest first, then all), so the latest year's projects are
 * what the latest snapshot added (/new, `seen=latest`, the feeds).
 */
export async function generatedData(rows: number, seed: number): Promise<Generated> {
  await shared(`gen-${rows}-${seed}`, async (dir) => {
    const src = path.join(dir, 'src');
    await generate({ rows, seed, out: src });
    const csvs = readdirSync(src)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => path.join(src, f));
    // Vendor pages from `vendor_top` for the busiest few vendors (at 6M rows: more than 8,192
    // projects), past its rows from the copy.
    const vendorTop = { over: 100, rows: 120 };
    // The agency-ordered pre-aggregates, the vendor copy and the busy vendors' first projects in
    // several files, as at scale: a view reads those of its agencies or its vendor.
    const maxRowsPerFile = {
      ...MAX_ROWS_PER_FILE,
      agg_agency_cube: 400,
      agg_agency_month: 400,
      agg_agency_winners: 400,
      contracts_by_vendor: 1_024,
      vendor_top: 2_048,
    };
    const opts = {
      out: path.join(dir, 'data'),
      maps: new Map(),
      synthetic: true,
      vendorTop,
      maxRowsPerFile,
    };
    await ingest({ ...opts, files: csvs.slice(0, -1) });
    await ingest({ ...opts, files: csvs });
  });
  return generatedPaths(rows, seed);
}

/**
 * 10k rows of one fiscal year in one file, not ingested: the determinism test ingests it with
 * DuckDB's small scan tasks (every thread reads it, as a national file's row groups are read),
 * and the kill -9 test interrupts an ingest of it.
 */
export function oneYearSource(): Promise<string> {
  return shared('one-year-10000-21', async (dir) => {
    await generate({ rows: 10_000, seed: 21, out: dir, years: [2566] });
  });
}
