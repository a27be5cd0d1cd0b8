/**
 * Agency, vendor and project profiles (src/lib/query/profile.ts, project.ts on native DuckDB) against
 * independent queries of the published Parquet, on the real drone set.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lightProject, moneySum, type Opener } from '../../src/lib/headline/project';
import { projectProfile } from '../../src/lib/query/project-profile';
import { agencyProfile, concentrationSql, vendorProfile } from '../../src/lib/query/profile';
import { findProject, likelyYears } from '../../src/lib/query/project';
import { projectIdNumber } from '../../src/lib/query/lookups';
import { ALL_ROWS, plan } from '../../src/lib/query/plan';
import { wholeAgencies } from '../../src/lib/query/whole-agencies';
import { lit, rows } from '../helpers/duckdb';
import { DRONE_CSV } from '../helpers/paths';
import { manifestOf, table } from '../helpers/expected';
import { droneData, fixturePath, generatedData, SHARED_GEN } from '../helpers/fixtures';
import { site, type Site } from '../helpers/site';
import type { Manifest } from '../../src/lib/schema/tables';

const dir = fixturePath('drone');
let drone: Site;

beforeAll(async () => {
  drone = await site(await droneData());
}, 120_000);

const P = () => table(dir, 'projects');
const C = () => table(dir, 'contracts');

describe('agency profile', () => {
  it('totals, years, methods, winners’ shares and HHI equal independent queries', async () => {
    // The agency with the most contracts that have a winner.
    const [busiest] = await rows(
      `SELECT a.agency_key, a.agency_id FROM ${C()} c JOIN ${table(dir, 'agencies')} a USING (agency_id)
       WHERE c.vendor_id IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const key = String(busiest!.agency_key);
    const id = Number(busiest!.agency_id);
    const p = (await agencyProfile(drone.ask, drone.m, drone.dims, { key }))!;
    const [tot] = await rows(
      `SELECT count(*)::INTEGER AS projects, sum(budget)::VARCHAR AS budget FROM ${P()} WHERE agency_id = ?`,
      [id],
    );
    const [ct] = await rows(
      `SELECT count(*)::INTEGER AS contracts, coalesce(sum(price_agree), 0)::VARCHAR AS agreed FROM ${C()} WHERE agency_id = ?`,
      [id],
    );
    expect(p.totals).toEqual({ ...tot, ...ct });
    const years = await rows(
      `SELECT fiscal_year::INTEGER AS fiscal_year, count(*)::INTEGER AS projects FROM ${P()}
       WHERE agency_id = ? GROUP BY 1 ORDER BY 1`,
      [id],
    );
    expect(p.years.map((y) => ({ fiscal_year: y.fiscal_year, projects: y.projects }))).toEqual(
      years,
    );
    const methods = await rows(
      `SELECT coalesce(m.method_bucket, 'unknown') AS bucket, count(*)::INTEGER AS projects
       FROM ${P()} p LEFT JOIN ${table(dir, 'methods')} m USING (method_id) WHERE agency_id = ? GROUP BY 1`,
      [id],
    );
    const sorted = <T extends { bucket: string }>(xs: T[]) =>
      [...xs].sort((a, b) => a.bucket.localeCompare(b.bucket));
    expect(sorted(p.methods)).toEqual(sorted(methods as { bucket: string; projects: number }[]));
    // Shares and HHI, computed here in JavaScript from every winner's sum.
    const won = await rows(
      `SELECT vendor_id, sum(price_agree)::DOUBLE AS v FROM ${C()}
       WHERE agency_id = ? AND vendor_id IS NOT NULL AND price_agree > 0 GROUP BY 1`,
      [id],
    );
    const total = won.reduce((a, x) => a + Number(x.v), 0);
    const hhi = won.reduce(
      (a, x) => a + ((100 * Number(x.v)) / total) * ((100 * Number(x.v)) / total),
      0,
    );
    expect(p.vendorCount).toBe(won.length);
    expect(p.hhi).toBeCloseTo(hhi, 6);
    const top = [...won].sort((a, b) => Number(b.v) - Number(a.v))[0]!;
    expect(p.vendors[0]!.id).toBe(Number(top.vendor_id));
    expect(p.vendors[0]!.share).toBeCloseTo(Number(top.v) / total, 9);
    expect(p.vendors[0]!.vendor?.vendor_id).toBe(Number(top.vendor_id));
    expect(await agencyProfile(drone.ask, drone.m, drone.dims, { key: '000000000000' })).toBeNull();
    // Its years and methods from the agency-ordered pre-aggregates (schema 28), one group each.
    expect([
      plan(p.r, ['fiscal_year'], ['projects', 'budget', 'contracts', 'agreed']),
      plan(p.r, ['method_id'], ['projects']),
      plan({ ...p.r, fy: [drone.m.fiscal_years.at(-1)!] }, ['fiscal_year'], ['projects']),
    ]).toEqual(['agg_agency_year_by_agency', 'agg_agency_method', 'agg_agency_year']);
  });

  it('a whole agency across its units: the numbers of every row with its name (#21)', async () => {
    // The name the most units share, and its numbers straight from the CSV.
    const [most] = await rows(
      `SELECT dept_name AS name, count(*)::INTEGER AS units FROM ${table(dir, 'agencies')}
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    );
    const name = String(most!.name);
    expect(most!.units).toBeGreaterThan(1);
    const [want] = await rows(
      `SELECT count(DISTINCT รหัสโครงการ)::INTEGER AS projects,
              sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
       FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) WHERE ชื่อหน่วยงาน = ?`,
      [name],
    );
    const p = (await agencyProfile(drone.ask, drone.m, drone.dims, { name }))!;
    expect(p.units).toBe(most!.units);
    expect(p.agency).toMatchObject({ dept_name: name, agency_key: '', dept_sub_name: null });
    expect({ projects: p.totals.projects, budget: p.totals.budget }).toEqual(want);
    expect(p.years.reduce((n, y) => n + y.projects, 0)).toBe(want!.projects);
    // Its winners from their sums per unit (schema 28), as from every year's contracts: a winner
    // of several units is one winner.
    const older = {
      ...drone.m,
      files: drone.m.files.filter((x) => x.table !== 'agg_agency_vendor'),
    };
    expect(older.files.length).toBe(drone.m.files.length - 1);
    expect(concentrationSql(drone.m, p.r, 10).files.map((f) => f.table)).toEqual([
      'agg_agency_vendor',
    ]);
    expect(new Set(concentrationSql(older, p.r, 10).files.map((f) => f.table))).toEqual(
      new Set(['contracts']),
    );
    const q = (await agencyProfile(drone.ask, older, drone.dims, { name }))!;
    // (Shares are doubles summed in another order: equal to the last few bits.)
    const exact = (x: typeof p) => x.vendors.map((v) => ({ ...v, share: undefined }));
    expect({ vendors: exact(p), count: p.vendorCount }).toEqual({
      vendors: exact(q),
      count: q.vendorCount,
    });
    p.vendors.forEach((v, i) => expect(v.share).toBeCloseTo(q.vendors[i]!.share, 12));
    expect(p.vendors.length).toBe(10);
    expect(p.hhi).toBeCloseTo(q.hhi!, 9);
    const [spread] = await rows(
      `SELECT count(*)::INTEGER AS n FROM (SELECT vendor_id FROM ${C()}
       WHERE agency_id IN (SELECT agency_id FROM ${table(dir, 'agencies')} WHERE dept_name = ?)
         AND vendor_id IS NOT NULL AND price_agree > 0
       GROUP BY vendor_id HAVING count(DISTINCT agency_id) > 1)`,
      [name],
    );
    expect(spread!.n).toBeGreaterThan(0);
    // A name no agency has, and a key given as a name, are not whole agencies.
    expect(await agencyProfile(drone.ask, drone.m, drone.dims, { name: 'กองทัพ' })).toBeNull();
  });
});

describe('whole agencies (the explorer chart at the agency level)', () => {
  it('sums every unit of a name, as the CSV does by agency name (#21)', async () => {
    const want = await rows(
      `SELECT ชื่อหน่วยงาน AS dept_name, count(DISTINCT รหัสโครงการ)::INTEGER AS projects,
              sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
       FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) WHERE _ปีงบ = '2566'
       GROUP BY 1 ORDER BY sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2))) DESC, 1 LIMIT 10`,
    );
    const got = await wholeAgencies(drone.ask, drone.m, { ...ALL_ROWS, fy: [2566] });
    expect(got.map(({ dept_name, projects, budget }) => ({ dept_name, projects, budget }))).toEqual(
      want,
    );
    // At least one of them is several units (agency rows) together.
    expect(Math.max(...got.map((a) => a.units))).toBeGreaterThan(1);
  });
});

describe('vendor profile', () => {
  it('totals, years, agencies with its share of each, and every spelling seen', async () => {
    // A vendor with a valid tax id that won from several agencies.
    const [v] = await rows(
      `SELECT w.tin, w.vendor_id FROM ${C()} c JOIN ${table(dir, 'vendors')} w USING (vendor_id)
       WHERE w.tin_status = 'valid' GROUP BY ALL ORDER BY count(DISTINCT c.agency_id) DESC, count(*) DESC, 1 LIMIT 1`,
    );
    const vid = Number(v!.vendor_id);
    const p = (await vendorProfile(drone.ask, drone.m, drone.dims, String(v!.tin)))!;
    const [tot] = await rows(
      `SELECT count(DISTINCT project_id)::INTEGER AS projects, count(*)::INTEGER AS contracts,
         sum(price_agree)::VARCHAR AS agreed FROM ${C()} WHERE vendor_id = ?`,
      [vid],
    );
    expect({ ...p.totals, budget: undefined }).toEqual({ ...tot, budget: undefined });
    const agencies = await rows(
      `SELECT agency_id, sum(price_agree) FILTER (WHERE vendor_id = ?)::DOUBLE / sum(price_agree)::DOUBLE AS share
       FROM ${C()} GROUP BY 1 HAVING count(*) FILTER (WHERE vendor_id = ?) > 0`,
      [vid, vid],
    );
    expect(p.agencyCount).toBe(agencies.length);
    expect(p.agencyCount).toBeGreaterThan(1);
    for (const a of p.agencies) {
      const want = agencies.find((x) => Number(x.agency_id) === a.id)!;
      expect(a.share).toBeCloseTo(Number(want.share), 9);
      expect(a.agency?.agency_id).toBe(a.id);
    }
    // Spellings: their contracts add up to the vendor's, and the shown name is one of them.
    expect(p.names.reduce((s, x) => s + x.contracts, 0)).toBe(p.totals.contracts);
    expect(p.names.map((x) => x.name)).toContain(p.vendor.name);
    expect(p.vendor.tin).toBe(v!.tin);
    expect(await vendorProfile(drone.ask, drone.m, drone.dims, '0000000000000')).toBeNull();
  });

  it("a busy vendor's from its own tables (schema 29, 30), as from its rows of the copy", async () => {
    const gen = await generatedData(SHARED_GEN.rows, SHARED_GEN.seed);
    const s = await site(gen.data);
    // The busiest generated vendor (the fixture's vendorTop: more than 100 contracts) and one
    // that is not busy; each with contracts linked to it by name.
    const held = await rows(
      `SELECT max(vendor_id)::INTEGER AS k FROM ${table(gen.data, 'vendor_top')}`,
    );
    const k = Number(held[0]!.k);
    const [busy, other] = await rows(
      `SELECT vendor_key, vendor_id FROM ${table(gen.data, 'vendors')}
       WHERE vendor_id IN (1, ${k + 1}) ORDER BY vendor_id`,
    );
    const byVendor = ['agg_vendor_method', 'agg_vendor_agency', 'vendor_top', 'vendor_linked'];
    const older = { ...s.m, files: s.m.files.filter((x) => !byVendor.includes(x.table)) };
    // (Each of them is there; `vendor_top` in two files, as at scale.)
    const left = new Set(s.m.files.filter((x) => !older.files.includes(x)).map((x) => x.table));
    expect(left).toEqual(new Set(byVendor));
    for (const v of [busy!, other!]) {
      const read = new Set<string>();
      const ask: typeof s.ask = (q, files) => (
        files.forEach((x) => read.add(x.table)),
        s.ask(q, files)
      );
      const p = (await vendorProfile(ask, s.m, s.dims, String(v.vendor_key)))!;
      const q = (await vendorProfile(s.ask, older, s.dims, String(v.vendor_key)))!;
      expect(p.linked.length).toBeGreaterThan(0);
      expect(p.years.length).toBeGreaterThan(1);
      expect({ ...p, agencies: undefined }).toEqual({ ...q, agencies: undefined });
      const exact = (x: typeof p) => x.agencies.map((a) => ({ ...a, share: undefined }));
      expect(exact(p)).toEqual(exact(q));
      p.agencies.forEach((a, i) => expect(a.share).toBeCloseTo(q.agencies[i]!.share, 12));
      // The busy one reads its own tables, not the copy's rows but for its flags; the other its
      // rows of the copy (one small group) and none of them.
      const own = ['agg_vendor_method', 'agg_vendor_agency', 'vendor_linked'];
      expect(own.filter((t) => read.has(t))).toEqual(v === busy ? own : []);
      expect(read.has('contracts_by_vendor')).toBe(v !== busy);
    }
  });

  it('lists more than one spelling for a vendor the files wrote differently', async () => {
    const [many] = await rows(
      `SELECT vendor_id, count(*)::INTEGER AS n FROM ${table(dir, 'vendor_names')} GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    const [w] = await rows(`SELECT vendor_key FROM ${table(dir, 'vendors')} WHERE vendor_id = ?`, [
      Number(many!.vendor_id),
    ]);
    const p = (await vendorProfile(drone.ask, drone.m, drone.dims, String(w!.vendor_key)))!;
    expect(p.names.length).toBe(Number(many!.n));
    expect(p.names.length).toBeGreaterThan(1);
  });
});

describe('project lookup', () => {
  it('tries the year its id was created first, and finds projects filed in another year', async () => {
    expect(likelyYears('67110000001', [2565, 2566, 2567, 2568])).toEqual([2568, 2567, 2565, 2566]);
    expect(likelyYears('ocds-xyz', [2565, 2566])).toEqual([2565, 2566]);
    const off = await rows(
      `SELECT project_id, fiscal_year FROM ${P()}
       WHERE fiscal_year != 2500 + substr(project_id, 1, 2)::INTEGER + (substr(project_id, 3, 2)::INTEGER >= 10)::INTEGER
       ORDER BY project_id LIMIT 3`,
    );
    expect(off.length).toBeGreaterThan(0);
    for (const x of off) {
      const found = await findProject(drone.ask, drone.m, String(x.project_id), null);
      expect(Number(found!.fiscal_year)).toBe(Number(x.fiscal_year));
    }
    expect(await findProject(drone.ask, drone.m, '99999999999', null)).toBeNull();
  });

  it('finds each project by its id through the id index (schema 26), as the facts and the older path do', async () => {
    // The index: every project once, its id's number as the site computes it, in that order.
    const index = await rows(
      `SELECT id_number::BIGINT AS n, project_id, project_seq::INTEGER AS seq FROM ${table(dir, 'project_ids')}`,
    );
    const facts = await rows(
      `SELECT project_id, project_seq::INTEGER AS seq FROM ${P()} ORDER BY project_seq`,
    );
    expect(index.length).toBe(facts.length);
    expect(index.map((x) => Number(x.n))).toEqual(
      index.map((x) => projectIdNumber(String(x.project_id))),
    );
    // Each year's file in the id's order, holding that year's projects.
    for (const f of drone.m.files.filter((x) => x.table === 'project_ids')) {
      const inFile = await rows(
        `SELECT i.id_number::BIGINT AS n, p.fiscal_year::INTEGER AS fy
         FROM read_parquet(${lit(`${dir}/${f.path}`)}) i JOIN ${P()} p USING (project_seq)
         ORDER BY i.project_seq`,
      );
      const ns = (
        await rows(`SELECT id_number::BIGINT AS n FROM read_parquet(${lit(`${dir}/${f.path}`)})`)
      ).map((x) => Number(x.n));
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(new Set(inFile.map((x) => x.fy))).toEqual(new Set([f.fiscal_year]));
    }
    const bySeq = (xs: typeof index) => [...xs].sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(bySeq(index).map((x) => [x.project_id, x.seq])).toEqual(
      facts.map((x) => [x.project_id, x.seq]),
    );
    expect(projectIdNumber('ocds-03ad3f-1234')).toBe(0);
    expect(projectIdNumber('0680453080')).toBe(680453080);
    // Every 23rd project, with its year and without, against its row in the facts and against
    // the same lookup without the index (data of schema 25).
    const older = { ...drone.m, files: drone.m.files.filter((f) => f.table !== 'project_ids') };
    const want = await rows(
      `SELECT project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget,
         agreed::VARCHAR AS agreed, contract_count, flags_year_covered, flags_year
       FROM ${P()} WHERE project_seq % 23 = 0 ORDER BY project_seq`,
    );
    expect(want.length).toBeGreaterThan(20);
    for (const x of want) {
      const id = String(x.project_id);
      const known = { fiscal_year: Number(x.fiscal_year), project_seq: Number(x.project_seq) };
      const got = [
        await findProject(drone.ask, drone.m, id, Number(x.fiscal_year)),
        await findProject(drone.ask, drone.m, id, null),
        await findProject(drone.ask, older, id, null),
        // Its year and seq known (the page's light read found them): the index is not asked.
        await findProject(drone.ask, drone.m, id, null, known),
      ];
      expect(got).toEqual([x, x, x, x]);
    }
    // A seq that is another project's is not taken: the id is looked up.
    const [a, b] = [want[0]!, want[1]!];
    const wrong = { fiscal_year: Number(b.fiscal_year), project_seq: Number(b.project_seq) };
    expect(await findProject(drone.ask, drone.m, String(a.project_id), null, wrong)).toEqual(a);
    // Another year's index does not find it.
    const x = want[0]!;
    const other = drone.m.fiscal_years.find((y) => y !== Number(x.fiscal_year))!;
    expect(await findProject(drone.ask, drone.m, String(x.project_id), other)).toBeNull();
  });
});

describe('a project before the engine (schema 26)', () => {
  /** A project's headline as the page reads it first (no thresholds: its few columns). */
  const earlyProject = async (m: Manifest, id: string, fy: number | null, open: Opener) =>
    (await lightProject(m, id, fy, open, null))?.early ?? null;

  /** The published files from disk, as the site's range reads give them. */
  const opener =
    (data: string): Opener =>
    (f) => {
      const b = readFileSync(path.join(data, f.path));
      return {
        byteLength: b.length,
        slice: (start, end) =>
          b.buffer.slice(b.byteOffset + start, b.byteOffset + (end ?? b.length)),
      };
    };

  it('reads its name, agency, budget and contracts with hyparquet, as native DuckDB has them', async () => {
    const gen = await generatedData(SHARED_GEN.rows, SHARED_GEN.seed);
    let multi = 0; // projects of several contracts among those checked
    for (const data of [dir, gen.data]) {
      const m = manifestOf(data);
      const t = (name: string) => table(data, name);
      const want = await rows(
        `SELECT p.project_id, p.project_seq::INTEGER AS project_seq, p.fiscal_year::INTEGER AS fiscal_year,
           p.budget::VARCHAR AS budget, coalesce(c.agreed, 0)::VARCHAR AS agreed,
           coalesce(c.n, 0)::INTEGER AS contracts, n.project_name,
           a.agency_key, a.dept_name, a.dept_sub_name, a.province
         FROM ${t('projects')} p
         LEFT JOIN (SELECT project_seq, sum(price_agree) AS agreed, count(*) AS n FROM ${t('contracts')}
                    GROUP BY 1) c USING (project_seq)
         LEFT JOIN ${t('project_names')} n USING (project_seq)
         JOIN ${t('agencies')} a USING (agency_id)
         WHERE p.project_seq % 23 = 1 OR p.project_seq IN (SELECT project_seq FROM ${t('contracts')}
           GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 5)
         ORDER BY p.project_seq`,
      );
      expect(want.length).toBeGreaterThan(20);
      multi += want.filter((x) => Number(x.contracts) > 1).length;
      for (const x of want) {
        const { agency_key, dept_name, dept_sub_name, province, ...rest } = x;
        const expected = { ...rest, agency: { agency_key, dept_name, dept_sub_name, province } };
        const id = String(x.project_id);
        expect(await earlyProject(m, id, Number(x.fiscal_year), opener(data))).toEqual(expected);
        expect(await earlyProject(m, id, null, opener(data))).toEqual(expected);
      }
      const x = want[0]!;
      const other = m.fiscal_years.find((y) => y !== Number(x.fiscal_year))!;
      expect(await earlyProject(m, String(x.project_id), other, opener(data))).toBeNull();
      expect(await earlyProject(m, '99999999999', null, opener(data))).toBeNull();
      // Data older than the id index: the engine answers.
      expect(
        await earlyProject({ ...m, schema_version: 25 }, String(x.project_id), null, opener(data)),
      ).toBeNull();
    }
    expect(multi).toBeGreaterThan(0);
  });

  it('reads its whole page with hyparquet (every field, contracts, winners, text, flags), as the engine gives it', async () => {
    const gen = await generatedData(SHARED_GEN.rows, SHARED_GEN.seed);
    /** The page shows each value as text (ProjectPanel): compare what it would show. */
    const shown = (x: unknown): unknown =>
      x === null || x === undefined
        ? null
        : typeof x === 'object'
          ? Array.isArray(x)
            ? x.map(shown)
            : x instanceof Map
              ? [...x].map(shown)
              : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, shown(v)]))
          : String(x);
    const noEngine = () => Promise.reject(new Error('the engine was asked'));
    const seen = { contracts: 0, winners: 0, flagged: 0, text: 0 };
    for (const data of [dir, gen.data]) {
      const s = await site(data);
      const t = (name: string) => table(data, name);
      // Every 41st project, and some of several contracts or none.
      const sample = await rows(
        `SELECT project_id, fiscal_year::INTEGER AS fy FROM ${t('projects')} p
         WHERE project_seq % 41 = 3
            OR project_seq IN (SELECT project_seq FROM ${t('contracts')} GROUP BY 1 HAVING count(*) > 2 ORDER BY 1 LIMIT 4)
            OR project_seq NOT IN (SELECT project_seq FROM ${t('contracts')}) AND project_seq % 7 = 0
         ORDER BY project_seq LIMIT 60`,
      );
      expect(sample.length).toBeGreaterThan(20);
      for (const x of sample) {
        const id = String(x.project_id);
        const light = await lightProject(s.m, id, Number(x.fy), opener(data), {});
        const engine = await projectProfile(s.ask, s.m, id, Number(x.fy), {}, noEngine);
        expect(light?.profile).toBeTruthy();
        expect({ id, page: shown(light!.profile) }).toEqual({ id, page: shown(engine) });
        // Its headline as the headline-only read gives it.
        expect(light!.early).toEqual(await earlyProject(s.m, id, null, opener(data)));
        const p = light!.profile!;
        seen.contracts += p.detail.contracts.length > 1 ? 1 : 0;
        seen.winners += p.detail.contracts.filter((c) => c.vendor?.tin).length;
        seen.flagged += Object.values(p.flags).filter((f) => f === 'flagged').length;
        seen.text += p.detail.details ? 1 : 0;
      }
      // Other thresholds: its flags are the engine's to compute, the headline still read.
      const id = String(sample[0]!.project_id);
      const other = await lightProject(s.m, id, null, opener(data), { f1_min: 1_000 });
      expect(other?.profile).toBeNull();
      expect(other?.early.project_id).toBe(id);
      expect(await lightProject(s.m, '99999999999', null, opener(data), {})).toBeNull();
    }
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });

  it('adds money exactly, as DuckDB writes a DECIMAL(18,2)', async () => {
    const values = [0.1, 0.2, 1234.5, -5, 99999999999.99, null];
    const [{ s }] = (await rows(
      `SELECT sum(v)::VARCHAR AS s FROM (VALUES (0.1::DECIMAL(18,2)), (0.2), (1234.5), (-5), (99999999999.99), (NULL)) t(v)`,
    )) as [{ s: string }];
    expect(moneySum(values)).toBe(s);
    expect(moneySum([])).toBe('0.00');
    expect(moneySum([-0.05])).toBe('-0.05');
  });
});

