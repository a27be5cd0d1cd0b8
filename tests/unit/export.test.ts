/**
 * Export SQL and cells on native DuckDB: the export of a view holds exactly the view's projects
 * (or contracts), in the table's order, with the same totals as independent joins.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonRow, neutralise, xlsxCell } from '../../src/lib/export/cells';
import { csvRows } from '../../src/lib/export/csv';
import { joinParquet } from '../../src/lib/export/parquet-footer';
import { citation, describeFilters, permalink, provenance } from '../../src/lib/export/provenance';
import { loadLabels } from '../../src/lib/i18n';
import { sourceFiles } from '../../src/lib/query/aggregate';
import {
  EXPORT_COLUMNS,
  exportSql,
  leftOutColumns,
  orderTable,
  sliceTable,
  SortKeysBuilder,
  tableOrder,
  type ExportQuery,
  type Grain,
} from '../../src/lib/query/export';
import { NO_FILTERS, SORTS, type Filters, type Sort } from '../../src/lib/query/filters';
import { rowsSql } from '../../src/lib/query/page-sql';
import { rowSource } from '../../src/lib/query/plan';
import { readRecords } from '../helpers/csv';
import { lit, rows } from '../helpers/duckdb';
import { decimal, expectedTotals, filterCases, sumText } from '../helpers/expected';
import { DRONE_CSV, TMP } from '../helpers/paths';
import { SHARED_GEN } from '../helpers/fixtures';
import { fixtureDirs, ingestFixtures, type Site } from '../helpers/site';

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
const { droneDir, genDir } = dirs;
let drone: Site;
let gen: Site;

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
}, 120_000);

const f = (p: Partial<Filters>): Filters => ({ ...NO_FILTERS, ...p });

/** The export as one statement. */
function whole(s: Site, q: ExportQuery, typed: boolean) {
  return s.ask({ sql: q.sql(typed), params: q.params }, q.files);
}

let scratch = 0;

/** The export as the site runs it: key table, order computed in JS, slices of `size` rows. */
async function sliced(
  s: Site,
  q: ExportQuery,
  typed: boolean,
  size: number,
  sort: Sort,
  grain: Grain,
) {
  const t = `export_keys_${++scratch}`;
  await s.ask({ sql: q.keysSql(t), params: q.params }, q.files);
  const [n] = await s.ask({ sql: q.countSql(t), params: [] }, []);
  const keys = new SortKeysBuilder(grain, Number(n!.n), q.ranked);
  // In any order: each row carries its rowid.
  keys.add((await s.ask({ sql: q.sortKeysSql(t), params: [] }, [])).reverse());
  const order = tableOrder(keys.build(), sort);
  const values = [...order].map((rid, i) => `(${i + 1}, ${rid})`);
  await s.ask(
    {
      sql: `CREATE TEMP TABLE ${orderTable(t)} AS SELECT * FROM (VALUES ${values.join(', ') || '(0, 0)'}) v(pos, rid) WHERE pos > 0`,
      params: [],
    },
    [],
  );
  const out = [];
  for (let from = 1; from <= order.length; from += size) {
    await s.ask({ sql: q.sliceKeysSql(t), params: [from, from + size - 1] }, []);
    out.push(...(await s.ask({ sql: q.sliceSql(t, typed), params: [] }, [])));
  }
  for (const x of [t, orderTable(t), sliceTable(t)]) {
    await s.ask({ sql: `DROP TABLE IF EXISTS ${x}`, params: [] }, []);
  }
  return out;
}

