import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate, type Truth } from '../../scripts/generate';
import { parseMaps } from '../../scripts/ingest/layout';
import { ingest, InputError } from '../../scripts/ingest/run';
import { expandInputs } from '../../scripts/ingest/sources';
import { LAYOUT_31, THAI_HEADERS } from '../../src/lib/schema/fields';
import type { Manifest } from '../../src/lib/schema/tables';
import { readRecords } from '../helpers/csv';
import { lit, rows } from '../helpers/duckdb';
import { droneIngestArgs } from '../helpers/cli';
import { CFT_CSV, DGA_CSV, DRONE_CSV, ICS_CSV, REAL, ROOT, TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-ingest');
const droneMaps = parseMaps(['_ปีงบ=budget_year']);

async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
}

function files(out: string, m: Manifest, table: string): string {
  return `[${m.files
    .filter((f) => f.table === table)
    .map((f) => lit(path.join(out, f.path)))
    .join(', ')}]`;
}

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
});

describe('ingest of the real drone set', () => {
  const out = path.join(dir, 'drone');

  it('gives the project counts and budgets native DuckDB computes from the CSV by hand', async () => {
    const { manifest } = await ingest({ files: [DRONE_CSV], out, maps: droneMaps });
    const expected =
      await rows(`SELECT CAST(_ปีงบ AS INTEGER) AS fy, count(DISTINCT รหัสโครงการ)::INTEGER AS projects,
        sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2)))::VARCHAR AS budget
      FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) GROUP BY 1 ORDER BY 1`);
    const actual =
      await rows(`SELECT fiscal_year AS fy, count(*)::INTEGER AS projects, sum(budget)::VARCHAR AS budget
      FROM read_parquet(${files(out, manifest, 'projects')}) GROUP BY 1 ORDER BY 1`);
    expect(actual).toEqual(expected);
    expect(manifest.counts).toMatchObject({
      rows_read: 2698,
      rows_written: 2698,
      rows_rejected: 0,
    });
    expect(manifest.quality.tin_masked).toBe(740);
  });

  it('never merges vendors on broken or masked tax ids', async () => {
    const m = await readManifest(out);
    const bad =
      await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet(${lit(path.join(out, m.files.find((f) => f.table === 'vendors')!.path))})
      WHERE vendor_key LIKE 'tin:%' AND (tin LIKE '%E+%' OR tin LIKE '%x%')`);
    expect(bad[0]!.n).toBe(0);
    // The ICS company appears as 3.0556E+11 and as its real id: only the real id is a tin key.
    const { manifest } = await ingest({
      files: [ICS_CSV],
      out: path.join(dir, 'ics'),
      maps: new Map(),
    });
    const v = await rows(
      `SELECT vendor_key, tin_status FROM read_parquet(${lit(path.join(dir, 'ics', manifest.files.find((f) => f.table === 'vendors')!.path))}) ORDER BY 1`,
    );
    expect(
      v.filter((x) => String(x.vendor_key).startsWith('tin:')).map((x) => x.vendor_key),
    ).toEqual(['tin:0305560001659']);
  });

  it('is idempotent: the same input gives the same snapshot id', async () => {
    const before = await readManifest(out);
    const { manifest } = await ingest({ files: [DRONE_CSV], out, maps: droneMaps });
    expect(manifest.snapshot_id).toBe(before.snapshot_id);
    expect(readdirSync(out).filter((n) => n.startsWith('s-'))).toEqual([
      `s-${manifest.snapshot_id}`,
    ]);
    expect(manifest.snapshots!.map((s) => s.id)).toEqual([manifest.snapshot_id]);
  });
});

describe('determinism', () => {
  it('gives the same snapshot id when DuckDB reads in parallel (regression: tied contract rows)', async () => {
    // One file above DuckDB's 122,880-row group size, so both threads work; multi-contract
    // projects tie on the sort keys and once came out in a different order each run.
    const src = path.join(dir, 'parallel-src');
    await generate({ rows: 130_000, seed: 21, out: src, years: [2566] });
    const file = path.join(src, 'egp-demo-2566.csv');
    const a = await ingest({ files: [file], out: path.join(dir, 'par-a'), maps: new Map() });
    const b = await ingest({ files: [file], out: path.join(dir, 'par-b'), maps: new Map() });
    expect(a.manifest.quality.multi_contract_projects).toBeGreaterThan(1000);
    expect(b.manifest.snapshot_id).toBe(a.manifest.snapshot_id);
  }, 120_000);
});

describe('accounting on every real input: read = written + rejected + duplicates', () => {
  it.each([
    ['dga', [DGA_CSV], []],
    ['ics', [ICS_CSV], []],
    [
      'cft',
      [CFT_CSV],
      [
        'local_authority=dept_name',
        'winner_name=winner',
        'project_value=project_money',
        'purchase_method=purchase_method_name',
      ],
    ],
  ])('%s', async (name, inputs, maps) => {
    const out = path.join(dir, `acct-${name}`);
    const { manifest } = await ingest({ files: inputs, out, maps: parseMaps(maps) });
    const dataRows = inputs.reduce((n, f) => n + readRecords(f).length - 1, 0);
    const c = manifest.counts;
    expect(c.rows_read).toBe(dataRows);
    expect(c.rows_written + c.rows_rejected + c.rows_duplicate).toBe(c.rows_read);
    const rejects = readRecords(path.join(out, manifest.rejects_file!));
    expect(rejects.length - 1).toBe(c.rows_rejected);
  });

  it('drops the real exact duplicate rows and keeps every winner of multi-winner projects', async () => {
    const out = path.join(dir, 'acct-cft');
    const m = await readManifest(out);
    // Independently: the file has 15 rows repeated verbatim (one project is listed 14 times for 5
    // winners), and 3 projects with more than one winner.
    const [x] = await rows(`SELECT count(*) - count(DISTINCT t) AS dups,
        (SELECT count(*) FROM (SELECT project_id FROM read_csv(${lit(CFT_CSV)}, all_varchar = true) GROUP BY 1 HAVING count(DISTINCT winner_tin) > 1)) AS multi,
        count(DISTINCT t) AS distinct_rows, count(DISTINCT project_id) AS projects
      FROM read_csv(${lit(CFT_CSV)}, all_varchar = true) t`);
    expect(m.counts.rows_duplicate).toBe(Number(x!.dups));
    expect(m.quality.duplicate_rows).toBe(Number(x!.dups));
    expect(m.quality.multi_contract_projects).toBe(Number(x!.multi));
    expect(m.counts).toMatchObject({
      projects: Number(x!.projects),
      contracts: Number(x!.distinct_rows),
    });
  });
});

describe('generated data against its ground truth', () => {
  const src = path.join(dir, 'gen-src');
  const out = path.join(dir, 'gen');
  let truth: Truth;
  const csvs = () =>
    readdirSync(src)
      .filter((f) => f.endsWith('.csv'))
      .map((f) => path.join(src, f));

  beforeAll(async () => {
    truth = await generate({ rows: 6000, seed: 12, out: src });
    await ingest({
      files: csvs(),
      out,
      maps: new Map(),
    });
  });

  it('finds exactly the projects, contracts, budgets and contract values generated, per year', async () => {
    const m = await readManifest(out);
    const p =
      await rows(`SELECT fiscal_year AS fy, count(*)::INTEGER AS projects, (sum(budget) * 100)::BIGINT::VARCHAR AS budget
      FROM read_parquet(${files(out, m, 'projects')}) GROUP BY 1 ORDER BY 1`);
    const c =
      await rows(`SELECT fiscal_year AS fy, count(*)::INTEGER AS contracts, (sum(price_agree) * 100)::BIGINT::VARCHAR AS agreed
      FROM read_parquet(${files(out, m, 'contracts')}) GROUP BY 1 ORDER BY 1`);
    for (const [i, r] of p.entries()) {
      const t = truth.by_year[String(r.fy)]!;
      expect([r.projects, r.budget, c[i]!.contracts, c[i]!.agreed]).toEqual([
        t.projects,
        String(t.budget_satang),
        t.contracts,
        String(t.agreed_satang),
      ]);
    }
    // Every planted trap is found: rejects, verbatim duplicates and contracts repeated in the
    // next year's file, and nothing else.
    expect(m.counts.rows_read).toBe(
      6000 + truth.rejected + truth.duplicate_rows + truth.repeated_contracts,
    );
    expect(m.counts.rows_rejected).toBe(truth.rejected);
    expect(m.quality.duplicate_rows).toBe(truth.duplicate_rows);
    expect(m.quality.repeated_contracts).toBe(truth.repeated_contracts);
    expect(truth.duplicate_rows + truth.repeated_contracts).toBeGreaterThan(20);
    expect(m.quality.tin_broken).toBeGreaterThan(500);
    expect(m.quality.tin_masked).toBeGreaterThan(100);
  });

  it('finds exactly the vendor identities generated: merged by valid tax id, never by a broken one', async () => {
    const m = await readManifest(out);
    const [n] = await rows(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${files(out, m, 'vendors')})`,
    );
    expect(n!.n).toBe(truth.vendors.keys);
    const byTin = await rows(`SELECT v.tin, count(*)::INTEGER AS n
      FROM read_parquet(${files(out, m, 'contracts')}) c JOIN read_parquet(${files(out, m, 'vendors')}) v USING (vendor_id)
      WHERE v.tin IS NOT NULL GROUP BY 1`);
    expect(Object.fromEntries(byTin.map((r) => [r.tin, r.n]))).toEqual(
      truth.vendors.contracts_by_tin,
    );
    // Vendors seen both with an intact and a broken id are two keys: the broken rows stay apart.
    expect(truth.vendors.keys).toBeGreaterThan(Object.keys(truth.vendors.contracts_by_tin).length);
  });

  it('numbers vendors by activity and finds each by key in vendor_keys (schema 8)', async () => {
    const m = await readManifest(out);
    // Ids 1..n, most contract rows first, ties by key: the file order is the id order.
    const [o] = await rows(`WITH v AS (
        SELECT vendor_id, vendor_key, file_row_number + 1 AS pos
        FROM read_parquet(${files(out, m, 'vendors')}, file_row_number = true)),
      n AS (SELECT vendor_id, count(*) AS n FROM read_parquet(${files(out, m, 'contracts')}) GROUP BY 1)
      SELECT count(*)::INTEGER AS vendors,
        count(*) FILTER (WHERE v.vendor_id <> v.pos)::INTEGER AS out_of_file_order,
        count(*) FILTER (WHERE v.vendor_id <> r.rank_id)::INTEGER AS out_of_activity_order
      FROM v JOIN (SELECT vendor_id, row_number() OVER (ORDER BY n DESC, vendor_key) AS rank_id
                   FROM v JOIN n USING (vendor_id)) r USING (vendor_id)`);
    expect(o).toEqual({
      vendors: truth.vendors.keys,
      out_of_file_order: 0,
      out_of_activity_order: 0,
    });
    // vendor_keys: every vendor once, ordered by key, with the same id.
    const [k] = await rows(`WITH k AS (
        SELECT vendor_key, vendor_id, file_row_number + 1 AS pos
        FROM read_parquet(${files(out, m, 'vendor_keys')}, file_row_number = true))
      SELECT count(*)::INTEGER AS keys,
        count(*) FILTER (WHERE k.vendor_id IS DISTINCT FROM v.vendor_id)::INTEGER AS other_id,
        count(*) FILTER (WHERE k.pos <> s.pos)::INTEGER AS out_of_key_order
      FROM k LEFT JOIN read_parquet(${files(out, m, 'vendors')}) v USING (vendor_key)
      JOIN (SELECT vendor_key, row_number() OVER (ORDER BY vendor_key) AS pos FROM k) s USING (vendor_key)`);
    expect(k).toEqual({ keys: truth.vendors.keys, other_id: 0, out_of_key_order: 0 });
  });

  it('cuts the vendor copy into files between vendors, a busy vendor in a file of its own', async () => {
    const small = path.join(dir, 'gen-small-files');
    const max = 1000;
    await ingest({
      files: csvs(),
      out: small,
      maps: new Map(),
      maxRowsPerFile: { contracts_by_vendor: max },
    });
    const m = await readManifest(small);
    const parts = m.files.filter((f) => f.table === 'contracts_by_vendor');
    const perFile = await rows(`SELECT filename, count(DISTINCT vendor_id)::INTEGER AS vendors,
        count(*)::INTEGER AS n, max(c)::INTEGER AS busiest, min(vendor_id) AS lo, max(vendor_id) AS hi
      FROM (SELECT filename, vendor_id, count(*) OVER (PARTITION BY vendor_id) AS c
            FROM read_parquet(${files(small, m, 'contracts_by_vendor')}, filename = true))
      GROUP BY 1 ORDER BY lo`);
    expect(parts.length).toBe(perFile.length);
    expect(parts.length).toBeGreaterThan(3);
    let prevHi = 0;
    for (const f of perFile) {
      const part = parts.find((p) => f.filename === path.join(small, p.path))!;
      expect([Number(part.key_min), Number(part.key_max), part.rows]).toEqual([
        Number(f.lo),
        Number(f.hi),
        f.n,
      ]);
      expect(Number(f.lo)).toBeGreaterThan(prevHi);
      prevHi = Number(f.hi);
      // A vendor with a quarter of a file's rows or more is alone; the rest share files that
      // start below max rows and so end below max plus one small vendor's quarter.
      if (Number(f.busiest) >= max / 4) expect(f.vendors).toBe(1);
      else expect(f.n).toBeLessThan(max + max / 4);
    }
    const [all] = await rows(`SELECT count(*)::INTEGER AS n
      FROM read_parquet(${files(small, m, 'contracts')}) WHERE vendor_id IS NOT NULL`);
    expect(perFile.reduce((s, f) => s + Number(f.n), 0)).toBe(all!.n);
    // The generated vendors are Zipf-distributed: the busiest have files of their own.
    expect(perFile.filter((f) => f.vendors === 1).length).toBeGreaterThan(0);
  });

  it('writes each name beside its details: the same files, seq ranges and rows (schema 9)', async () => {
    const small = path.join(dir, 'gen-small-details');
    await ingest({
      files: csvs(),
      out: small,
      maps: new Map(),
      maxRowsPerFile: { details: 300, project_names: 300 },
    });
    const m = await readManifest(small);
    const of = (t: string) =>
      m.files
        .filter((f) => f.table === t)
        .map((f) => [f.fiscal_year, f.seq_min, f.seq_max, f.rows, f.path.replace(t, '')]);
    expect(of('details').length).toBeGreaterThan(m.fiscal_years.length);
    expect(of('project_names')).toEqual(of('details'));
    // Every project named, as in the single-file ingest of the same inputs.
    const named = async (at: string) => {
      const mm = await readManifest(at);
      return rows(`SELECT d.project_id, n.project_name FROM read_parquet(${files(at, mm, 'details')}) d
        JOIN read_parquet(${files(at, mm, 'project_names')}) n USING (project_seq) ORDER BY ALL`);
    };
    const [projects] = await rows(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${files(small, m, 'projects')})`,
    );
    const cut = await named(small);
    expect(cut.length).toBe(projects!.n);
    expect(cut).toEqual(await named(out));
  });

  it('counts project money once for multi-contract projects (trap 1)', async () => {
    const m = await readManifest(out);
    const naive =
      await rows(`SELECT (sum(CAST("งบประมาณ(บาท)" AS DECIMAL(18,2))) * 100)::BIGINT::VARCHAR AS s
      FROM read_csv(${lit(path.join(src, 'egp-demo-2567.csv'))}, all_varchar = true)`);
    const ours = await rows(
      `SELECT (sum(budget) * 100)::BIGINT::VARCHAR AS s FROM read_parquet(${files(out, m, 'projects')}) WHERE fiscal_year = 2567`,
    );
    expect(m.quality.multi_contract_projects).toBeGreaterThan(0);
    expect(ours[0]!.s).toBe(String(truth.by_year['2567']!.budget_satang));
    expect(BigInt(String(naive[0]!.s))).toBeGreaterThan(BigInt(String(ours[0]!.s)));
  });

  it('reads the raw FY2568 layout (28 fields under a 31-name header) with the swapped method column', async () => {
    const m = await readManifest(out);
    // Independently, from the file: rows whose method column holds the group string (projects
    // carried over from FY2567 keep the older arrangement), less the planted rejects.
    const [, ...rows2568] = readRecords(path.join(src, 'egp-demo-2568.csv'));
    const swapped = rows2568.filter(
      (r) => r[6]!.startsWith('วิธีการจัดหา') && !r.includes('31 ก.พ. 68'),
    );
    expect(rows2568[0]).toHaveLength(28);
    expect(m.quality.method_group_columns_swapped).toBe(swapped.length);
    expect(m.fiscal_years).toEqual([
      2558, 2559, 2560, 2561, 2562, 2563, 2564, 2565, 2566, 2567, 2568,
    ]);
  });
});

describe('bad input', () => {
  const header = LAYOUT_31.map((f) => THAI_HEADERS[f]);

  async function badFile(): Promise<{ file: string; good: string[] }> {
    const [, ...gen] = readRecords(path.join(dir, 'gen-src/egp-demo-2566.csv'));
    const good = gen[0]!;
    const row = (patch: Record<number, string>) => good.map((v, i) => patch[i] ?? v);
    const quote = (r: string[]) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');
    const idx = (h: string) => header.indexOf(h);
    const lines = [
      quote(header),
      quote(good),
      quote(row({ [idx('วันที่ลงนามสัญญา')]: '31-ก.พ.-66' })),
      quote(row({ [idx('งบประมาณ(บาท)')]: 'หนึ่งล้าน' })),
      quote(row({ [idx('รหัสโครงการ')]: '6.60115E+10' })),
      quote(good.slice(0, 12)),
      // A stray quote inside a quoted field: a CSV syntax error, reported, not a crash.
      quote(good).replace(`"${good[2]}"`, `"ซื้อ "ของ" ดี"`),
    ];
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, '\uFEFF' + lines.join('\r\n') + '\r\n');
    return { file, good };
  }

  it('rejects each bad row with a reason and its raw text, and writes the rest', async () => {
    const { file } = await badFile();
    const out = path.join(dir, 'bad');
    const { manifest, rejectsByReason } = await ingest({ files: [file], out, maps: new Map() });
    expect(manifest.counts.rows_written).toBe(1);
    expect(manifest.counts.rows_read).toBe(
      manifest.counts.rows_written + manifest.counts.rows_rejected,
    );
    expect(rejectsByReason).toEqual({
      bad_date: 1,
      bad_amount: 1,
      broken_project_id: 1,
      field_count: 1,
      csv_syntax: 1,
    });
    const rejects = readRecords(path.join(out, manifest.rejects_file!));
    expect(rejects[0]).toEqual(['source_file', 'line', 'reason', 'message', 'raw']);
    const byReason = new Map(rejects.slice(1).map((r) => [r[2], r]));
    expect(byReason.get('bad_date')![1]).toBe('3');
    expect(byReason.get('bad_date')![4]).toContain('31-ก.พ.-66');
    expect(byReason.get('bad_amount')![3]).toContain('project_money');
    expect(rejects.length - 1).toBe(manifest.counts.rows_rejected);
  });

  it('the CLI tells usage errors, input errors and partial success apart by exit code', async () => {
    const { file } = await badFile();
    const out = path.join(dir, 'cli');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts', '--no-cache', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const usage = cli('--out', out, '--memory-limit', 'lots', file);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--memory-limit takes a size such as 3GB');
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    const missing = cli('--out', out, path.join(dir, 'no-such-file.csv'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('nothing was published');
    // A small memory limit still publishes; the rejected rows make it exit 4.
    const partial = cli('--out', out, '--memory-limit', '500MB', file);
    expect(partial.stderr).toBe('');
    expect(partial.status).toBe(4);
    expect(partial.stdout).toMatch(/read 6 · written 1 · rejected 5 · duplicates 0/);
    expect((await readManifest(out)).counts.rows_written).toBe(1);
  });

  it('a failed run leaves the published data intact and no leftovers', async () => {
    const out = path.join(dir, 'drone');
    const before = await readFile(path.join(out, 'manifest.json'), 'utf8');
    const unknown = path.join(dir, 'unknown.csv');
    await writeFile(unknown, 'a,b,c\n1,2,3\n');
    await expect(ingest({ files: [unknown], out, maps: new Map() })).rejects.toThrow(InputError);
    await expect(ingest({ files: [unknown], out, maps: new Map() })).rejects.toThrow(
      /closest known layout/i,
    );
    expect(await readFile(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('survives kill -9 in the middle of a run: the previous dataset stays readable', async () => {
    const out = path.join(dir, 'drone');
    const before = await readManifest(out);
    const src = path.join(dir, 'big-src');
    await generate({ rows: 150_000, seed: 3, out: src });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/ingest.ts', '--out', out, src],
      { cwd: ROOT, stdio: 'ignore' },
    );
    // Kill once the run has started writing beside the published data.
    for (let i = 0; i < 600 && !readdirSync(out).some((n) => n.startsWith('.staging-')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readdirSync(out).some((n) => n.startsWith('.staging-'))).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const after = await readManifest(out);
    expect(after.snapshot_id).toBe(before.snapshot_id);
    for (const f of after.files) expect(existsSync(path.join(out, f.path))).toBe(true);
    // The next run clears what the killed one left.
    await ingest({ files: [DRONE_CSV], out, maps: droneMaps });
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('adding next month’s file', () => {
  it('keeps the published sources from the cache without re-reading them, and equals a full run', async () => {
    const src = path.join(dir, 'gen-src');
    const parts = readdirSync(src)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => path.join(src, f));
    const cacheDir = path.join(dir, 'cache');
    const out = path.join(dir, 'incremental');
    await ingest({ files: parts.slice(0, -1), out, maps: new Map(), cacheDir });
    // The earlier parts are gone from disk (as after a download to a temporary folder): only the
    // cache can bring them back.
    const moved = path.join(dir, 'gen-src-moved');
    await rm(moved, { recursive: true, force: true });
    await mkdir(moved);
    const last = path.join(moved, path.basename(parts.at(-1)!));
    await writeFile(last, await readFile(parts.at(-1)!));
    const logged: string[] = [];
    const added = await ingest({
      files: [last],
      out,
      maps: new Map(),
      cacheDir,
      add: true,
      log: (l) => logged.push(l),
    });
    expect(logged.filter((l) => l.includes('(from the cache)'))).toHaveLength(parts.length - 1);
    const full = await ingest({ files: parts, out: path.join(dir, 'full'), maps: new Map() });
    expect(added.manifest.snapshot_id).toBe(full.manifest.snapshot_id);
    expect(added.manifest.counts).toEqual(full.manifest.counts);
    expect(added.manifest.sources.map((s) => s.name)).toEqual(
      full.manifest.sources.map((s) => s.name),
    );
  });

  it('refuses --add when a published source is not in the cache', async () => {
    const out = path.join(dir, 'drone');
    await expect(
      ingest({
        files: [ICS_CSV],
        out,
        maps: new Map(),
        cacheDir: path.join(dir, 'empty-cache'),
        add: true,
      }),
    ).rejects.toThrow(/egp_drone_projects\.csv is not in the cache/);
  });
});

describe('re-ingesting a folder after a fetch (the cache)', () => {
  const csvs = (folder: string) =>
    readdirSync(folder)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => path.join(folder, f));

  it('re-reads only the file that changed, equals an uncached run, and re-reads nothing when nothing changed', async () => {
    const src = path.join(dir, 'refetch-src');
    await rm(src, { recursive: true, force: true });
    await mkdir(src);
    for (const f of csvs(path.join(dir, 'gen-src')))
      await writeFile(path.join(src, path.basename(f)), await readFile(f));
    const parts = csvs(src);
    const opts = {
      out: path.join(dir, 'refetch'),
      maps: new Map(),
      cacheDir: path.join(dir, 'refetch-cache'),
    };
    const first = await ingest({ files: parts, ...opts });

    const logged: string[] = [];
    const again = await ingest({ files: parts, ...opts, log: (l) => logged.push(l) });
    expect(again.unchanged).toBe(true);
    expect(again.manifest.snapshot_id).toBe(first.manifest.snapshot_id);
    expect(logged.filter((l) => l.startsWith('read '))).toEqual([]);

    // Next week's file of FY2566 lost its last row.
    const changed = parts.find((p) => p.endsWith('2566.csv'))!;
    const lines = (await readFile(changed, 'utf8')).trimEnd().split('\n');
    await writeFile(changed, lines.slice(0, -1).join('\n') + '\n');
    logged.length = 0;
    const update = await ingest({ files: parts, ...opts, log: (l) => logged.push(l) });
    const reads = logged.filter((l) => l.startsWith('read '));
    expect(reads.filter((l) => l.includes('(unchanged: from the cache)'))).toHaveLength(
      parts.length - 1,
    );
    expect(reads.filter((l) => !l.includes('from the cache'))).toEqual([
      expect.stringMatching(/^read egp-demo-2566\.csv: \d+ rows in/),
    ]);
    const uncached = await ingest({
      files: parts,
      out: path.join(dir, 'refetch-full'),
      maps: new Map(),
    });
    expect(update.manifest.snapshot_id).toBe(uncached.manifest.snapshot_id);
    expect(update.manifest.counts).toEqual(uncached.manifest.counts);
    expect(update.manifest.counts.rows_read).toBe(first.manifest.counts.rows_read - 1);
  });

  it('re-ingests OCDS from the cache as an uncached run does (regression: exit 3, "no data rows")', async () => {
    const releases = path.join(REAL, 'ocds-moldova/releases');
    const files = (await expandInputs([releases])).slice(0, 12); // merged across files all the same
    const cacheDir = path.join(dir, 'ocds-cache');
    await rm(cacheDir, { recursive: true, force: true });
    const uncached = await ingest({ files, out: path.join(dir, 'ocds-a'), maps: new Map() });
    const first = await ingest({ files, out: path.join(dir, 'ocds-b'), maps: new Map(), cacheDir });
    // A second output folder with the same cache: every file read again (OCDS is merged across
    // files, so its rows are never cached), and the same snapshot.
    const second = await ingest({
      files,
      out: path.join(dir, 'ocds-c'),
      maps: new Map(),
      cacheDir,
    });
    for (const r of [first, second]) {
      expect(r.manifest.snapshot_id).toBe(uncached.manifest.snapshot_id);
      expect(r.manifest.counts).toEqual(uncached.manifest.counts);
    }
    expect(uncached.manifest.counts.rows_written).toBeGreaterThan(0);
    const same = await ingest({ files, out: path.join(dir, 'ocds-b'), maps: new Map(), cacheDir });
    expect(same.unchanged).toBe(true);
  });
});

describe('publishing while people read', () => {
  it('keeps the last three snapshots readable, listed newest first in the manifest', async () => {
    const out = path.join(dir, 'kept');
    await rm(out, { recursive: true, force: true });
    const runs = [
      { files: [DGA_CSV], maps: new Map() },
      { files: [ICS_CSV], maps: new Map() },
      { files: [DGA_CSV, ICS_CSV], maps: new Map() },
      { files: [DRONE_CSV], maps: droneMaps },
    ];
    const ids: string[] = [];
    for (const r of runs) ids.push((await ingest({ ...r, out })).manifest.snapshot_id);
    expect(new Set(ids).size).toBe(4);
    const m = await readManifest(out);
    expect(m.snapshots!.map((s) => s.id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(
      readdirSync(out)
        .filter((n) => n.startsWith('s-'))
        .sort(),
    ).toEqual([ids[1], ids[2], ids[3]].map((id) => `s-${id}`).sort());
    // A page opened on the second snapshot still reads its files.
    const second = await rows(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${lit(path.join(out, `s-${ids[1]}`, 'projects', '*.parquet'))})`,
    );
    expect(second[0]!.n).toBeGreaterThan(0);
    // Publishing a snapshot again (same content) leaves its folder in place and lists it first.
    const again = await ingest({ ...runs[1]!, out });
    expect(again.manifest.snapshot_id).toBe(ids[1]);
    expect((await readManifest(out)).snapshots!.map((s) => s.id)).toEqual([ids[1], ids[3], ids[2]]);
  });

  it('takes a lock on the output folder: a second ingest into it is refused while the first runs', async () => {
    const out = path.join(dir, 'locked');
    await rm(out, { recursive: true, force: true });
    const child = spawn(process.execPath, droneIngestArgs(out, DRONE_CSV), {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 0; i < 600 && !existsSync(path.join(out, '.lock')); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await expect(ingest({ files: [ICS_CSV], out, maps: new Map() })).rejects.toThrow(
      new RegExp(`another ingest \\(pid ${child.pid}\\) is publishing into .*locked; wait for it`),
    );
    expect(await exited).toBe(0);
    // The first run's snapshot is published whole, and the lock is gone.
    const m = await readManifest(out);
    expect(m.counts.rows_written).toBe(2698);
    for (const f of m.files) expect(existsSync(path.join(out, f.path))).toBe(true);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
    // Now the second one may publish.
    await ingest({ files: [ICS_CSV], out, maps: new Map() });
  });
});
