import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsFor } from '../../scripts/fetch/datasets';
import { FETCHED, fetchDatasets, type FetchedManifest } from '../../scripts/fetch/run';
import { ingest } from '../../scripts/ingest/run';
import { expandInputs } from '../../scripts/ingest/sources';
import { FakeCkan, type FakeResource } from '../helpers/ckan';
import { readRecords } from '../helpers/csv';
import { DRONE_MAPS } from '../helpers/fixtures';
import { DGA_CSV, DRONE_CSV, TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-fetch');
const out = path.join(dir, 'egp');
let ckan: FakeCkan;
/** The real drone rows of one fiscal year, as a CSV of its own (header + rows), with a BOM. */
const byYear = new Map<number, Buffer>();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function csv(records: string[][]): Buffer {
  return Buffer.from('\uFEFF' + stringify(records));
}

const res = (fy: number): FakeResource => ckan.packages.get(datasetsFor(String(fy))[0]!.slug)![0]!;

function run(years = '2566-2568') {
  return fetchDatasets({
    ckan: ckan.origin,
    datasets: datasetsFor(years),
    out,
    retries: 0,
    retryDelayMs: 5,
    timeoutMs: 10_000,
    gzip: true,
  });
}

/** A fetched CSV as CKAN served it (the fetch keeps CSVs gzipped). */
const content = async (name: string) => gunzipSync(await readFile(path.join(out, `${name}.gz`)));

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const [header, ...records] = readRecords(DRONE_CSV);
  const fyCol = header!.indexOf('_ปีงบ');
  // FY2566 whole (the cut download's file: 717 KB), a third of the other years' records (their
  // rows only cost the ingest).
  for (const fy of [2566, 2567, 2568]) {
    const kept = records.filter((r, i) => r[fyCol] === String(fy) && (fy === 2566 || i % 3 === 0));
    byYear.set(fy, csv([header!, ...kept]));
  }
  ckan = await new FakeCkan().start();
  ckan.packages.set('cdg-contract-2566', [
    { id: 'r-2566-1', name: '2566-cdg-contract-1.csv', body: byYear.get(2566)! },
    { id: 'r-2566-doc', name: 'data-dictionary.pdf', format: 'PDF', body: Buffer.from('%PDF') },
  ]);
  ckan.packages.set('cdg-contract-2567', [
    { id: 'r-2567-1', name: '2567-cdg-contract-1.csv', body: byYear.get(2567)!, size: null },
  ]);
  const dga = await readFile(DGA_CSV);
  ckan.packages.set('egp-contact-2568', [
    { id: 'r-2568-1', name: '2568-egp-contract-1.csv', body: byYear.get(2568)! },
    { id: 'r-2568-2', name: '2568-egp-contract-2.csv', body: dga, hash: sha256(dga) },
  ]);
});

afterAll(() => ckan.close());

