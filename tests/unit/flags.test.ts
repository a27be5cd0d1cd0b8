/**
 * Integrity flags: the site's own flag SQL (src/lib/query/flags.ts, run on native DuckDB) against
 * an independent computation (tests/helpers/flags.ts) on the real drone set, the real FY2568
 * sample with dated contracts, and generated data; thresholds, scopes and the `flag=` filter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FLAGS, FLAG_IDS, type FlagId, type Thresholds } from '../../src/lib/query/flag-defs';
import { filtersToSearch, NO_FILTERS, parseFilters } from '../../src/lib/query/filters';
import { flagCountSql, flaggedHits, flagView, runFlag, scopeOf } from '../../src/lib/query/flags';
import { ALL_ROWS, type Resolved } from '../../src/lib/query/plan';
import type { Truth } from '../../scripts/generate';
import { parseMaps } from '../../scripts/ingest/layout';
import { ingest } from '../../scripts/ingest/run';
import { expandInputs } from '../../scripts/ingest/sources';
import { rows } from '../helpers/duckdb';
import { manifestOf, table } from '../helpers/expected';
import { expectedFlag } from '../helpers/flags';
import { DGA_CSV, ICS_CSV, REAL, TMP } from '../helpers/paths';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_GEN } from '../helpers/fixtures';
import { fixtureDirs, ingestFixtures, site, siteTotals, type Site } from '../helpers/site';

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
const dgaDir = path.join(TMP, 'flags-dga');
let drone: Site;
let gen: Site;
let dga: Site;
/** Two portals' records, each its own dataset (one currency each: pesos and lei never add up). */
const OCDS_PORTALS = ['ocds-mexico-cdmx', 'ocds-moldova'];
const ocdsDir = (portal: string) => path.join(TMP, `flags-${portal}`);
const ocds = new Map<string, Site>();

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
  await ingest({ files: [DGA_CSV, ICS_CSV], out: dgaDir, maps: parseMaps([]) });
  dga = await site(dgaDir);
  for (const portal of OCDS_PORTALS) {
    const records = path.join(REAL, portal, 'records');
    await ingest({
      files: await expandInputs([records]),
      out: ocdsDir(portal),
      maps: parseMaps([]),
    });
    ocds.set(portal, await site(ocdsDir(portal)));
  }
}, 300_000);

/** The site's counts for one flag under resolved filters. */
async function siteFlag(s: Site, id: FlagId, r: Resolved, th: Thresholds = {}) {
  const f = await runFlag(s.ask, s.m, id, scopeOf(r), th);
  const view = await flagView(s.ask, s.m, r);
  const [c] = await s.ask(flagCountSql(f, view.table), []);
  await view.drop();
  return { covered: Number(c!.covered), flagged: Number(c!.flagged), table: f };
}

/** The flagged project ids of a flag table. */
async function flaggedIds(s: Site, dataDir: string, t: string): Promise<string[]> {
  const got = await rows(
    `SELECT p.project_id FROM ${t} f JOIN ${table(dataDir, 'projects')} p USING (project_seq)
     WHERE f.flagged ORDER BY 1`,
  );
  return got.map((r) => String(r.project_id));
}

const COMPUTED = FLAG_IDS;

