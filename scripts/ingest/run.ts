/**
 * The ingest pipeline: read every input, normalise each row or reject it with a reason, build the
 * tables in native DuckDB, write Parquet + aggregates + manifest, publish atomically.
 * Accounting invariant: rows_read = rows_written + rows_rejected.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  isSafePath,
  SCHEMA_VERSION,
  type Manifest,
  type ManifestFile,
  type Summary,
} from '../../src/lib/schema/tables.ts';
import { LayoutError, resolveHeader, type ColumnMap } from './layout.ts';
import {
  fileBytes,
  lockOutput,
  LockedError,
  makeStagingDir,
  publish,
  removeLeftovers,
  sha256File,
  snapshotId,
} from './publish.ts';
import { apiRowsOf, isOcds, JsonInputError, OcdsCollector, readDocuments } from './json.ts';
import { cacheKey, InputMemo, inputsKey, type KnownSource } from './cache.ts';
import { isCsvReaderFailure, readCsvRecords } from './csv-js.ts';
import { readHeader } from './read.ts';
import { prepare, SourceError, type Source } from './sources.ts';
import { Store, type Progress, type StoreOptions } from './store.ts';

export const LICENCE =
  'Thai government open data from data.go.th (e-GP contract datasets, Comptroller General’s Department), Creative Commons Attribution';

/** DuckDB's memory limit and the files' row caps are the store's own options, passed through. */
export interface IngestOptions extends Pick<StoreOptions, 'memoryLimit' | 'maxRowsPerFile'> {
  files: string[];
  out: string;
  maps: ColumnMap;
  /** The inputs are generated demo data (npm start); the site shows a banner saying so. */
  synthetic?: boolean;
  /**
   * Where cleaned rows of each CSV / API source are kept between runs (none: no cache). A source
   * whose content, column maps and cleaning rules are unchanged is loaded from here, not re-read.
   */
  cacheDir?: string;
  /** Keep the sources of the dataset already in `out` (from the cache) and add `files` to them. */
  add?: boolean;
  log?: (line: string) => void;
  onProgress?: (p: Progress) => void;
}

export interface IngestResult {
  manifest: Manifest;
  rejectsByReason: Record<string, number>;
  unmappedColumns: Record<string, string[]>;
  /** Per input: read, written, rejected, duplicates (the summary table). */
  perSource: {
    name: string;
    read: number;
    written: number;
    rejected: number;
    duplicates: number;
  }[];
  /** Nothing changed since the published snapshot (same inputs, options and rules): kept as is. */
  unchanged?: boolean;
}

/** An input problem that stops the run before anything is published. */
export class InputError extends Error {}

export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const log = opts.log ?? (() => {});
  if (opts.files.length === 0) throw new InputError('no input files');
  const memo = opts.cacheDir ? await InputMemo.load(opts.cacheDir) : null;
  const key = memo && !opts.add ? await keyOfInputs(opts, memo) : null;
  const published = key ? await publishedWithKey(opts.out, key) : null;
  if (published) {
    await memo!.save();
    log(`nothing changed since snapshot ${published.snapshot_id} (same files, options and rules)`);
    return {
      manifest: published,
      rejectsByReason: {},
      unmappedColumns: {},
      perSource: [],
      unchanged: true,
    };
  }
  const unlock = await lockOutput(opts.out).catch((e: Error) => {
    throw e instanceof LockedError ? new InputError(e.message) : e;
  });
  try {
    return await ingestLocked(opts, memo, key, log);
  } finally {
    await unlock();
  }
}

