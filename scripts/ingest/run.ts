/**
 * The ingest pipeline: read every input, normalise each row or reject it with a reason, build the
 * tables in native DuckDB, write Parquet + aggregates + manifest, publish atomically.
 * Accounting invariant: rows_read = rows_written + rows_rejected.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  makeStagingDir,
  publish,
  removeLeftovers,
  sha256File,
  snapshotId,
} from './publish.ts';
import { assertUtf8, readHeader } from './read.ts';
import { Store } from './store.ts';

export const LICENCE =
  'Thai government open data from data.go.th (e-GP contract datasets, Comptroller General’s Department), Creative Commons Attribution';

export interface IngestOptions {
  files: string[];
  out: string;
  maps: ColumnMap;
  /** The inputs are generated demo data (npm start); the site shows a banner saying so. */
  synthetic?: boolean;
  log?: (line: string) => void;
}

export interface IngestResult {
  manifest: Manifest;
  rejectsByReason: Record<string, number>;
  unmappedColumns: Record<string, string[]>;
}

/** An input problem that stops the run before anything is published. */
export class InputError extends Error {}

export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const log = opts.log ?? (() => {});
  if (opts.files.length === 0) throw new InputError('no input files');
  for (const f of opts.files) {
    await assertUtf8(f).catch((e: Error) => {
      throw new InputError(e.message);
    });
  }
  await mkdir(opts.out, { recursive: true });
  await removeLeftovers(opts.out);
  const staging = await makeStagingDir(opts.out);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ppn-ingest-'));
  try {
    const store = await Store.open({ workDir: work });
    const unmappedColumns: Record<string, string[]> = {};
    const sources: Manifest['sources'] = [];
    let read = 0;

    for (const [idx, file] of opts.files.entries()) {
      const name = path.basename(file);
      const started = Date.now();
      const header = await readHeader(file);
      if (!header) throw new InputError(`${file}: empty file (no header row)`);
      let layout;
      try {
        layout = resolveHeader(header, opts.maps);
      } catch (e) {
        if (e instanceof LayoutError) throw new InputError(`${file}: ${e.message}`);
        throw e;
      }
      if (layout.unmapped.length) unmappedColumns[name] = layout.unmapped;
      const fileRows = await store.addCsv(idx, file, layout);
      read += fileRows;
      const secs = (Date.now() - started) / 1000;
      log(`read ${name}: ${fileRows} rows in ${secs.toFixed(1)} s`);
      sources.push({
        name,
        bytes: await fileBytes(file),
        sha256: await sha256File(file),
        rows_read: fileRows,
      });
    }

    const quality = await store.build();
    const { written, rejected, duplicates } = await store.counts();
    const rejectsByReason = await store.rejectsByReason();
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
    };
    for (const f of manifest.files)
      if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
    await publish(opts.out, staging, id, manifest);
    return { manifest, rejectsByReason, unmappedColumns };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Copy a CSV with a UTF-8 byte-order mark in front, so spreadsheet software shows Thai. */
async function withBom(from: string, to: string): Promise<void> {
  const out = createWriteStream(to);
  out.write('\uFEFF');
  await pipeline(createReadStream(from), out);
}
