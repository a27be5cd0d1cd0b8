/** Inputs as users bring them: compressed, zipped, legacy Thai encoding, globs, API JSON, OCDS. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMaps } from '../../scripts/ingest/layout';
import { ingest, InputError } from '../../scripts/ingest/run';
import { detectEncoding, expandInputs } from '../../scripts/ingest/sources';
import type { Manifest } from '../../src/lib/schema/tables';
import { stringify } from 'csv-stringify/sync';
import { droneIngestArgs } from '../helpers/cli';
import { readRecords } from '../helpers/csv';
import { DRONE_MAPS, droneData, droneSlice } from '../helpers/fixtures';
import { manifestOf } from '../helpers/expected';
import { lit, rows } from '../helpers/duckdb';
import { CFT_CSV, DRONE_CSV, ICS_CSV, REAL, ROOT, TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-inputs');
/** Real drone records (fixtures.ts): where a test is about how a file is read, not its size. */
let slice: string;
let sliceRows: number;

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  slice = await droneSlice();
  sliceRows = readRecords(slice).length - 1;
});

function table(out: string, m: Manifest, t: string): string {
  return `read_parquet([${m.files
    .filter((f) => f.table === t)
    .map((f) => lit(path.join(out, f.path)))
    .join(', ')}])`;
}

/** Encode Thai text as Windows-874: U+0E01..U+0E5B map to 0xA1..0xFB; ASCII stays. */
function toWindows874(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const u = c.codePointAt(0)!;
      if (u < 0x80) return u;
      if (u >= 0x0e01 && u <= 0x0e5b) return u - 0x0e01 + 0xa1;
      throw new Error(`not in Windows-874: ${c}`);
    }),
  );
}

/** The slice's ingest with its maps, once for the tests that compare with it. */
let plainRun: ReturnType<typeof ingest> | null = null;
const plainIngest = () =>
  (plainRun ??= ingest({ files: [slice], out: path.join(dir, 'plain'), maps: DRONE_MAPS }));

