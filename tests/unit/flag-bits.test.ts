/**
 * The flags the ingest computes (schema 27: bits on `projects` and the vendor copy, at the default
 * thresholds, over each project's year and over all years) against the independent computation
 * (tests/helpers/flags.ts), and the site's counts from them against its counts from the rules run
 * in the page (src/lib/query/flags.ts), on native DuckDB.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FLAG_IDS, type FlagId, type Thresholds } from '../../src/lib/query/flag-defs';
import {
  bitCountsSql,
  bitScope,
  FLAG_BIT_COLUMNS,
  flagBit,
  flagsWithBits,
  projectBits,
} from '../../src/lib/query/flag-bits';
import { findProject } from '../../src/lib/query/project';
import {
  countFlags,
  projectFlags,
  runFlag,
  type FlagScope,
  type FlagTable,
} from '../../src/lib/query/flags';
import { NO_FILTERS, type Filters } from '../../src/lib/query/filters';
import { ALL_ROWS, type Resolved, type Source } from '../../src/lib/query/plan';
import type { Manifest } from '../../src/lib/schema/tables';
import { rows } from '../helpers/duckdb';
import { table } from '../helpers/expected';
import { expectedFlag } from '../helpers/flags';
import { SHARED_GEN } from '../helpers/fixtures';
import { fixtureDirs, ingestFixtures, type Site } from '../helpers/site';

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
let drone: Site;
let gen: Site;

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
}, 300_000);

/** The covered count and flagged project ids the bits of one scope hold for a flag. */
async function fromBits(dir: string, id: FlagId, fy: number | null) {
  const { covered, flagged } = FLAG_BIT_COLUMNS[fy === null ? 'all' : 'year'];
  const bit = flagBit(id);
  const where = fy === null ? '' : `AND fiscal_year = ${fy}`;
  const [n] = await rows(
    `SELECT count(*)::INTEGER AS n FROM ${table(dir, 'projects')} WHERE ${covered} & ${bit} <> 0 ${where}`,
  );
  const ids = await rows(
    `SELECT project_id FROM ${table(dir, 'projects')} WHERE ${flagged} & ${bit} <> 0 ${where} ORDER BY 1`,
  );
  return { covered: Number(n!.n), flagged: ids.map((x) => String(x.project_id)) };
}

/** The site's flag tables, and which flags were asked for one (the bits answer the others). */
function tables(s: Site, th: Thresholds) {
  const asked = new Set<FlagId>();
  const tableFor = (id: FlagId, scope: FlagScope): Promise<FlagTable> => {
    asked.add(id);
    return runFlag(s.ask, s.m, id, scope, th);
  };
  return { asked, tableFor };
}

