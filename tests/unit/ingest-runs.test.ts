/**
 * Ingest runs over time: bad input and failed or killed runs leave the published data intact;
 * --add, the cache and kept snapshots (the first half, one run at a time, is ingest.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest, InputError } from '../../scripts/ingest/run';
import { expandInputs } from '../../scripts/ingest/sources';
import { LAYOUT_31, THAI_HEADERS } from '../../src/lib/schema/fields';
import type { Manifest } from '../../src/lib/schema/tables';
import { readRecords, writeRecords } from '../helpers/csv';
import { lit, rows } from '../helpers/duckdb';
import { droneIngestArgs } from '../helpers/cli';
import {
  DRONE_MAPS,
  droneData,
  droneSlice,
  oneYearSource,
  generatedData,
  generatedPaths,
  SHARED_GEN,
} from '../helpers/fixtures';
import { DGA_CSV, DRONE_CSV, ICS_CSV, REAL, ROOT, TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-ingest-runs');

/**
 * The first `n` records of each CSV, under its name in `folder` (for the cache's tests: a
 * source's size changes nothing they check, and its rows cost each of their ingests).
 */
async function firstRecords(files: string[], folder: string, n = 120): Promise<string[]> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  return files.map((f) => {
    const to = path.join(folder, path.basename(f));
    writeRecords(to, readRecords(f).slice(0, n + 1));
    return to;
  });
}

async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
}

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
});

describe('bad input', () => {
  const header = LAYOUT_31.map((f) => THAI_HEADERS[f]);
  // The published dataset the failing runs must leave intact.
  beforeAll(async () => {
    await ingest({ files: [await droneSlice()], out: path.join(dir, 'drone'), maps: DRONE_MAPS });
    await generatedData(SHARED_GEN.rows, SHARED_GEN.seed);
  });

  async function badFile(): Promise<{ file: string; good: string[] }> {
    const [, ...gen] = readRecords(
      path.join(generatedPaths(SHARED_GEN.rows, SHARED_GEN.seed).src, 'egp-demo-2566.csv'),
    );
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
    const cli = (...args: string[]) => cliWith({}, ...args);
    const cliWith = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts', '--no-cache', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const usage = cli('--out', out, '--memory-limit', 'lots', file);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--memory-limit takes a size such as 3GB');
    const threads = cliWith({ INGEST_THREADS: 'two' }, '--out', out, file);
    expect(threads.status).toBe(2);
    expect(threads.stderr).toContain(
      'INGEST_THREADS takes a whole number of threads such as 4, not "two"',
    );
    // Out of memory: the statement named, what to change, nothing published.
    const starved = cli('--out', out, '--memory-limit', '1MB', file);
    expect(starved.status).toBe(1);
    expect(starved.stderr).toMatch(/Out of Memory Error[^]*\(in the ingest's statement: \w+/);
    expect(starved.stderr).toContain('DuckDB ran out of memory within --memory-limit 1MB');
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
    const src = await oneYearSource();
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
    await ingest({ files: [await droneSlice()], out, maps: DRONE_MAPS });
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('adding next month’s file', () => {
  it('keeps the published sources from the cache without re-reading them, and equals a full run', async () => {
    const { src } = await generatedData(SHARED_GEN.rows, SHARED_GEN.seed);
    // Three years' files are enough (each file is a source of its own; 11 took 4 times longer).
    const parts = await firstRecords(
      readdirSync(src)
        .filter((f) => f.endsWith('.csv'))
        .sort()
        .slice(-3)
        .map((f) => path.join(src, f)),
      path.join(dir, 'gen-parts'),
    );
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
    // FY2565–2567: the changed file and one unchanged on each side of it.
    const years = /(2565|2566|2567)\.csv$/;
    const parts = await firstRecords(
      csvs((await generatedData(SHARED_GEN.rows, SHARED_GEN.seed)).src).filter((x) =>
        years.test(x),
      ),
      path.join(dir, 'refetch-src'),
    );
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
      { files: [await droneSlice()], maps: DRONE_MAPS },
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

  it('takes a lock on the output folder: a second ingest into it is refused while the first runs; the first publishes the shared ingest’s snapshot id', async () => {
    const out = path.join(dir, 'locked');
    await rm(out, { recursive: true, force: true });
    const child = spawn(process.execPath, droneIngestArgs(out, DRONE_CSV), {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    // Read the lock the moment it appears: it must already name its owner. (It was created empty
    // and filled after; a second run reading it in between took it for abandoned and ran too: a
    // tight read like this one saw it empty in 16 of 20 tries.)
    const lock = path.join(out, '.lock');
    let first: string | null = null;
    for (const until = Date.now() + 60_000; first === null && Date.now() < until;) {
      try {
        first = readFileSync(lock, 'utf8');
      } catch {
        // not there yet
      }
    }
    expect(first).toBe(String(child.pid));
    await expect(ingest({ files: [ICS_CSV], out, maps: new Map() })).rejects.toThrow(
      new RegExp(`another ingest \\(pid ${child.pid}\\) is publishing into .*locked; wait for it`),
    );
    expect(await exited).toBe(0);
    // The first run's snapshot is published whole, and the lock is gone.
    const m = await readManifest(out);
    expect(m.counts.rows_written).toBe(2698);
    for (const f of m.files) expect(existsSync(path.join(out, f.path))).toBe(true);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
    // Idempotent: the same input, ingested into a new folder by the CLI, is the snapshot the
    // shared drone ingest published (as a history, in the library), alone in its folder.
    expect(m.snapshot_id).toBe((await readManifest(await droneData())).snapshot_id);
    expect(readdirSync(out).filter((n) => n.startsWith('s-'))).toEqual([`s-${m.snapshot_id}`]);
    expect(m.snapshots!.map((s) => s.id)).toEqual([m.snapshot_id]);
    // Now the second one may publish.
    await ingest({ files: [ICS_CSV], out, maps: new Map() });
  });
});