async function ingestLocked(
  opts: IngestOptions,
  memo: InputMemo | null,
  key: string | null,
  log: (line: string) => void,
): Promise<IngestResult> {
  await removeLeftovers(opts.out);
  const staging = await makeStagingDir(opts.out);
  await removeStaleWork();
  const work = await mkdtemp(path.join(os.tmpdir(), `ppn-ingest-${process.pid}-`));
  try {
    const store = await Store.open({
      workDir: work,
      onProgress: opts.onProgress,
      memoryLimit: opts.memoryLimit,
      maxRowsPerFile: opts.maxRowsPerFile,
    });
    const unmappedColumns: Record<string, string[]> = {};
    const inputs = await gather(opts, memo, work);
    // --add: the published dataset's sources come back from the cache, in their order, first.
    const previous: Manifest['sources'] = [];
    if (opts.add) {
      const m = await readFile(path.join(opts.out, 'manifest.json'), 'utf8').catch(() => null);
      if (!m) throw new InputError(`--add: no dataset in ${opts.out} to add to`);
      for (const src of (JSON.parse(m) as Manifest).sources) {
        const cached =
          src.cache_key && opts.cacheDir
            ? path.join(opts.cacheDir, `${src.cache_key}.parquet`)
            : null;
        if (!cached || !(await fileBytes(cached).catch(() => 0))) {
          throw new InputError(
            `--add: ${src.name} is not in the cache${opts.cacheDir ? ` (${opts.cacheDir})` : ''}; run the ingest again with all the files`,
          );
        }
        previous.push(src);
      }
    }
    const ocds = new OcdsCollector();
    const rowsBySource = new Array<number>(previous.length + inputs.length).fill(0);
    const cacheKeys = new Array<string | null>(previous.length + inputs.length).fill(null);
    for (const [idx, src] of previous.entries()) {
      rowsBySource[idx] = await store.loadSource(
        idx,
        path.join(opts.cacheDir!, `${src.cache_key}.parquet`),
      );
      cacheKeys[idx] = src.cache_key;
      log(`kept ${src.name}: ${rowsBySource[idx]} rows (from the cache)`);
    }
    const extra: Record<string, number> = { empty_inputs: 0, transcoded_windows_874: 0 };

    for (const [i, src] of inputs.entries()) {
      const idx = previous.length + i;
      const started = Date.now();
      if (src.encoding === 'windows-874') extra.transcoded_windows_874!++;
      const key = opts.cacheDir ? cacheKey(src.sha256, src.kind, opts.maps) : null;
      const cached = key ? path.join(opts.cacheDir!, `${key}.parquet`) : null;
      if (cached && (await fileBytes(cached).catch(() => 0))) {
        rowsBySource[idx] = await store.loadSource(idx, cached);
        cacheKeys[idx] = key;
        log(`read ${src.name}: ${rowsBySource[idx]} rows (unchanged: from the cache)`);
        continue;
      }
      /** Only rows cleaned from this one file may be cached (OCDS is merged across files). */
      let cacheable = false;
      if (src.kind === 'csv') {
        const header = await readHeader(src.path);
        if (!header) {
          // The other inputs are still published; the run exits 4 and names this one.
          extra.empty_inputs!++;
          log(`read ${src.name}: empty (no header row, no data): counted in quality.empty_inputs`);
          continue;
        }
        let layout;
        try {
          layout = resolveHeader(header, opts.maps);
        } catch (e) {
          if (e instanceof LayoutError) throw new InputError(`${src.name}: ${e.message}`);
          throw e;
        }
        if (layout.unmapped.length) unmappedColumns[src.name] = layout.unmapped;
        try {
          rowsBySource[idx] = await store.addCsv(idx, src.path, layout);
        } catch (e) {
          if (!isCsvReaderFailure(e)) throw e;
          const why = (e as Error).message.split('\n')[0];
          log(`${src.name}: DuckDB's CSV reader refused it (${why}); reading it record by record`);
          rowsBySource[idx] = await store.addParsed(idx, readCsvRecords(src.path, layout));
        }
        cacheable = true;
      } else {
        const docs = await readDocuments(src.path).catch((e: Error) => {
          throw e instanceof JsonInputError ? new InputError(e.message) : e;
        });
        const api = apiRowsOf(docs);
        if (docs.length === 0)
          extra.empty_inputs!++; // e.g. the zero-byte files of real OCDS dumps
        else if (api) {
          await store.addRows(idx, api);
          rowsBySource[idx] = api.length;
          cacheable = true;
        } else if (docs.every((d) => isOcds(d.doc)))
          docs.forEach((d) => ocds.add(d.doc, idx, d.line));
        else
          throw new InputError(
            `${src.name}: JSON that is neither Government Spending API projects nor OCDS`,
          );
      }
      if (cacheable && key && cached) {
        await mkdir(opts.cacheDir!, { recursive: true });
        await store.saveSource(idx, `${cached}.tmp`);
        await rename(`${cached}.tmp`, cached);
        cacheKeys[idx] = key;
      }
      const secs = (Date.now() - started) / 1000;
      log(
        `read ${src.name}${src.encoding === 'windows-874' ? ' (TIS-620)' : ''}: ${rowsBySource[idx]} rows in ${secs.toFixed(1)} s`,
      );
    }
    // OCDS releases are merged by ocid across all files, then read like any other rows.
    for (const [idx, rows] of ocds.rows()) {
      await store.addRows(idx, rows);
      rowsBySource[idx]! += rows.length;
    }
    if (ocds.releasesRead) {
      extra.ocds_releases_read = ocds.releasesRead;
      extra.ocds_ocids = ocds.ocidCount;
      log(`merged ${ocds.releasesRead} OCDS releases into ${ocds.ocidCount} processes`);
    }
    const read = rowsBySource.reduce((n, x) => n + x, 0);
    const sources: Manifest['sources'] = previous.map((src, idx) => ({
      ...src,
      rows_read: rowsBySource[idx]!,
    }));
    for (const [i, src] of inputs.entries()) {
      const idx = previous.length + i;
      sources.push({
        name: src.name,
        bytes: src.bytes,
        sha256: src.sha256,
        rows_read: rowsBySource[idx]!,
        cache_key: cacheKeys[idx]!,
      });
    }
    const names = sources.map((s) => s.name);

    const quality = { ...(await store.build()), ...extra };
    const { written, rejected, duplicates } = await store.counts();
    const rejectsByReason = await store.rejectsByReason();
    const counted = await store.perSource();
    const perSource = names.map((name, idx) => ({
      name,
      read: rowsBySource[idx]!,
      ...(counted.get(idx) ?? { written: 0, rejected: 0, duplicates: 0 }),
    }));
    if (written + rejected + duplicates !== read) {
      throw new Error(
        `accounting broken: read ${read} ≠ written ${written} + rejected ${rejected} + duplicates ${duplicates}`,
      );
    }
    if (written === 0) {
      const why = Object.entries(rejectsByReason)
        .map(([r, n]) => `${r}: ${n}`)
        .join(', ');
      throw new InputError(
        `no row could be read from ${opts.files.join(', ')} (${why || 'no data rows'})`,
      );
    }

    const rejectsPath = path.join(staging, 'rejects.csv');
    await store.writeRejects(
      path.join(work, 'rejects.csv'),
      sources.map((s) => s.name),
    );
    await withBom(path.join(work, 'rejects.csv'), rejectsPath);
    const written_files = await store.writeParquet(staging);
    const summaryRows = await store.summary();
    const years = await store.fiscalYears();

    const files: ManifestFile[] = [];
    for (const f of written_files) {
      const abs = path.join(staging, f.path);
      files.push({ ...f, bytes: await fileBytes(abs), sha256: await sha256File(abs) });
    }
    // The snapshot id covers data and rejects, so it is known before the aggregates that carry it.
    const id = snapshotId([
      ...files,
      { path: 'rejects.csv', sha256: await sha256File(rejectsPath) },
    ]);
    const built_at = new Date().toISOString();
    const synthetic = opts.synthetic ?? false;
    const summary: Summary = {
      snapshot_id: id,
      built_at,
      synthetic,
      licence: LICENCE,
      ...(summaryRows as Pick<Summary, 'by_year' | 'top_agencies' | 'totals'>),
    };
    const aggPath = path.join(staging, 'agg/summary.json');
    await mkdir(path.dirname(aggPath), { recursive: true });
    await writeFile(aggPath, JSON.stringify(summary) + '\n');
    files.push({
      path: 'agg/summary.json',
      table: 'aggregates',
      fiscal_year: null,
      rows: summary.by_year.length,
      bytes: await fileBytes(aggPath),
      sha256: await sha256File(aggPath),
    });

    const prefix = `s-${id}/`;
    const count = (table: string) =>
      files.filter((f) => f.table === table).reduce((n, f) => n + f.rows, 0);
    const manifest: Manifest = {
      schema_version: SCHEMA_VERSION,
      snapshot_id: id,
      built_at,
      generator: 'phasi-pai-nai ingest',
      fiscal_years: years,
      files: files.map((f) => ({ ...f, path: prefix + f.path })),
      sources,
      counts: {
        rows_read: read,
        rows_written: written,
        rows_rejected: rejected,
        rows_duplicate: duplicates,
        projects: count('projects'),
        contracts: count('contracts'),
      },
      quality,
      rejects_file: prefix + 'rejects.csv',
      licence: LICENCE,
      synthetic,
      ...(key ? { inputs_key: key } : {}),
    };
    for (const f of manifest.files)
      if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
    await publish(opts.out, staging, id, manifest);
    await memo?.save();
    return { manifest, rejectsByReason, unmappedColumns, perSource };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What the output depends on besides the files (the cleaning rules are in the key itself). */
function optionsOf(opts: IngestOptions): unknown {
  return {
    schema: SCHEMA_VERSION,
    synthetic: opts.synthetic ?? false,
    maxRowsPerFile: opts.maxRowsPerFile ?? null,
  };
}

async function keyOfInputs(opts: IngestOptions, memo: InputMemo): Promise<string> {
  const files = [];
  for (const f of opts.files) files.push({ name: path.basename(f), sha256: await memo.sha256(f) });
  return inputsKey(files, opts.maps, optionsOf(opts));
}

/** The published manifest when it was built from exactly these inputs and its files are there. */
async function publishedWithKey(out: string, key: string): Promise<Manifest | null> {
  const text = await readFile(path.join(out, 'manifest.json'), 'utf8').catch(() => null);
  if (!text) return null;
  const m = JSON.parse(text) as Manifest;
  if (m.inputs_key !== key) return null;
  for (const f of m.files)
    if (!(await fileBytes(path.join(out, f.path)).catch(() => 0))) return null;
  return m;
}

/** An input data file: prepared to be read, or known from the cache (then never prepared). */
type Input = Omit<Source, 'path'> & { path: string; sha256: string; bytes: number };

/**
 * Every input's data files, in order. A file whose content the cache memo knows, and whose every
 * source is in the cache, is not unzipped, decompressed or transcoded again.
 */
async function gather(opts: IngestOptions, memo: InputMemo | null, work: string): Promise<Input[]> {
  const out: Input[] = [];
  for (const file of opts.files) {
    const original = memo ? await memo.sha256(file) : null;
    const known = memo?.sourcesOf(file);
    if (known && (await allCached(opts, known))) {
      out.push(...known.map((k) => ({ ...k, original: file, path: '' })));
      continue;
    }
    const prepared = await prepare(file, work, opts.log).catch((e: Error) => {
      throw e instanceof SourceError ? new InputError(e.message) : e;
    });
    const sources: KnownSource[] = [];
    for (const p of prepared) {
      const s = {
        name: p.name,
        kind: p.kind,
        encoding: p.encoding,
        // A file read as it is was hashed already (the memo); not read a second time to hash it.
        sha256: p.path === file && original ? original : await sha256File(p.path),
        bytes: await fileBytes(p.path),
      };
      sources.push(s);
      out.push({ ...p, sha256: s.sha256, bytes: s.bytes });
    }
    memo?.remember(file, sources);
  }
  return out;
}

async function allCached(opts: IngestOptions, sources: KnownSource[]): Promise<boolean> {
  for (const s of sources) {
    const f = path.join(opts.cacheDir!, `${cacheKey(s.sha256, s.kind, opts.maps)}.parquet`);
    if (!(await fileBytes(f).catch(() => 0))) return false;
  }
  return sources.length > 0;
}

/** Work folders of ingests that were killed (their process is gone) take disk: remove them. */
async function removeStaleWork(): Promise<void> {
  for (const name of await readdir(os.tmpdir())) {
    const pid = Number(/^ppn-ingest-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) await rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/** Copy a CSV with a UTF-8 byte-order mark in front, so spreadsheet software shows Thai. */
async function withBom(from: string, to: string): Promise<void> {
  const out = createWriteStream(to);
  out.write('\uFEFF');
  await pipeline(createReadStream(from), out);
}