describe('compressed and encoded inputs give the same dataset as the plain file', () => {
  let plain: Manifest;
  beforeAll(async () => {
    plain = (await plainIngest()).manifest;
  });

  it('reads a .gz part', async () => {
    const gz = path.join(dir, 'drone.csv.gz');
    await writeFile(gz, gzipSync(readFileSync(slice)));
    const { manifest } = await ingest({ files: [gz], out: path.join(dir, 'gz'), maps: DRONE_MAPS });
    expect(manifest.snapshot_id).toBe(plain.snapshot_id);
  });

  it('reads every data file inside a .zip', async () => {
    const zip = path.join(dir, 'parts.zip');
    execFileSync('python3', [
      '-c',
      `import zipfile,sys
z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)
z.write(sys.argv[2],'egp/drone.csv'); z.writestr('README.txt','not data'); z.close()`,
      zip,
      slice,
    ]);
    const { manifest } = await ingest({
      files: [zip],
      out: path.join(dir, 'zip'),
      maps: DRONE_MAPS,
    });
    expect(manifest.sources.map((s) => s.name)).toEqual(['parts.zip!egp/drone.csv']);
    expect(manifest.snapshot_id).toBe(plain.snapshot_id);
  });

  it('never links records to a tax id by a name two valid tax ids use (#21)', async () => {
    // The real file links หนึ่งสาม สโตร์'s 88 broken-id records to its one valid tax id. Give
    // the same name a second valid tax id (another company's, on a copy of one row): now no
    // record of that name is linked, and its vendor says how many tax ids use the name.
    const drone = await droneData();
    const linked = await rows(
      `SELECT linked_contracts FROM ${table(drone, manifestOf(drone), 'vendors')}
       WHERE vendor_key = 'tin:0105556001374'`,
    );
    expect(linked).toEqual([{ linked_contracts: 88 }]);
    const [header, ...records] = readRecords(DRONE_CSV);
    const col = (name: string) => header!.indexOf(name);
    const [tin, winner, project] = [col('เลขนิติบุคคล'), col('ชื่อผู้ชนะ'), col('รหัสโครงการ')];
    const own = records.find((r) => r[tin] === '0105556001374')!;
    const other = records.find((r) => /^0\d{12}$/.test(r[tin]!) && r[tin] !== '0105556001374')!;
    const twin = [...own];
    twin[tin] = other[tin]!;
    twin[project] = `9${own[project]!.slice(1)}`;
    // The name's records alone (the rest of the file links nothing to it).
    const named = records.filter((r) => r[winner]!.replace(/\s+/g, ' ').includes('หนึ่งสาม สโตร์'));
    expect(named.length).toBeGreaterThan(88);
    const file = path.join(dir, 'two-tins-one-name.csv');
    await writeFile(file, stringify([header!, ...named, twin]));
    const { manifest } = await ingest({
      files: [file],
      out: path.join(dir, 'two-tins'),
      maps: DRONE_MAPS,
    });
    const v = await rows(
      `SELECT vendor_key, linked_contracts, name_tins FROM ${table(path.join(dir, 'two-tins'), manifest, 'vendors')}
       WHERE vendor_key IN ('tin:0105556001374', 'name:หนึ่งสาม สโตร์') ORDER BY 1`,
    );
    expect(v).toEqual([
      { vendor_key: 'name:หนึ่งสาม สโตร์', linked_contracts: 0, name_tins: 2 },
      { vendor_key: 'tin:0105556001374', linked_contracts: 0, name_tins: null },
    ]);
    expect(String(own[winner])).toContain('หนึ่งสาม สโตร์');
  });

  it('detects and transcodes a TIS-620 / Windows-874 file', async () => {
    const text = readFileSync(slice, 'utf8').replace(/^\uFEFF/, '');
    // The drone file is pure Thai + ASCII except a few symbols; keep the rows Windows-874 can hold.
    const lines = text
      .split('\n')
      .filter((l) => [...l].every((c) => c < '\u0080' || (c >= '\u0e01' && c <= '\u0e5b')));
    const tis = path.join(dir, 'drone-tis620.csv');
    const utf8 = path.join(dir, 'drone-same-rows-utf8.csv');
    await writeFile(tis, toWindows874(lines.join('\n')));
    await writeFile(utf8, lines.join('\n'));
    expect(detectEncoding(readFileSync(tis))).toBe('windows-874');
    expect(detectEncoding(readFileSync(utf8))).toBe('utf-8');
    const a = await ingest({ files: [tis], out: path.join(dir, 'tis'), maps: DRONE_MAPS });
    const b = await ingest({ files: [utf8], out: path.join(dir, 'tis-utf8'), maps: DRONE_MAPS });
    expect(a.manifest.quality.transcoded_windows_874).toBe(1);
    expect(a.manifest.snapshot_id).toBe(b.manifest.snapshot_id);
    expect(a.manifest.counts.rows_read).toBe(readRecords(utf8).length - 1);
    expect(a.manifest.counts.rows_read).toBeGreaterThan(sliceRows * 0.9);
    const names = await rows(
      `SELECT count(*)::INTEGER AS n FROM ${table(path.join(dir, 'tis'), a.manifest, 'project_names')} WHERE project_name LIKE '%โดรน%'`,
    );
    expect(names[0]!.n).toBeGreaterThan(100);
  });

  it('refuses a file whose encoding it cannot tell, naming it', async () => {
    const bad = path.join(dir, 'binary.csv');
    await writeFile(bad, Buffer.from([0x80, 0x81, 0x82, 0xff, 0xfe, 0x00, 0x9f, 0x8f]));
    await expect(
      ingest({ files: [bad], out: path.join(dir, 'bad'), maps: new Map() }),
    ).rejects.toThrow(InputError);
    await expect(
      ingest({ files: [bad], out: path.join(dir, 'bad'), maps: new Map() }),
    ).rejects.toThrow(/binary\.csv: cannot tell its text encoding/);
  });

  it('suggests the --map a file needs from its unused columns (#21: the real CFT and drone files)', async () => {
    // Every CFT row lacks the agency: it is in `local_authority`, which no layout names.
    const cft = ingest({ files: [CFT_CSV], out: path.join(dir, 'cft-nomap'), maps: new Map() });
    await expect(cft).rejects.toThrow(InputError);
    await expect(cft).rejects.toThrow(
      /missing_agency: 3910\)\nprojects_flat\.csv: try --map local_authority=dept_name \(missing_agency; 100% of its first values look like one\)/,
    );
    // The drone file's year is in `_ปีงบ`: without the map it is read from the project ids.
    const drone = await ingest({
      files: [slice],
      out: path.join(dir, 'drone-nomap'),
      maps: new Map(),
    });
    expect(drone.manifest.quality.fiscal_year_from_project_id).toBe(sliceRows);
    expect(drone.mapHints).toEqual([
      'egp_drone_projects.csv: try --map _ปีงบ=budget_year (fiscal_year_from_project_id; 100% of its first values look like one)',
    ]);
    // With the maps, nothing to suggest.
    expect((await plainIngest()).mapHints).toEqual([]);
  });

  it('expands folders and globs in name order', async () => {
    const files = await expandInputs([path.join(REAL, 'egp-drone-2565-2568/*.csv')]);
    expect(files.map((f) => path.basename(f))).toEqual([
      'egp_drone_projects.csv',
      'ics_egp_contracts.csv',
    ]);
    await expect(expandInputs([path.join(dir, 'nothing-*.csv')])).rejects.toThrow(
      /no file matches/,
    );
  });
});