describe('flags on real rows equal an independent computation', () => {
  it('the drone set (2,698 projects, FY2565–2568), every flag', async () => {
    const seen: Record<string, [number, number]> = {};
    for (const id of COMPUTED) {
      const got = await siteFlag(drone, id, ALL_ROWS);
      const want = await expectedFlag(dirs.droneDir, id);
      expect({ id, covered: got.covered }).toEqual({ id, covered: want.covered });
      expect(await flaggedIds(drone, dirs.droneDir, got.table.table)).toEqual(want.flagged);
      seen[id] = [got.flagged, got.covered];
    }
    // What the real rows hold: 35 specific-method projects above 500k, no dates on contracts
    // (so no split-purchase window and no finish-before-start can be computed).
    expect(seen.F1).toEqual([35, 2681]);
    expect(seen.F3).toEqual([0, 0]);
    expect(seen.Q3).toEqual([0, 0]);
    expect(seen.F4![0]).toBeGreaterThan(0);
    expect(seen.Q1![0]).toBeGreaterThan(0);
  });

  it('the FY2568 sample and the datastore rows, which have dates', async () => {
    for (const id of COMPUTED) {
      const got = await siteFlag(dga, id, ALL_ROWS);
      const want = await expectedFlag(dgaDir, id);
      expect({ id, covered: got.covered }).toEqual({ id, covered: want.covered });
      expect(await flaggedIds(dga, dgaDir, got.table.table)).toEqual(want.flagged);
    }
    // Year-end specific purchases by transaction date (August and September).
    const f6 = await siteFlag(dga, 'F6', ALL_ROWS);
    expect(f6.flagged).toBeGreaterThan(0);
    expect(f6.covered).toBe(255);
  });

  it('F8 counts tenderers where OCDS records have them, and covers no e-GP project', async () => {
    const f8 = await siteFlag(drone, 'F8', ALL_ROWS);
    expect([f8.covered, f8.flagged]).toEqual([0, 0]);
    // Independent: numberOfTenderers (else the length of tenderers) read from the records' JSON.
    let covered = 0;
    for (const portal of OCDS_PORTALS) {
      const dir = path.join(REAL, portal, 'records');
      const want = new Map<string, number>();
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        type Rec = {
          ocid?: string;
          compiledRelease?: { ocid: string; tender?: Record<string, unknown> };
        };
        // A record package, or one record alone.
        const pkg = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Rec & {
          records?: Rec[];
        };
        for (const rec of pkg.records ?? [pkg]) {
          const tender = rec.compiledRelease?.tender ?? {};
          const n =
            typeof tender.numberOfTenderers === 'number'
              ? tender.numberOfTenderers
              : Array.isArray(tender.tenderers)
                ? tender.tenderers.length
                : null;
          if (n !== null) want.set(rec.ocid ?? rec.compiledRelease!.ocid, n);
        }
      }
      const s = ocds.get(portal)!;
      for (const max of [1, 2]) {
        const got = await siteFlag(s, 'F8', ALL_ROWS, { f8_max: max });
        expect(got.covered, portal).toBe(want.size);
        const flagged = [...want].filter(([, n]) => n <= max).map(([id]) => id);
        expect(await flaggedIds(s, ocdsDir(portal), got.table.table)).toEqual(flagged.sort());
      }
      covered += want.size;
    }
    expect(covered).toBeGreaterThan(50);
  });
});

describe('tenderers from a mapped CSV column', () => {
  it('keeps whole numbers (Thai digits too) and rejects anything else with its reason', async () => {
    const dir = path.join(TMP, 'flags-tenderers');
    mkdirSync(dir, { recursive: true });
    const csv = path.join(dir, 'bids.csv');
    writeFileSync(
      csv,
      [
        'project_id,project_name,dept_name,budget_year,project_money,จำนวนเสนอ',
        '67019000001,ซื้อโดรน,อบต.ทดสอบ,2567,600000,1',
        '67019000002,จ้างถนน,อบต.ทดสอบ,2567,900000,๓',
        '67019000003,ซื้อวัสดุ,อบต.ทดสอบ,2567,50000,-',
        '67019000004,ซื้อคอมพิวเตอร์,อบต.ทดสอบ,2567,70000,two',
        '67019000005,ซื้อรถ,อบต.ทดสอบ,2567,80000,1.5',
      ].join('\n') + '\n',
    );
    const out = path.join(dir, 'out');
    await ingest({ files: [csv], out, maps: parseMaps(['จำนวนเสนอ=tenderers']) });
    const got = await rows(
      `SELECT project_id, tenderers FROM ${table(out, 'projects')} ORDER BY project_id`,
    );
    expect(got.map((r) => [r.project_id, r.tenderers])).toEqual([
      ['67019000001', 1],
      ['67019000002', 3],
      ['67019000003', null],
    ]);
    const rejects = readFileSync(path.join(out, manifestOf(out).rejects_file!), 'utf8');
    expect(rejects.match(/bad_tenderers/g)).toHaveLength(2);
    expect(rejects).toContain('tenderers: ""two"" is not a number of tenderers');
    const s = await site(out);
    const f8 = await siteFlag(s, 'F8', ALL_ROWS);
    expect([f8.covered, f8.flagged]).toEqual([2, 1]);
  });
});

