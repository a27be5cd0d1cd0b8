/**
 * The ingest pipeline: read every input, normalise each row or reject it with a reason, build the
 * tables in native DuckDB, write Parquet + aggregates + manifest, publish atomically.
 * Accounting invariant: rows_read = rows_written + rows_rejected.
 */
import { stringify } from 'csv-stringify/sync';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  isSafePath,
  SCHEMA_VERSION,
  type Manifest,
  type ManifestFile,
  type Summary,
} from '../../src/lib/schema/tables.ts';
import { LayoutError, mapRecord, resolveHeader, type ColumnMap } from './layout.ts';
import { normalizeRow, type Quality } from './normalize.ts';
import {
  fileBytes,
  makeStagingDir,
  publish,
  removeLeftovers,
  sha256File,
  snapshotId,
} from './publish.ts';
import { assertUtf8, readCsv } from './read.ts';
import { Store } from './store.ts';
import { ValueError } from './values.ts';

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

const REJECT_HEADER = ['source_file', 'line', 'reason', 'message', 'raw'];

export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const log = opts.log ?? (() => {});
  if (opts.files.length === 0) throw new InputError('no input files');
  for (const f of opts.files)
    await assertUtf8(f).catch((e: Error) => {
      throw new InputError(e.message);
    });
  await mkdir(opts.out, { recursive: true });
  await removeLeftovers(opts.out);
  const staging = await makeStagingDir(opts.out);
  try {
    const store = await Store.open();
    const quality: Quality = new Map();
    const rejectsByReason: Record<string, number> = {};
    const unmappedColumns: Record<string, string[]> = {};
    const rejectsPath = path.join(staging, 'rejects.csv');
    await writeFile(rejectsPath, '\uFEFF' + stringify([REJECT_HEADER]));
    let pending: string[][] = [];
    const flushRejects = async () => {
      if (pending.length) await appendFile(rejectsPath, stringify(pending));
      pending = [];
    };
    const reject = (file: string, line: number, reason: string, message: string, raw: string) => {
      rejectsByReason[reason] = (rejectsByReason[reason] ?? 0) + 1;
      pending.push([file, String(line), reason, message, raw]);
    };
    const sources: Manifest['sources'] = [];
    let read = 0;
    let written = 0;

    for (const [idx, file] of opts.files.entries()) {
      const name = path.basename(file);
      let layout: ReturnType<typeof resolveHeader> | null = null;
      let fileRows = 0;
      const started = Date.now();
      for await (const rec of readCsv(file, (e) => {
        read++;
        fileRows++;
        reject(name, e.line, 'csv_syntax', e.message, e.raw);
      })) {
        if (!layout) {
          try {
            layout = resolveHeader(rec.record, opts.maps);
          } catch (e) {
            if (e instanceof LayoutError) throw new InputError(`${file}: ${e.message}`);
            throw e;
          }
          if (layout.unmapped.length) unmappedColumns[name] = layout.unmapped;
          continue;
        }
        read++;
        fileRows++;
        const mapped = mapRecord(layout, rec.record);
        if ('error' in mapped) {
          reject(name, rec.line, 'field_count', mapped.error, rec.raw);
          continue;
        }
        try {
          store.append(idx, rec.line, normalizeRow(mapped.row, quality));
          written++;
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          reject(name, rec.line, e.code, e.message, rec.raw);
        }
        if (pending.length >= 1000) await flushRejects();
      }
      await flushRejects();
      if (!layout) throw new InputError(`${file}: empty file (no header row)`);
      const secs = (Date.now() - started) / 1000;
      log(`read ${name}: ${fileRows} rows in ${secs.toFixed(1)} s`);
      sources.push({
        name,
        bytes: await fileBytes(file),
        sha256: await sha256File(file),
        rows_read: fileRows,
      });
    }
    if (written === 0) {
      const why = Object.entries(rejectsByReason)
        .map(([r, n]) => `${r}: ${n}`)
        .join(', ');
      throw new InputError(
        `no row could be read from ${opts.files.join(', ')} (${why || 'no data rows'})`,
      );
    }

    const { quality: built } = await store.build();
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
    await mkdir(path.join(staging, 'agg'), { recursive: true });
    await writeFile(path.join(staging, 'agg/summary.json'), JSON.stringify(summary) + '\n');
    const aggPath = path.join(staging, 'agg/summary.json');
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
        rows_rejected: read - written,
        projects: count('projects'),
        contracts: count('contracts'),
      },
      quality: Object.fromEntries([...[...quality.entries()].sort(), ...Object.entries(built)]),
      rejects_file: prefix + 'rejects.csv',
      licence: LICENCE,
      synthetic,
    };
    for (const f of manifest.files)
      if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
    await publish(opts.out, staging, id, manifest);
    return { manifest, rejectsByReason, unmappedColumns };
  } catch (e) {
    await import('node:fs/promises').then((fs) => fs.rm(staging, { recursive: true, force: true }));
    throw e;
  }
}