describe('one company, one vendor (#21): records with a broken or masked tax id linked by name', () => {
  // หนึ่งสาม สโตร์ carries its tax id only in FY2568; its FY2565–2567 rows have a broken one.
  const TIN = '0105556001374';
  const raw = `read_csv(${lit(DRONE_CSV)}, all_varchar = true)`;
  const money = `sum(CAST("งบสัญญา(บาท)" AS DECIMAL(18,2)))::VARCHAR`;

  it('counts them under the tax id, lists them with the reason, and keeps a strict view', async () => {
    const [own] = await rows(
      `SELECT count(*)::INTEGER AS n, ${money} AS agreed FROM ${raw} WHERE เลขนิติบุคคล = ?`,
      [TIN],
    );
    // The same company in the source: its name, with an id that is not a valid tax id.
    const [byName] = await rows(
      `SELECT count(*)::INTEGER AS n, ${money} AS agreed FROM ${raw}
       WHERE ชื่อผู้ชนะ LIKE '%หนึ่งสาม สโตร์%' AND coalesce(เลขนิติบุคคล, '') <> ?`,
      [TIN],
    );
    expect(own).toEqual({ n: 31, agreed: '33346468.00' });
    expect(byName!.n).toBe(88);
    const all = (await vendorProfile(drone.ask, drone.m, drone.dims, `tin:${TIN}`))!;
    expect(all.vendor.linked_contracts).toBe(88);
    expect(all.totals.contracts).toBe(31 + 88);
    expect(Number(all.totals.agreed)).toBeCloseTo(Number(own!.agreed) + Number(byName!.agreed), 2);
    expect(all.years.map((y) => y.fiscal_year)).toEqual([2565, 2566, 2567, 2568]);
    expect(all.linked).toHaveLength(88);
    expect(new Set(all.linked.map((c) => c.reason))).toEqual(new Set([1]));
    // vendor_match=tin: only the records that carry the tax id.
    const strict = (await vendorProfile(drone.ask, drone.m, drone.dims, `tin:${TIN}`, true))!;
    expect(strict.totals.contracts).toBe(31);
    expect(strict.totals.agreed).toBe('33346468.00');
    expect(strict.years.map((y) => y.fiscal_year)).toEqual([2568]);
    expect(strict.linked).toEqual([]);
    // The name key of the linked records finds the tax id's vendor.
    const old = (await vendorProfile(drone.ask, drone.m, drone.dims, 'name:หนึ่งสาม สโตร์'))!;
    expect(old.vendor.vendor_key).toBe(`tin:${TIN}`);
  });

  it('never links a name used with two valid tax ids, and says it is ambiguous', async () => {
    const [l] = await rows(
      `SELECT count(*)::INTEGER AS n FROM ${table(dir, 'vendors')} WHERE name_tins >= 2 AND linked_contracts > 0`,
    );
    expect(l!.n).toBe(0);
  });
});