describe('export SQL on native DuckDB', () => {
  for (const [label, get, dir] of [
    ['the real drone set', () => drone, droneDir],
    ['generated data', () => gen, genDir],
  ] as const) {
    it(`exports exactly the view's projects and contracts (${label})`, async () => {
      const s = get();
      for (const c of await filterCases(dir)) {
        const r = await s.resolve(f(c));
        const want = await expectedTotals(dir, c);
        const p = exportSql(s.m, r, '-budget', 'projects');
        const got = p ? await whole(s, p, false) : [];
        expect({ c, n: String(got.length) }).toEqual({ c, n: want.projects });
        expect({ c, budget: sumText(got.map((x) => x.budget!)) }).toEqual({
          c,
          budget: decimal(want.budget),
        });
        if (p) {
          // The table's first page, in the same order.
          const source = rowSource(r);
          const page = await s.ask(
            rowsSql(source, sourceFiles(s.m, source, r), r, '-budget', 50, 0),
            [],
          );
          expect(got.slice(0, 50).map((x) => x.project_id)).toEqual(page.map((x) => x.project_id));
        }
        const k = exportSql(s.m, r, 'fy', 'contracts');
        const cs = k ? await whole(s, k, true) : [];
        // Run in slices (as the site does), the export is the same rows in the same order.
        if (k) expect(await sliced(s, k, true, 997, 'fy', 'contracts')).toEqual(cs);
        expect({ c, n: String(cs.length) }).toEqual({ c, n: want.contracts });
        expect({ c, agreed: sumText(cs.map((x) => x.contract_value!)) }).toEqual({
          c,
          agreed: decimal(want.agreed),
        });
      }
    });
  }

  it('says which contracts were counted under a vendor by name, and the strict view leaves them out', async () => {
    const vendor = 'tin:0105556001374'; // หนึ่งสาม สโตร์ (#21)
    const all = exportSql(drone.m, await drone.resolve(f({ vendor })), 'fy', 'contracts')!;
    const count = (xs: Record<string, unknown>[]) =>
      Object.fromEntries(
        [...new Set(xs.map((x) => String(x.vendor_match)))].map((k) => [
          k,
          xs.filter((x) => x.vendor_match === k).length,
        ]),
      );
    expect(count(await whole(drone, all, false))).toEqual({ 'name:tin_broken': 88, key: 31 });
    const strict = await drone.resolve(f({ vendor, vendorMatch: 'tin' }));
    expect(
      count(await whole(drone, exportSql(drone.m, strict, 'fy', 'contracts')!, false)),
    ).toEqual({ key: 31 });
  });

  it('leaves out a column no row of the view can fill (#21: empty in all 693 rows of fy=2566)', async () => {
    const year = exportSql(drone.m, await drone.resolve(f({ fy: [2566] })), '-budget', 'projects')!;
    const got = await whole(drone, year, false);
    expect(got).toHaveLength(693);
    expect(Object.keys(got[0]!)).not.toContain('matching_contract_value');
    // The drone file carries the method group and the project name, never the method as
    // published: the column is left out, and the provenance says so.
    expect(Object.values(drone.m.coverage).map((c) => c.fields.method_raw)).toEqual([0, 0, 0, 0]);
    expect(Object.keys(got[0]!)).not.toContain('method_raw');
    expect(leftOutColumns('projects', year.columns)).toEqual([
      'method_raw',
      'matching_contract_value',
    ]);
    // Generated files have it: their exports keep the column.
    const all = exportSql(gen.m, await gen.resolve(f({})), '-budget', 'projects')!;
    expect(all.columns.map((c) => c.key)).toContain('method_raw');
    // Under a contract filter the column has values: the contracts that matched.
    const vendor = f({ vendor: 'tin:0105556001374', vendorMatch: 'tin' });
    const sold = await whole(
      drone,
      exportSql(drone.m, await drone.resolve(vendor), '-budget', 'projects')!,
      false,
    );
    expect(sold.every((x) => x.matching_contract_value !== null)).toBe(true);
  });

  it('with years in the Common era (era=ce), adds each row’s CE span beside the BE year (#21)', async () => {
    const q = exportSql(
      drone.m,
      await drone.resolve(f({ fy: [2565, 2568] })),
      'fy',
      'projects',
      'ce',
    )!;
    const got = await whole(drone, q, false);
    expect(q.columns.map((c) => c.key).slice(0, 3)).toEqual([
      'project_id',
      'fiscal_year',
      'fiscal_year_ce',
    ]);
    const span = (be: number) => `${be - 544}–${String(be - 543).slice(2)}`;
    expect(new Set(got.map((x) => `${x.fiscal_year} ${x.fiscal_year_ce}`))).toEqual(
      new Set(['2565 2021–22', '2568 2024–25']),
    );
    expect(got.every((x) => x.fiscal_year_ce === span(Number(x.fiscal_year)))).toBe(true);
  });

  // One test per filter case: each is a dozen exports of the generated set.
  for (const i of [0, 12, 17]) {
    it(`run in slices, gives the whole export in its order, for every sort and grain (case ${i})`, async () => {
      const c = (await filterCases(genDir))[i]!;
      const r = await gen.resolve(f(c));
      for (const sort of SORTS) {
        for (const grain of ['projects', 'contracts'] as const) {
          const q = exportSql(gen.m, r, sort, grain)!;
          const all = await whole(gen, q, false);
          expect(all.length).toBeGreaterThan(0);
          expect({ c, sort, grain, rows: await sliced(gen, q, false, 701, sort, grain) }).toEqual({
            c,
            sort,
            grain,
            rows: all,
          });
        }
      }
    });
  }

  it('names every row: agency, project name, method and the winner with its TIN', async () => {
    const r = await drone.resolve(f({}));
    const q = exportSql(drone.m, r, '-budget', 'contracts')!;
    const got = await sliced(drone, q, false, 1000, '-budget', 'contracts');
    expect(got).toEqual(await whole(drone, q, false));
    expect(got.length).toBeGreaterThan(0);
    // Names as the real file has them, cleaned as the ingest documents (NFC, ASCII white space
    // collapsed; a no-break space is kept).
    const [header, ...records] = readRecords(DRONE_CSV);
    const norm = (x: string) =>
      x
        .normalize('NFC')
        .replace(/[\t\n\f\r ]+/g, ' ')
        .trim();
    const names = new Map(
      records.map((r) => [
        r[header!.indexOf('รหัสโครงการ')]!,
        norm(r[header!.indexOf('ชื่อโครงการ')]!),
      ]),
    );
    for (const row of got) {
      expect(row.agency).toBeTruthy();
      expect(row.project_name).toBe(names.get(String(row.project_id)));
    }
    // Juristic-person TINs start with 0: they stay text with the zero.
    expect(got.filter((x) => /^0\d{12}$/.test(String(x.vendor_tin))).length).toBeGreaterThan(100);
    // Broken (E+) TINs are never shown as a TIN.
    expect(got.map((x) => x.vendor_tin).filter((t) => t && !/^\d{13}$/.test(String(t)))).toEqual(
      [],
    );
    // Less the columns the drone file has no value for (no published method, no signing dates).
    const none = ['method_raw', 'contract_date', 'contract_finish_date'];
    expect(Object.keys(got[0]!)).toEqual(
      EXPORT_COLUMNS.contracts.map((c) => c.key).filter((k) => !none.includes(k)),
    );
  });
});