describe('Government Spending API JSON', () => {
  it('reads projects with nested contracts, counting project money once', async () => {
    // The API's shape: canonical names, every value a string, contracts nested.
    const project = (id: string, budget: string, contracts: object[]) => ({
      project_id: id,
      project_name: `ซื้อวัสดุ ${id} โดยวิธีเฉพาะเจาะจง`,
      dept_name: 'กรมทดสอบ',
      budget_year: '2567',
      project_money: budget,
      price_build: budget,
      sum_price_agree: '3,000.00',
      transaction_date: '15 ก.ย. 2567',
      contract: contracts,
    });
    const c = (tin: string, price: string) => ({
      winner_tin: tin,
      winner: `บริษัท ${tin} จำกัด`,
      contract_no: `${tin}/67`,
      price_agree: price,
      contract_date: '20 ก.ย. 2567',
    });
    const file = path.join(dir, 'api.json');
    await writeFile(
      file,
      JSON.stringify({
        result: [
          project('67099000001', '5,000.00', [
            c('0305560001659', '2000.00'),
            c('0105558153376', '1000.00'),
          ]),
          project('67099000002', '700', []),
        ],
      }),
    );
    const out = path.join(dir, 'api');
    const { manifest } = await ingest({ files: [file], out, maps: new Map() });
    expect(manifest.counts).toMatchObject({
      rows_read: 3,
      rows_written: 3,
      projects: 2,
      contracts: 2,
    });
    const [t] = await rows(
      `SELECT sum(budget)::VARCHAR AS b FROM ${table(out, manifest, 'projects')}`,
    );
    expect(t!.b).toBe('5700.00');
    const [v] = await rows(
      `SELECT sum(price_agree)::VARCHAR AS a FROM ${table(out, manifest, 'contracts')}`,
    );
    expect(v!.a).toBe('3000.00');
  });
});