describe('npm run fetch against a CKAN-shaped server', () => {
  it('downloads every data resource of the years asked, checked, with a manifest', async () => {
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.downloaded.map((f) => f.file)).toEqual([
      '2566-2566-cdg-contract-1.csv.gz',
      '2567-2567-cdg-contract-1.csv.gz',
      '2568-2568-egp-contract-1.csv.gz',
      '2568-2568-egp-contract-2.csv.gz',
    ]);
    for (const f of r.downloaded) {
      const body = gunzipSync(await readFile(path.join(out, f.file)));
      expect(f.sha256).toBe(sha256(body));
      expect(f.size).toBe(body.length);
      expect(f.stored_bytes).toBeLessThan(f.size / 4);
    }
    expect(await content('2568-2568-egp-contract-2.csv')).toEqual(await readFile(DGA_CSV));
    // The PDF is never requested; each data file exactly once, whole.
    expect(ckan.fileRequests.map((q) => q.id).sort()).toEqual([
      'r-2566-1',
      'r-2567-1',
      'r-2568-1',
      'r-2568-2',
    ]);
    expect(r.transferred).toBe(ckan.bytesSent());
    const m = JSON.parse(await readFile(path.join(out, FETCHED), 'utf8')) as FetchedManifest;
    expect(m.files.map((f) => [f.slug, f.resource_id, f.fiscal_year])).toEqual([
      ['cdg-contract-2566', 'r-2566-1', 2566],
      ['cdg-contract-2567', 'r-2567-1', 2567],
      ['egp-contact-2568', 'r-2568-1', 2568],
      ['egp-contact-2568', 'r-2568-2', 2568],
    ]);
    expect(m.files[0]).toMatchObject({ url: expect.stringContaining('/resource/r-2566-1/') });
  });

  it('downloads nothing when CKAN’s metadata is unchanged', async () => {
    ckan.fileRequests.length = 0;
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.downloaded).toEqual([]);
    expect(r.unchanged).toHaveLength(4);
    expect(ckan.fileRequests).toEqual([]);
    expect(r.transferred).toBe(0);
  });

  it('downloads only the resource that changed', async () => {
    ckan.fileRequests.length = 0;
    const r2567 = res(2567);
    const lines = r2567.body.toString('utf8').trimEnd().split('\n');
    r2567.body = Buffer.from(lines.slice(0, -1).join('\n') + '\n');
    r2567.last_modified = '2025-11-01T00:00:00.000000';
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.downloaded.map((f) => f.resource_id)).toEqual(['r-2567-1']);
    expect(ckan.bytesSent()).toBe(r2567.body.length);
    expect(await content('2567-2567-cdg-contract-1.csv')).toEqual(r2567.body);
  });

  it('resumes a cut download with a Range request, within a run and in the next run', async () => {
    const r2566 = res(2566);
    const file = path.join(out, '2566-2566-cdg-contract-1.csv');
    const before = await content('2566-2566-cdg-contract-1.csv');
    const last = r2566.body.toString('utf8').trimEnd().split('\n').at(-1)!;
    r2566.body = Buffer.concat([r2566.body, Buffer.from(`${last}\n`)]); // its last row twice
    r2566.last_modified = '2025-12-01T00:00:00.000000';
    // Cut twice; no retry: the run fails, names the cut, keeps the old file and the part.
    r2566.fault = { cutAfter: 100_000, times: 2 };
    ckan.fileRequests.length = 0;
    const failed = await run('2566');
    expect(failed.failures).toEqual([
      expect.stringMatching(/connection cut after 100,000 bytes.*resumes next run/),
    ]);
    expect(await content('2566-2566-cdg-contract-1.csv')).toEqual(before);
    expect((await stat(`${file}.part`)).size).toBe(100_000);
    // The next run resumes from byte 100,000; it is cut once more and retried within the run.
    ckan.fileRequests.length = 0;
    const resumed = await fetchDatasets({
      ckan: ckan.origin,
      datasets: datasetsFor('2566'),
      out,
      retries: 2,
      retryDelayMs: 5,
      timeoutMs: 10_000,
      gzip: true,
    });
    expect(resumed.failures).toEqual([]);
    expect(ckan.fileRequests.map((q) => q.range)).toEqual(['bytes=100000-', 'bytes=100000-']);
    expect(ckan.fileRequests.map((q) => q.status)).toEqual([206, 206]);
    expect(await content('2566-2566-cdg-contract-1.csv')).toEqual(r2566.body);
    expect(existsSync(`${file}.part`)).toBe(false);
    expect(resumed.transferred).toBe(r2566.body.length - 100_000);
  });

  it('names a 404 resource, an HTML error page, a changed schema and a wrong checksum, and keeps the previous files', async () => {
    const kept = new Map<string, Buffer>();
    for (const f of [
      '2567-2567-cdg-contract-1.csv',
      '2568-2568-egp-contract-1.csv',
      '2568-2568-egp-contract-2.csv',
    ])
      kept.set(f, await content(f));
    const r2567 = res(2567);
    r2567.fault = '404';
    r2567.last_modified = '2026-01-01';
    const [r1, r2] = ckan.packages.get('egp-contact-2568')!;
    r1!.fault = 'html';
    r1!.last_modified = '2026-01-01';
    r1!.size = null;
    r2!.body = csv([
      ['เลขที่', 'ชื่อ'],
      ['1', 'x'],
    ]); // a file of another shape
    r2!.hash = sha256(r2!.body);
    r2!.last_modified = '2026-01-01';
    let r = await run('2567-2568');
    expect(r.failures).toEqual([
      expect.stringMatching(/^2567-cdg-contract-1\.csv: HTTP 404 for http/),
      expect.stringMatching(
        /^2568-egp-contract-1\.csv: the host sent an HTML page, not the data file/,
      ),
      expect.stringMatching(
        /^2568-egp-contract-2\.csv: the schema changed: .*; the previous file is kept$/,
      ),
    ]);
    r2!.body = await readFile(DGA_CSV); // the right file, but CKAN's hash is of another
    r = await run('2568');
    expect(r.failures).toContainEqual(
      expect.stringMatching(
        /^2568-egp-contract-2\.csv: sha256 [0-9a-f]{64} differs from CKAN's [0-9a-f]{64}; the previous file is kept$/,
      ),
    );
    for (const [f, body] of kept) {
      expect(await content(f)).toEqual(body);
      expect(existsSync(path.join(out, `${f}.part`))).toBe(false);
    }
    const m = JSON.parse(await readFile(path.join(out, FETCHED), 'utf8')) as FetchedManifest;
    expect(m.files.map((f) => f.file)).toEqual(
      ['2566-2566-cdg-contract-1.csv', ...kept.keys()].map((f) => `${f}.gz`),
    );
    // An unknown dataset is named too.
    ckan.packages.delete('cdg-contract-2567');
    r = await run('2567');
    expect(r.failures).toEqual([
      expect.stringMatching(/^cdg-contract-2567: CKAN does not know this dataset \(HTTP 404/),
    ]);
    // Put the server back as it was for the next test.
    ckan.packages.set('cdg-contract-2567', [
      { ...r2567, fault: undefined, last_modified: '2025-11-01T00:00:00.000000' },
    ]);
    r1!.fault = undefined;
    r1!.size = undefined;
    r2!.hash = sha256(r2!.body);
  });

  it('fetch → ingest, then again: nothing downloaded, nothing re-read', async () => {
    const first = await run();
    expect(first.failures).toEqual([]);
    const files = await expandInputs([out]);
    expect(files.map((f) => path.basename(f))).not.toContain(FETCHED);
    const opts = {
      files,
      out: path.join(dir, 'site-data'),
      maps: DRONE_MAPS,
      cacheDir: path.join(dir, 'cache'),
    };
    const published = await ingest(opts);
    expect(published.manifest.fiscal_years).toEqual([2566, 2567, 2568]);
    ckan.fileRequests.length = 0;
    const again = await run();
    expect(again.downloaded).toEqual([]);
    expect(ckan.fileRequests).toEqual([]);
    const logged: string[] = [];
    const reingest = await ingest({ ...opts, log: (l) => logged.push(l) });
    expect(reingest.unchanged).toBe(true);
    expect(reingest.manifest.snapshot_id).toBe(published.manifest.snapshot_id);
    expect(logged).toEqual([expect.stringMatching(/^nothing changed since snapshot/)]);
  });

  it('knows the irregular slugs by year and refuses years it does not know', () => {
    expect(datasetsFor('2562-2565').map((d) => d.slug)).toEqual([
      'cgd-contract-2562',
      'cgd-contract-2563',
      'cdg-contract-2564',
      'cdg-contract-2565',
    ]);
    expect(datasetsFor('2568')[0]!.slug).toBe('egp-contact-2568');
    expect(() => datasetsFor('2570')).toThrow(/no e-GP dataset is known for FY 2570/);
    expect(() => datasetsFor('68')).toThrow(/BE years/);
  });
});