describe('export cells', () => {
  const text = { key: 'name', kind: 'text', expr: '' } as const;
  const id = { key: 'tin', kind: 'id', expr: '' } as const;
  const money = { key: 'budget', kind: 'money', expr: '' } as const;
  const date = { key: 'd', kind: 'date', expr: '' } as const;

  it('neutralises text a spreadsheet would run as a formula, and nothing else', () => {
    for (const s of ['=1+1', '+66', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("x")']) {
      expect(neutralise(s)).toBe(`'${s}`);
    }
    for (const s of ['บริษัท ก', 'a=b', '0105536000013', '']) expect(neutralise(s)).toBe(s);
  });

  it('writes CSV that parses back to the same text, money and TINs exact', () => {
    const rows = [
      { name: 'ถนน "ลาดยาง", หมู่ 3\nบ้านนา', tin: '0105536000013', budget: '-1234567.50', d: null },
      { name: '=cmd|calc', tin: null, budget: '0.10', d: '2024-10-01' },
    ];
    const back = parse(csvRows([text, id, money, date], rows)) as string[][];
    expect(back).toEqual([
      ['ถนน "ลาดยาง", หมู่ 3\nบ้านนา', '0105536000013', '-1234567.50', ''],
      ["'=cmd|calc", '', '0.10', '2024-10-01'],
    ]);
  });

  it('writes JSON with exact decimals and text ids', () => {
    const line = jsonRow([text, id, money], { name: 'ก', tin: '0105536000013', budget: '12.30' });
    expect(line).toBe('{"name":"ก","tin":"0105536000013","budget":12.30}');
    expect(JSON.parse(line)).toEqual({ name: 'ก', tin: '0105536000013', budget: 12.3 });
  });

  it('gives XLSX numbers, dates and neutralised text', () => {
    expect(xlsxCell(money, '1234.5')).toBe(1234.5);
    expect(xlsxCell(date, '2024-10-01')).toEqual(new Date(Date.UTC(2024, 9, 1)));
    expect(xlsxCell(id, '0105536000013')).toBe('0105536000013');
    expect(xlsxCell(text, '@x')).toBe("'@x");
  });
});

describe('provenance', () => {
  beforeAll(() => loadLabels('en'));

  it('says the filters in Thai and English, and pins the permalink', () => {
    const v = f({ fy: [2566, 2567], agency: 'กรมทางหลวง', method: ['specific'], min: 500000 });
    expect(describeFilters(v, 'th')).toContain('กรมทางหลวง');
    expect(describeFilters(v, 'th')).toContain('2566, 2567');
    expect(describeFilters(v, 'en')).toContain('Specific (direct)');
    expect(describeFilters(f({}), 'en')).toMatch(/^All projects\. Order: budget, largest first$/);
    const m = { snapshot_id: 'abcdef0123456789' } as Parameters<typeof permalink>[1];
    expect(permalink('https://x.test/explore?fy=2566&page=3', m)).toBe(
      'https://x.test/explore?fy=2566&snap=abcdef012345',
    );
  });

  it('cites the view with its source in the page’s language (#21: it was English in Thai)', () => {
    const p = provenance({
      href: 'https://x.test/explore?fy=2566',
      manifest: drone.m,
      manifestSha256: '0'.repeat(64),
      filters: f({ fy: [2566] }),
      grain: 'projects',
      rows: 693,
      columns: [],
      sql: '',
      params: [],
      now: new Date('2026-12-03T00:00:00Z'),
    });
    expect(citation(p, 'th')).toContain(drone.m.licence_th);
    expect(citation(p, 'th')).toContain('data.go.th');
    expect(citation(p, 'th')).not.toContain('Creative Commons');
    expect(citation(p, 'en')).toContain(drone.m.licence);
    expect(p.licence_th).toMatch(/^ข้อมูลเปิดภาครัฐ/);
  });
});

describe('Parquet slices joined with metadata', () => {
  it('joins files native DuckDB wrote into one, with key-value metadata DuckDB reads back', async () => {
    const slice = (k: number) => path.join(TMP, `unit-export-slice-${k}.parquet`);
    const pieces = [];
    for (const [k, from, to] of [
      [0, 0, 25_000],
      [1, 25_000, 25_001],
      [2, 25_001, 60_000],
    ] as const) {
      await rows(`COPY (SELECT i AS pos, i::VARCHAR AS id, (i * 1.25)::DECIMAL(18,2) AS money,
          DATE '2024-01-01' + (i % 1000)::INTEGER AS d,
          CASE WHEN i % 3 = 0 THEN NULL ELSE 'ถนน ' || i END AS name
          FROM range(${from}, ${to}) t(i) ORDER BY i)
        TO ${lit(slice(k))} (FORMAT PARQUET, ROW_GROUP_SIZE 10000)`);
      pieces.push(new Uint8Array(readFileSync(slice(k))));
    }
    const file = path.join(TMP, 'unit-export-joined.parquet');
    writeFileSync(
      file,
      Buffer.concat(joinParquet(pieces, { snapshot_id: 'abc', filters: 'ปีงบประมาณ: 2566' })),
    );
    const kv = await rows(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit(file)}) ORDER BY 1`,
    );
    expect(kv).toEqual([
      { k: 'filters', v: 'ปีงบประมาณ: 2566' },
      { k: 'snapshot_id', v: 'abc' },
    ]);
    // Every row once, in order, with statistics that still prune (row groups by pos).
    const [agg] = await rows(`SELECT count(*)::INTEGER AS n, sum(money)::VARCHAR AS s,
        count(name)::INTEGER AS names, bool_and(pos = rn - 1) AS ordered
      FROM (SELECT *, row_number() OVER () AS rn FROM ${lit(file)})`);
    expect(agg).toEqual({ n: 60000, s: '2249962500.00', names: 40000, ordered: true });
    const [hit] = await rows(
      `SELECT id, money::VARCHAR AS money, d::VARCHAR AS d FROM ${lit(file)} WHERE pos = 59999`,
    );
    expect(hit).toEqual({ id: '59999', money: '74998.75', d: '2026-09-26' });
    const mins = async (f: string) =>
      (
        await rows(
          `SELECT row_group_id, min(stats_min)::INTEGER AS lo FROM parquet_metadata(${lit(f)})
           WHERE path_in_schema = 'pos' GROUP BY 1 ORDER BY 1`,
        )
      ).map((m) => m.lo);
    const each = [...(await mins(slice(0))), ...(await mins(slice(1))), ...(await mins(slice(2)))];
    expect(each).toContain(25001);
    expect(await mins(file)).toEqual(each);
    expect(() => joinParquet([new Uint8Array(8)], {})).toThrow(/not a Parquet file/);
  });
});