describe('OCDS', () => {
  it.each(['moldova', 'paraguay', 'mexico-cdmx'])(
    'loads the real %s sample from its folder, every process in the output or the rejects',
    async (name) => {
      // The download's folder as given: its records/ and releases/ are read (#21: it was refused).
      const top = path.join(REAL, `ocds-${name}`);
      const files = await expandInputs([top]);
      const below = ['records', 'releases'].flatMap((k) =>
        readdirSync(path.join(top, k))
          .sort()
          .map((f) => path.join(top, k, f)),
      );
      expect(files).toEqual(below);
      const out = path.join(dir, `ocds-${name}`);
      const { manifest } = await ingest({ files, out, maps: new Map() });
      // Independently: every ocid that any document carries.
      const ocids = new Set<string>();
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/"ocid"\s*:\s*"([^"]+)"/g)) ocids.add(m[1]!);
      }
      const kept = await rows(`SELECT project_id FROM ${table(out, manifest, 'projects')}`);
      const rejected = readFileSync(path.join(out, manifest.rejects_file!), 'utf8');
      for (const id of ocids) {
        expect(
          kept.some((r) => r.project_id === id) ||
            rejected.includes(`\\"ocid\\":\\"${id}\\"`) ||
            rejected.includes(`""ocid"":""${id}""`),
          id,
        ).toBe(true);
      }
      expect(manifest.quality.ocds_ocids).toBe(ocids.size);
      // Each file says how many releases it held (#21: every OCDS file showed 0 rows read).
      const held = manifest.sources.map((s) => s.ocds_releases ?? 0);
      expect(held.reduce((a, b) => a + b, 0)).toBe(manifest.quality.ocds_releases_read);
      // (A record that only links its releases by url holds none.)
      for (const [i, f] of files.entries()) {
        const text = readFileSync(f, 'utf8');
        if (f.includes('/releases/') ? text.length > 0 : text.includes('"compiledRelease"'))
          expect(held[i], f).toBeGreaterThan(0);
      }
      expect(manifest.counts.rows_read).toBe(
        manifest.counts.rows_written +
          manifest.counts.rows_rejected +
          manifest.counts.rows_duplicate,
      );
    },
  );

  it('keeps the real Moldova contracts with their values and suppliers', async () => {
    const out = path.join(dir, 'ocds-moldova');
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    // SOURCE.md: 51 processes, 36 awards and contracts (18 of each).
    expect(m.counts.projects).toBe(51);
    expect(m.counts.contracts).toBe(18);
    const [x] = await rows(
      `SELECT count(*)::INTEGER AS n FROM ${table(out, m, 'contracts')} WHERE price_agree > 0 AND vendor_id IS NOT NULL`,
    );
    expect(x!.n).toBe(18);
  });

  it('keeps each portal’s currency, publisher and licence, and converts nothing (#21 §5)', async () => {
    const manifest = (name: string) =>
      JSON.parse(readFileSync(path.join(dir, `ocds-${name}/manifest.json`), 'utf8')) as Manifest;
    const py = manifest('paraguay');
    expect([py.currency, manifest('mexico-cdmx').currency, manifest('moldova').currency]).toEqual([
      'PYG',
      'MXN',
      'MDL',
    ]);
    expect(py.licence).toBe(
      'Open Contracting (OCDS) data published by DNCP - Paraguay (https://creativecommons.org/licenses/by/4.0/)',
    );
    expect(manifest('mexico-cdmx').licence).toMatch(
      /^Open Contracting \(OCDS\) data published by CDMX-SEFIN/,
    );
    for (const n of ['paraguay', 'mexico-cdmx', 'moldova'])
      expect(manifest(n).licence + manifest(n).licence_th).not.toContain('data.go.th');
    // The rows in dollars are rejected with their reason, never added to guaraníes or pesos; their
    // processes name USD in the files.
    for (const [name, cur] of [
      ['paraguay', 'PYG'],
      ['mexico-cdmx', 'MXN'],
    ] as const) {
      const m = manifest(name);
      const [head, ...rejected] = readRecords(path.join(dir, `ocds-${name}`, m.rejects_file!));
      const other = rejected.filter((r) => r[head!.indexOf('reason')] === 'other_currency');
      expect(other.length, name).toBe(m.rejects_by_reason.other_currency);
      expect(other.length, name).toBeGreaterThan(0);
      const texts = readdirSync(path.join(REAL, `ocds-${name}`), { recursive: true })
        .map((f) => path.join(REAL, `ocds-${name}`, String(f)))
        .filter((f) => f.endsWith('.json'))
        .map((f) => readFileSync(f, 'utf8'));
      for (const r of other) {
        expect(r[head!.indexOf('message')]).toContain(
          `amounts in USD; this dataset's are in ${cur}`,
        );
        const ocid = /"ocid":"([^"]+)"/.exec(r[head!.indexOf('raw')]!)![1]!;
        expect(texts.some((t) => t.includes(ocid) && /"currency"\s*:\s*"USD"/.test(t))).toBe(true);
      }
    }
    // e-GP data stays in baht, under data.go.th's licence.
    const drone = JSON.parse(
      readFileSync(path.join(dir, 'drone-nomap/manifest.json'), 'utf8'),
    ) as Manifest;
    expect(drone.currency).toBe('THB');
    expect(drone.licence).toContain('data.go.th');
  });

  it('counts the zero-byte files of the real Paraguay sample instead of failing', async () => {
    const m = JSON.parse(
      readFileSync(path.join(dir, 'ocds-paraguay/manifest.json'), 'utf8'),
    ) as Manifest;
    const empty = readdirSync(path.join(REAL, 'ocds-paraguay/records')).filter(
      (f) => readFileSync(path.join(REAL, 'ocds-paraguay/records', f)).length === 0,
    );
    expect(m.quality.empty_inputs).toBe(empty.length);
    expect(empty.length).toBe(3);
  });
});