describe('flags on generated data', () => {
  it('every flag equals the independent computation, at default and changed thresholds', async () => {
    const variants: Thresholds[] = [
      {},
      { f1_min: 100_000, f2_lo: 90_000, f2_hi: 100_000, f2_n: 2, f3_days: 30, f4_pct: 5 },
      { f3_max: 100_000, f3_days: 7, f5_pct: 10, f6_months: 1, f7_share: 20, f7_n: 3 },
    ];
    for (const th of variants) {
      for (const id of COMPUTED) {
        const got = await siteFlag(gen, id, ALL_ROWS, th);
        const want = await expectedFlag(dirs.genDir, id, th);
        expect({ id, th, covered: got.covered }).toEqual({ id, th, covered: want.covered });
        expect(await flaggedIds(gen, dirs.genDir, got.table.table)).toEqual(want.flagged);
      }
    }
  });

  it('changing a threshold changes the count as native DuckDB says', async () => {
    const a = await siteFlag(gen, 'F3', ALL_ROWS);
    const b = await siteFlag(gen, 'F3', ALL_ROWS, { f3_days: 60 });
    expect(b.flagged).toBe((await expectedFlag(dirs.genDir, 'F3', { f3_days: 60 })).flagged.length);
    expect(b.flagged).toBeGreaterThan(a.flagged);
    const f1 = await siteFlag(gen, 'F1', ALL_ROWS, { f1_min: 2_000_000 });
    expect(f1.flagged).toBe(
      (await expectedFlag(dirs.genDir, 'F1', { f1_min: 2_000_000 })).flagged.length,
    );
    expect(f1.flagged).toBeLessThan((await siteFlag(gen, 'F1', ALL_ROWS)).flagged);
  });

  it('a scope of chosen years compares an agency with itself in those years only', async () => {
    const fy = [gen.m.fiscal_years.at(-1)!];
    const r = await gen.resolve({ ...NO_FILTERS, fy });
    for (const id of ['F2', 'F3', 'F7'] as const) {
      const got = await siteFlag(gen, id, r, { f3_days: 30, f7_n: 3 });
      const want = await expectedFlag(dirs.genDir, id, { f3_days: 30, f7_n: 3 }, fy);
      expect({ id, covered: got.covered, flagged: got.flagged }).toEqual({
        id,
        covered: want.covered,
        flagged: want.flagged.length,
      });
    }
  });

  it('flag= selects exactly the flagged projects, combined with other filters', async () => {
    const f = { ...NO_FILTERS, fy: [gen.m.fiscal_years.at(-1)!], method: ['specific'] };
    const base = await gen.resolve(f);
    const t1 = await runFlag(gen.ask, gen.m, 'F6', scopeOf(base), {});
    const t2 = await runFlag(gen.ask, gen.m, 'F1', scopeOf(base), {});
    const r: Resolved = { ...base, flag: await flaggedHits(gen.ask, gen.m, [t1, t2]) };
    const totals = await siteTotals(gen, r);
    // Independent: F6 or F1 flagged ids, among the year's specific-method projects.
    const either = new Set([
      ...(await expectedFlag(dirs.genDir, 'F6', {}, f.fy)).flagged,
      ...(await expectedFlag(dirs.genDir, 'F1', {}, f.fy)).flagged,
    ]);
    const specific = await rows(
      `SELECT p.project_id FROM ${table(dirs.genDir, 'projects')} p
       JOIN ${table(dirs.genDir, 'methods')} m USING (method_id)
       WHERE m.method_bucket = 'specific' AND p.fiscal_year = ?`,
      [f.fy[0]!],
    );
    const want = specific.filter((x) => either.has(String(x.project_id))).length;
    expect(want).toBeGreaterThan(0);
    expect(Number(totals.projects)).toBe(want);
    // The counts under a filter beyond the scope join the filtered projects to the flag table.
    const c = await siteFlag(gen, 'F6', base);
    const f6 = new Set((await expectedFlag(dirs.genDir, 'F6', {}, f.fy)).flagged);
    expect(c.flagged).toBe(specific.filter((x) => f6.has(String(x.project_id))).length);
  });
});