describe('the flags the ingest computed (bits)', () => {
  for (const [label, get, dir, years] of [
    ['the real drone set', () => drone, dirs.droneDir, 4],
    ['generated data', () => gen, dirs.genDir, 2],
  ] as const) {
    it(`equal the independent computation over all years and over each year (${label})`, async () => {
      const s = get();
      expect(flagsWithBits(s.m, {})).toEqual([...FLAG_IDS]);
      let raised = 0;
      for (const fy of [null, ...s.m.fiscal_years.slice(-years)]) {
        for (const id of FLAG_IDS) {
          const want = await expectedFlag(dir, id, {}, fy === null ? [] : [fy]);
          expect({ id, fy, ...(await fromBits(dir, id, fy)) }).toEqual({ id, fy, ...want });
          raised += want.flagged.length;
        }
      }
      expect(raised).toBeGreaterThan(0);
      // The vendor copy carries its project's bits.
      const [diff] =
        await rows(`SELECT count(*)::INTEGER AS n FROM ${table(dir, 'contracts_by_vendor')} c
        JOIN ${table(dir, 'projects')} p USING (project_seq)
        WHERE (c.flags_year, c.flags_year_covered, c.flags_all, c.flags_all_covered)
          IS DISTINCT FROM (p.flags_year, p.flags_year_covered, p.flags_all, p.flags_all_covered)`);
      expect(diff!.n).toBe(0);
    });
  }

  it('count a profile, a view and a project as the rules run in the page do, and only those', async () => {
    const f = (p: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...p });
    // The busiest vendor that is not busy (the fixture's vendorTop: more than 100 contracts; its
    // flags from its rows' bits), and the busiest (from agg_flags_vendor, schema 32).
    const vendorOf = (where: string) =>
      rows(`SELECT v.vendor_key FROM ${table(dirs.genDir, 'contracts')} c
        JOIN ${table(dirs.genDir, 'vendors')} v USING (vendor_id) WHERE ${where}
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const [vendor] = await vendorOf(
      `vendor_id > (SELECT max(vendor_id) FROM ${table(dirs.genDir, 'vendor_top')})`,
    );
    const [busy] = await vendorOf('vendor_id = 1');
    const [agency] = await rows(`SELECT a.dept_name FROM ${table(dirs.genDir, 'projects')} p
      JOIN ${table(dirs.genDir, 'agencies')} a USING (agency_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const fy = [gen.m.fiscal_years.at(-1)!];
    const v = await gen.resolve(f({ vendor: String(vendor!.vendor_key) }));
    const b = await gen.resolve(f({ vendor: String(busy!.vendor_key) }));
    const agencyR = await gen.resolve(f({ agency: String(agency!.dept_name) }));
    // Each with the source whose bits (or their counts: agg_flags, agg_flags_all) answer it.
    const views: { name: string; r: Resolved; scope?: FlagScope; source: Source }[] = [
      // The vendor profile: all years over the agencies it won from (vendor/+page.svelte).
      {
        name: 'vendor profile',
        r: v,
        scope: { fy: [], agency: await vendorAgencies(dirs.genDir, v), holdsRows: true },
        source: 'contracts_by_vendor',
      },
      {
        name: 'busy vendor profile',
        r: b,
        scope: { fy: [], agency: await vendorAgencies(dirs.genDir, b), holdsRows: true },
        source: 'agg_flags_vendor',
      },
      {
        name: 'vendor, strict',
        r: { ...v, match: [0] },
        scope: { fy: [], agency: null },
        source: 'contracts_by_vendor',
      },
      { name: 'agency profile', r: agencyR, source: 'agg_flags_all' },
      { name: 'an agency in a year', r: { ...agencyR, fy }, source: 'projects' },
      { name: 'whole set', r: ALL_ROWS, source: 'agg_flags_all' },
      { name: 'a year', r: await gen.resolve(f({ fy })), source: 'agg_flags' },
      {
        name: 'a year and a method',
        r: await gen.resolve(f({ fy, method: ['specific'] })),
        source: 'projects',
      },
      {
        name: 'a year and a vendor',
        r: await gen.resolve(f({ fy, vendor: String(vendor!.vendor_key) })),
        source: 'contracts_by_vendor',
      },
    ];
    for (const x of views) {
      const kind = bitScope((x.scope ?? { fy: x.r.fy }).fy)!;
      // (What countFlags counts from the bits: the view's rows, narrowed by the scope's years and,
      // unless they hold every row, its agencies.)
      const agency = x.scope && !x.scope.holdsRows ? x.scope.agency : x.r.agency;
      const source = bitCountsSql(gen.m, { ...x.r, agency }, kind, FLAG_IDS)?.source;
      expect({ name: x.name, source }).toEqual({ name: x.name, source: x.source });
      const bits = tables(gen, {});
      const live = tables(gen, {});
      const got = await countFlags(gen.ask, gen.m, x.r, bits.tableFor, x.scope, {});
      const want = await countFlags(gen.ask, gen.m, x.r, live.tableFor, x.scope);
      expect({ name: x.name, got }).toEqual({ name: x.name, got: want });
      expect({ name: x.name, asked: [...bits.asked] }).toEqual({ name: x.name, asked: [] });
      expect(live.asked.size).toBe(FLAG_IDS.length);
      expect(got.some((c) => c.flagged > 0)).toBe(true);
    }
    // Two years, a changed threshold or data without bits: the rules run in the page.
    const two = await gen.resolve(f({ fy: gen.m.fiscal_years.slice(-2) }));
    const twoYears = tables(gen, {});
    await countFlags(gen.ask, gen.m, two, twoYears.tableFor, undefined, {});
    expect(twoYears.asked.size).toBe(FLAG_IDS.length);
    const th = { f1_min: 100_000 };
    const changed = tables(gen, th);
    const live = tables(gen, th);
    expect(await countFlags(gen.ask, gen.m, v, changed.tableFor, undefined, th)).toEqual(
      await countFlags(gen.ask, gen.m, v, live.tableFor),
    );
    expect([...changed.asked]).toEqual(['F1']);
    const older: Manifest = { ...gen.m, flag_bits: undefined };
    const none = tables(gen, {});
    await countFlags(gen.ask, older, v, none.tableFor, undefined, {});
    expect(none.asked.size).toBe(FLAG_IDS.length);
    // Data of schema 27 (bits, no counts): the whole set from every project's bits, the same.
    const noCounts: Manifest = {
      ...gen.m,
      files: gen.m.files.filter((x) => !x.table.startsWith('agg_flags')),
    };
    expect(noCounts.files.length).toBe(gen.m.files.length - 3);
    expect(bitCountsSql(noCounts, ALL_ROWS, 'all', FLAG_IDS)?.source).toBe('projects');
    for (const r of [ALL_ROWS, { ...ALL_ROWS, fy }]) {
      const asked = tables(gen, {});
      expect(await countFlags(gen.ask, noCounts, r, asked.tableFor, undefined, {})).toEqual(
        await countFlags(gen.ask, gen.m, r, asked.tableFor, undefined, {}),
      );
      expect(asked.asked.size).toBe(0);
    }

    // A project's flags over its agency and year: every 97th project, from its row's bits.
    const projects =
      await rows(`SELECT project_id, project_seq, fiscal_year, agency_id FROM ${table(dirs.genDir, 'projects')}
      WHERE project_seq % 97 = 0 ORDER BY project_seq`);
    let flagged = 0;
    for (const p of projects) {
      const one = {
        project_seq: Number(p.project_seq),
        fiscal_year: Number(p.fiscal_year),
        agency_id: Number(p.agency_id),
      };
      // Its row as the project page finds it, bits included.
      const row = await findProject(gen.ask, gen.m, String(p.project_id), one.fiscal_year);
      const withBits = tables(gen, {});
      const bits = projectBits(gen.m, {}, row!);
      const got = await projectFlags(gen.ask, one, withBits.tableFor, bits);
      expect(withBits.asked.size).toBe(0);
      expect(got).toEqual(await projectFlags(gen.ask, one, tables(gen, {}).tableFor));
      flagged += Object.values(got).filter((x) => x === 'flagged').length;
    }
    expect(projects.length).toBeGreaterThan(20);
    expect(flagged).toBeGreaterThan(0);
  });
});

/** The agencies a vendor won from (the vendor profile's flag scope). */
async function vendorAgencies(dir: string, r: Resolved): Promise<number[]> {
  const got = await rows(
    `SELECT DISTINCT agency_id FROM ${table(dir, 'contracts')} WHERE vendor_id = ? ORDER BY 1`,
    [r.vendor![0]!],
  );
  return got.map((x) => Number(x.agency_id));
}