describe('a real file and its ICS cousin together', () => {
  it('reads mixed layouts in one run', async () => {
    const { manifest } = await ingest({
      files: [slice, ICS_CSV],
      out: path.join(dir, 'mixed'),
      maps: DRONE_MAPS,
    });
    expect(manifest.sources.map((s) => s.rows_read)).toEqual([sliceRows, 5]);
  });
});

describe('inputs as people make them (hardening)', () => {
  /** The real drone rows of one fiscal year, with the header (some names span lines). */
  function droneYear(fy: string): { text: string; rows: number } {
    const [header, ...records] = readRecords(slice);
    const col = header!.indexOf('_ปีงบ');
    const kept = records.filter((r) => r[col] === fy);
    return { text: stringify([header!, ...kept]), rows: kept.length };
  }

  it('a zip made on a Mac: resource forks skipped with a line, members named by their full path', async () => {
    const src = path.join(dir, 'mac');
    await mkdir(path.join(src, '2566'), { recursive: true });
    await mkdir(path.join(src, '2567'), { recursive: true });
    const [y2566, y2567] = [droneYear('2566'), droneYear('2567')];
    await writeFile(path.join(src, '2566/part1.csv'), y2566.text);
    await writeFile(path.join(src, '2567/part1.csv'), y2567.text);
    const zip = path.join(dir, 'mac.zip');
    execFileSync('python3', [
      '-c',
      `import zipfile,sys,os
z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)
for y in ('2566','2567'):
  z.write(os.path.join(sys.argv[2],y,'part1.csv'),y+'/part1.csv')
  z.writestr('__MACOSX/'+y+'/._part1.csv',bytes([0,5,22,7,0,2,0,0])+b'Mac OS X'+bytes([255,254]))
z.writestr('.DS_Store',bytes([0,0,0,1])+b'Bud1'+bytes([0,255])); z.close()`,
      zip,
      src,
    ]);
    const logged: string[] = [];
    const { manifest, perSource } = await ingest({
      files: [zip],
      out: path.join(dir, 'mac-out'),
      maps: DRONE_MAPS,
      log: (l) => logged.push(l),
    });
    expect(manifest.sources.map((s) => s.name)).toEqual([
      'mac.zip!2566/part1.csv',
      'mac.zip!2567/part1.csv',
    ]);
    expect(perSource.map((p) => [p.name, p.read])).toEqual([
      ['mac.zip!2566/part1.csv', y2566.rows],
      ['mac.zip!2567/part1.csv', y2567.rows],
    ]);
    expect(logged.filter((l) => l.includes('skipped'))).toEqual([
      'mac.zip!__MACOSX/2566/._part1.csv: skipped (a macOS resource fork)',
      'mac.zip!__MACOSX/2567/._part1.csv: skipped (a macOS resource fork)',
      'mac.zip!.DS_Store: skipped (a file manager’s file)',
    ]);
  });

  it('an empty file beside a valid one: the valid one is published, the empty one counted and named', async () => {
    const empty = path.join(dir, 'empty-part.csv');
    await writeFile(empty, '');
    // The CLI, as a user runs it: it exits 4 (published, something to look at), as with rejected
    // rows.
    const out = path.join(dir, 'with-empty-cli');
    const cli = spawnSync(process.execPath, droneIngestArgs(out, empty, slice), {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(4);
    expect(cli.stdout).toContain('empty inputs (nothing read from them): 1');
    expect(cli.stdout).toContain(
      'read empty-part.csv: empty (no header row, no data): counted in quality.empty_inputs',
    );
    const manifest = manifestOf(out);
    expect(manifest.counts.rows_written).toBe(sliceRows);
    expect(manifest.quality.empty_inputs).toBe(1);
  });

  it('a header naming one field twice is an input error naming both columns (directly or through --map)', async () => {
    const [header, ...lines] = readFileSync(DRONE_CSV, 'utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n');
    const cells = header!.split(',');
    const budget = cells.indexOf('งบประมาณ(บาท)');
    const twice = path.join(dir, 'twice.csv');
    cells[budget] = 'รหัสโครงการ'; // the budget column renamed to a second project id
    await writeFile(twice, [cells.join(','), ...lines.slice(0, 3)].join('\n') + '\n');
    const id = cells.indexOf('รหัสโครงการ');
    await expect(
      ingest({ files: [twice], out: path.join(dir, 'twice'), maps: DRONE_MAPS }),
    ).rejects.toThrow(
      `twice.csv: columns ${id + 1} "รหัสโครงการ" and ${budget + 1} "รหัสโครงการ" both hold project_id (รหัสโครงการ)`,
    );
    // Two --map sources onto one field.
    await expect(
      ingest({
        files: [DRONE_CSV],
        out: path.join(dir, 'mapped'),
        maps: parseMaps(['_ปีงบ=budget_year', '_หมวด=budget_year']),
      }),
    ).rejects.toThrow(
      /columns 1 "_ปีงบ" \(--map _ปีงบ=budget_year\) and 2 "_หมวด" \(--map _หมวด=budget_year\) both hold budget_year/,
    );
  });

  it('NUL bytes, a CE fiscal year the dates contradict, negative and out-of-range amounts: repaired or named, and counted', async () => {
    const [header, ...records] = readRecords(DRONE_CSV);
    const col = (name: string) => header!.indexOf(name);
    const rs = records.slice(0, 5).map((r) => [...r]);
    rs[0]![col('ชื่อโครงการ')] = 'ซื้อโดรน\u0000สำรวจ โดยวิธีเฉพาะเจาะจง';
    rs[1]![col('_ปีงบ')] = '1999'; // read as CE it would be FY2542; the row is dated March 2023
    rs[1]![col('วันที่ประกาศ')] = '15 มี.ค. 2566';
    rs[2]![col('งบประมาณ(บาท)')] = '-5000.00';
    rs[3]![col('งบประมาณ(บาท)')] = '1e30';
    rs[4]![col('ราคากลาง(บาท)')] = '99999999999999999999';
    const file = path.join(dir, 'odd-values.csv');
    await writeFile(file, stringify([header!, ...rs]));
    const out = path.join(dir, 'odd-values');
    const { manifest } = await ingest({ files: [file], out, maps: DRONE_MAPS });
    expect(manifest.quality).toMatchObject({
      nul_bytes_removed: 1,
      fiscal_year_from_dates: 1,
      negative_amounts: 1,
    });
    const pid = (i: number) => rs[i]![col('รหัสโครงการ')]!;
    const got = await rows(
      `SELECT p.project_id, p.fiscal_year, p.budget::VARCHAR AS budget, n.project_name
       FROM ${table(out, manifest, 'projects')} p JOIN ${table(out, manifest, 'project_names')} n USING (project_seq)
       ORDER BY p.project_id`,
    );
    const byId = new Map(got.map((g) => [String(g.project_id), g]));
    expect(byId.get(pid(0))!.project_name).toBe('ซื้อโดรนสำรวจ โดยวิธีเฉพาะเจาะจง');
    expect(byId.get(pid(1))!.fiscal_year).toBe(2566);
    expect(byId.get(pid(2))!.budget).toBe('-5000.00');
    const rejects = readRecords(path.join(out, manifest.rejects_file!));
    expect(rejects.slice(1).map((r) => r[3])).toEqual([
      'project_money: "1e30" is out of range (an amount is under 10,000,000,000,000,000 baht)',
      'price_build: "99999999999999999999" is out of range (an amount is under 10,000,000,000,000,000 baht)',
    ]);
  });

  it('a bare CR inside a quoted field and a 5 MB Thai name: the file is read, the oversized record rejected with its line', async () => {
    // The file's first 300 records (DuckDB's reader refuses them as it does the whole file, which
    // read record by record took 13 s of the test; on the every-ninth slice it took the bare CR).
    const [header, ...records] = readRecords(DRONE_CSV);
    const name = header!.indexOf('ชื่อโครงการ');
    const withCr = records.slice(0, 300).map((r) => [...r]);
    withCr[5]![name] = `${withCr[5]![name]}\r=1+1`; // valid RFC 4180; DuckDB's reader stops on it
    const crFile = path.join(dir, 'bare-cr.csv');
    await writeFile(crFile, stringify([header!, ...withCr]));
    const logged: string[] = [];
    const cr = await ingest({
      files: [crFile],
      out: path.join(dir, 'bare-cr'),
      maps: DRONE_MAPS,
      log: (l) => logged.push(l),
    });
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^bare-cr\.csv: DuckDB's CSV reader refused it \(.*\); reading it record by record$/,
      ),
    );
    expect(cr.manifest.counts).toMatchObject({
      rows_read: 300,
      rows_written: 300,
      rows_rejected: 0,
    });
    const out = path.join(dir, 'bare-cr');
    const [named] = await rows(
      `SELECT n.project_name FROM ${table(out, cr.manifest, 'projects')} p
       JOIN ${table(out, cr.manifest, 'project_names')} n USING (project_seq) WHERE p.project_id = ?`,
      [withCr[5]![header!.indexOf('รหัสโครงการ')]!],
    );
    expect(named!.project_name).toMatch(/ =1\+1$/); // the CR is white space, collapsed as any

    const big = records.slice(0, 3).map((r) => [...r]);
    big[1]![name] = 'ก'.repeat(1_750_000); // 5.25 MB of Thai in one field
    const bigFile = path.join(dir, 'big-name.csv');
    await writeFile(bigFile, stringify([header!, ...big]));
    const b = await ingest({ files: [bigFile], out: path.join(dir, 'big-name'), maps: DRONE_MAPS });
    expect(b.manifest.counts).toMatchObject({ rows_read: 3, rows_written: 2, rows_rejected: 1 });
    expect(b.rejectsByReason).toEqual({ line_too_long: 1 });
    const rejected = readRecords(path.join(dir, 'big-name', b.manifest.rejects_file!));
    expect(rejected[1]!.slice(0, 4)).toEqual([
      'big-name.csv',
      '3',
      'line_too_long',
      expect.stringMatching(
        /^a record of 5,2\d\d,\d{3} bytes, over the 2,000,000 a record may hold$/,
      ),
    ]);
    expect(rejected[1]![4]).toContain('ก'.repeat(1_750_000)); // the raw record, whole
  });

  it('an explicit --map takes its field from an official column of the same name, which is reported unused', async () => {
    // The real ICS rows carry both ปีงบประมาณ and the producer's _ปีงบ.
    const { manifest, unmappedColumns } = await ingest({
      files: [ICS_CSV],
      out: path.join(dir, 'ics-mapped'),
      maps: DRONE_MAPS,
    });
    expect(unmappedColumns['ics_egp_contracts.csv']).toContain('ปีงบประมาณ');
    expect(manifest.counts.rows_written).toBeGreaterThan(0);
  });
});