describe('flag parameters in the URL', () => {
  it('parses flags and thresholds, reports bad ones and writes them back in a fixed order', () => {
    const { filters, invalid } = parseFilters(
      new URLSearchParams('flag=f3&flag=F1&flag=F9&f3_days=14&f1_min=500000&f6_months=9&f2_lo=abc'),
    );
    expect(filters.flag).toEqual(['F1', 'F3']);
    // A default value is not kept (equal views give equal URLs).
    expect(filters.th).toEqual({ f3_days: 14 });
    expect(invalid).toEqual(['flag=F9', 'f2_lo=abc (0–1000000000000)', 'f6_months=9 (1–6)']);
    expect(filtersToSearch(filters)).toBe('?flag=F1&flag=F3&f3_days=14');
    expect(parseFilters(new URLSearchParams('f3_days=1.5')).invalid).toEqual([
      'f3_days=1.5 (0–365)',
    ]);
  });

  it('every flag names its rule, coverage and thresholds in Thai and English', () => {
    for (const id of FLAG_IDS) {
      const def = FLAGS[id];
      for (const lang of ['th', 'en'] as const) {
        expect(def.name[lang].length).toBeGreaterThan(3);
        expect(def.coverage[lang].length).toBeGreaterThan(3);
        // Every {key} in the rule is one of its thresholds, and every threshold is in the rule.
        const keys = [...def.rule[lang].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(new Set(keys)).toEqual(new Set(def.thresholds.map((x) => x.key)));
      }
      if (def.kind === 'risk') expect(def.refs.length).toBeGreaterThan(0);
    }
  });
});

describe('the anomalies the generator planted', () => {
  it('each flag finds exactly what the generator planted or counted', async () => {
    const truth = JSON.parse(readFileSync(path.join(dirs.genSrc, 'truth.json'), 'utf8')) as Truth;
    const ids = async (id: FlagId) =>
      flaggedIds(gen, dirs.genDir, (await siteFlag(gen, id, ALL_ROWS)).table.table);
    for (const id of ['F4', 'F5', 'Q2', 'Q3'] as const) {
      expect(truth.flags[id].length, id).toBeGreaterThan(5);
      expect({ id, flagged: await ids(id) }).toEqual({ id, flagged: [...truth.flags[id]].sort() });
    }
    for (const id of ['F1', 'F2', 'F6', 'F7', 'Q1'] as const)
      expect({ id, flagged: (await siteFlag(gen, id, ALL_ROWS)).flagged }).toEqual({
        id,
        flagged: truth.flags[id],
      });
    // F3: the planted splits and the same-day groups chance made, both decided by the generator.
    const f3 = await ids('F3');
    expect(f3).toEqual(truth.flags.F3);
    expect(truth.flags.F3_planted.length).toBeGreaterThan(5);
    for (const id of truth.flags.F3_planted) expect(f3).toContain(id);
    expect(truth.flags.F7_captured).toBeGreaterThan(5);
    // The e-GP layouts carry no tenderer counts: F8 covers nothing.
    expect((await siteFlag(gen, 'F8', ALL_ROWS)).covered).toBe(0);
  });
});
