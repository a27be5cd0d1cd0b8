/**
 * The ingest pipeline: read every input, normalise each row or reject it with a reason, build the
 * tables in native DuckDB, write Parquet + aggregates + manifest, publish atomically.
 * Accounting invariant: rows_read = rows_written + rows_rejected.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SCHEMA_VERSION, type Manifest } from '../../src/lib/schema/tables.ts';
import { cacheKey, InputMemo, inputsKey, type KnownSource } from './cache.ts';
import { InputError } from './errors.ts';
import type { ColumnMap } from './layout.ts';
import { mapHints } from './map-hint.ts';
import { writeFeeds } from './feeds.ts';
import {
  fileBytes,
  keptSnapshots,
  listed,
  lockOutput,
  LockedError,
  makeStagingDir,
  publish,
  publishedSnapshots,
  removeLeftovers,
  sha256File,
} from './publish.ts';
import { previousSources, readInputs, type Input } from './read-inputs.ts';
import { account, writeSnapshot, type Accounting } from './snapshot.ts';
import { previousFiles } from './stages/first-seen.ts';
import { prepare, SourceError } from './sources.ts';
import { Store, type Progress, type StoreOptions } from './store.ts';

export { LICENCE } from './snapshot.ts';

/** DuckDB's memory limit, the files' row caps and the task size are the store's own options. */
export interface IngestOptions extends Pick<
  StoreOptions,
  | 'memoryLimit'
  | 'maxRowsPerFile'
  | 'topRows'
  | 'provinceTopRows'
  | 'vendorTop'
  | 'smallTasks'
  | 'threads'
> {
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
  /** `--map` suggestions when rows lacked a required field that an unused column seems to hold. */
  mapHints: string[];
  /** Per input: read, written, rejected, duplicates (the summary table). */
  perSource: Accounting['perSource'];
  /** Nothing changed since the published snapshot (same inputs, options and rules): kept as is. */
  unchanged?: boolean;
}

/** An input problem that stops the run before anything is published. */
export { InputError } from './errors.ts';

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
      mapHints: [],
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
  const feeds = path.join(opts.out, `.feeds-${process.pid}`);
  await removeStaleWork();
  const work = await mkdtemp(path.join(os.tmpdir(), `ppn-ingest-${process.pid}-`));
  try {
    // A published snapshot whose first-seen dates cannot be carried over is refused before any
    // input is read.
    const previousManifest = await publishedManifest(opts.out);
    if (previousManifest) previousFiles(previousManifest);
    // (Its options are the store's: the memory limit, sizes and task size.)
    const store = await Store.open({ ...opts, workDir: work });
    const inputs = await gather(opts, memo, work);
    const previous = await previousSources(opts, previousManifest?.manifest ?? null);
    const { sources, rowsBySource, read, extra, unmappedColumns, currency } = await readInputs(
      store,
      opts,
      previous,
      inputs,
      log,
    );
    const names = sources.map((s) => s.name);

    const quality = { ...(await store.build()), ...extra };
    // A required field missing from the rows: suggest the --map from the unused columns.
    // (A source from the cache has no prepared path: a plain CSV is read where it was given.)
    const csv = inputs
      .filter((i) => i.kind === 'csv')
      .map((i) => ({
        name: i.name,
        path: i.path || (/\.csv$/i.test(i.original) ? i.original : ''),
      }))
      .filter((i) => i.path);
    const hints = (reasons: Record<string, number>) => mapHints(reasons, csv, opts.maps);
    const accounted = await account(store, names, rowsBySource, read, opts.files).catch(
      async (e: unknown) => {
        if (!(e instanceof InputError)) throw e;
        const found = await hints({ ...quality, ...(await store.rejectsByReason()) });
        throw found.length ? new InputError([e.message, ...found].join('\n')) : e;
      },
    );
    const manifest = await writeSnapshot(store, {
      out: opts.out,
      previous: previousManifest,
      staging,
      work,
      sources,
      quality,
      read,
      counts: accounted,
      synthetic: opts.synthetic ?? false,
      inputsKey: key,
      currency,
    });
    const id = manifest.snapshot_id;
    // The feeds carry the additions of every snapshot the manifest will keep.
    const kept = keptSnapshots(listed(manifest), await publishedSnapshots(opts.out));
    manifest.feeds = await writeFeeds(store.stages, feeds, manifest, kept);
    await publish(opts.out, staging, id, manifest, undefined, feeds);
    await memo?.save();
    return {
      manifest,
      rejectsByReason: accounted.rejectsByReason,
      unmappedColumns,
      mapHints: await hints({ ...quality, ...accounted.rejectsByReason }),
      perSource: accounted.perSource,
    };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    await rm(feeds, { recursive: true, force: true });
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
    topRows: opts.topRows ?? null,
    provinceTopRows: opts.provinceTopRows ?? null,
    vendorTop: opts.vendorTop ?? null,
  };
}

async function keyOfInputs(opts: IngestOptions, memo: InputMemo): Promise<string> {
  const files = [];
  for (const f of opts.files) files.push({ name: path.basename(f), sha256: await memo.sha256(f) });
  return inputsKey(files, opts.maps, optionsOf(opts));
}

/** The manifest published in `out` now, if any (what the new snapshot is compared with). */
async function publishedManifest(out: string): Promise<{ manifest: Manifest; out: string } | null> {
  const text = await readFile(path.join(out, 'manifest.json'), 'utf8').catch(() => null);
  return text ? { manifest: JSON.parse(text) as Manifest, out } : null;
}

/** The published manifest when it was built from exactly these inputs and its files are there. */
async function publishedWithKey(out: string, key: string): Promise<Manifest | null> {
  const m = (await publishedManifest(out))?.manifest;
  if (!m || m.inputs_key !== key) return null;
  for (const f of m.files)
    if (!(await fileBytes(path.join(out, f.path)).catch(() => 0))) return null;
  return m;
}

/** An input data file: prepared to be read, or known from the cache (then never prepared). */

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
