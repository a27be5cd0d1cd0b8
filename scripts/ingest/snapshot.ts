/**
 * Ingest stages after the tables are built: check the accounting (every row read is written,
 * rejected or a duplicate), then write the snapshot into the staging folder (rejects, Parquet,
 * the landing page's summary) and its manifest, which names every file with its size and hash.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  isSafePath,
  SCHEMA_VERSION,
  sourceKinds,
  type Manifest,
  type ManifestFile,
  type Summary,
} from '../../src/lib/schema/tables.ts';
import { InputError } from './errors.ts';
import { fileBytes, sha256File, snapshotId } from './publish.ts';
import { added, writeFirstSeen, type Previous } from './stages/first-seen.ts';
import { writeSeenViews } from './stages/headline-seen.ts';
import { coverage, summary as summaryRowsOf } from './stages/summary.ts';
import type { Store, WrittenFile } from './store.ts';
import { defaultRuleKeys } from '../../src/lib/query/flag-bits.ts';

export const LICENCE =
  'Thai government open data from data.go.th (e-GP contract datasets, Comptroller General’s Department), Creative Commons Attribution';
/** The same, in Thai (the Thai pages and citations say it in Thai). */
export const LICENCE_TH =
  'ข้อมูลเปิดภาครัฐจาก data.go.th (ชุดข้อมูลสัญญาในระบบ e-GP ของกรมบัญชีกลาง) สัญญาอนุญาตครีเอทีฟคอมมอนส์แบบแสดงที่มา';

/**
 * The dataset's licence, in English and Thai: e-GP's when any e-GP or API rows were read, and each
 * OCDS publisher's as its package states it (Mexico City's records are not data.go.th's).
 */
export function licences(sources: Manifest['sources']): { licence: string; licence_th: string } {
  const { egp, ocds, publishers } = sourceKinds(sources);
  const named = (notStated: string) =>
    [...publishers].map(([p, l]) => `${p} (${l ?? notStated})`).join(', ');
  const ocdsEn = ocds
    ? [
        `Open Contracting (OCDS) data published by ${named('licence not stated') || 'a publisher the files do not name'}`,
      ]
    : [];
  const ocdsTh = ocds
    ? [
        `ข้อมูลมาตรฐาน Open Contracting (OCDS) เผยแพร่โดย ${named('ไม่ระบุสัญญาอนุญาต') || 'ผู้เผยแพร่ที่ไฟล์ไม่ได้ระบุ'}`,
      ]
    : [];
  return {
    licence: [...(egp ? [LICENCE] : []), ...ocdsEn].join('; '),
    licence_th: [...(egp ? [LICENCE_TH] : []), ...ocdsTh].join('; '),
  };
}

export interface Accounting {
  written: number;
  rejected: number;
  duplicates: number;
  rejectsByReason: Record<string, number>;
  perSource: {
    name: string;
    read: number;
    written: number;
    rejected: number;
    duplicates: number;
  }[];
}

/** Rows written, rejected and dropped, in all and per source; fails when they do not add up. */
export async function account(
  store: Store,
  names: string[],
  rowsBySource: number[],
  read: number,
  files: readonly string[],
): Promise<Accounting> {
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
      `no row could be read from ${files.join(', ')} (${why || 'no data rows'})`,
    );
  }

  return { written, rejected, duplicates, rejectsByReason, perSource };
}

export interface SnapshotInputs {
  staging: string;
  work: string;
  sources: Manifest['sources'];
  quality: Record<string, number>;
  read: number;
  counts: Accounting;
  synthetic: boolean;
  inputsKey: string | null;
  /** The currency of every amount (currency.ts). */
  currency: string;
  /** The output folder, and the snapshot published in it now (first_seen carries over from it). */
  out: string;
  previous: Previous | null;
}

/** Write the snapshot's files into `staging` and return its manifest (paths under `s-<id>/`). */
export async function writeSnapshot(store: Store, a: SnapshotInputs): Promise<Manifest> {
  const rejectsPath = path.join(a.staging, 'rejects.csv');
  await store.writeRejects(
    path.join(a.work, 'rejects.csv'),
    a.sources.map((s) => s.name),
  );
  await withBom(path.join(a.work, 'rejects.csv'), rejectsPath);
  const { files: written_files, headline } = await store.writeParquet(a.staging);
  const summaryRows = await summaryRowsOf(store.stages);
  const years = await store.fiscalYears();
  const coverageRows = await coverage(store.stages);
  const rejectsExamples = await store.rejectExamples(a.sources.map((s) => s.name));

  const files: ManifestFile[] = [];
  for (const f of written_files) files.push(await sealed(a.staging, f));
  // The snapshot id covers data, rejects, the headline files and the schema version, so it is
  // known before the aggregates that carry it, and the same inputs ingested by a newer ingest
  // (other headline files, another schema) are a new snapshot, not the old folder kept.
  const id = snapshotId([
    ...files,
    { path: 'rejects.csv', sha256: await sha256File(rejectsPath) },
    { path: 'headline', sha256: headline.sha256! },
    { path: 'schema', sha256: String(SCHEMA_VERSION) },
  ]);
  const built_at = new Date().toISOString();
  const seen = await writeFirstSeen(store.stages, a.staging, id, built_at, a.previous, a.out);
  for (const f of seen.files) files.push(await sealed(a.staging, f));
  await writeSeenViews(store.stages, path.join(a.staging, 'headline'), id);
  const summary: Summary = {
    snapshot_id: id,
    built_at,
    synthetic: a.synthetic,
    ...licences(a.sources),
    currency: a.currency,
    ...(summaryRows as Pick<Summary, 'by_year' | 'top_agencies' | 'totals' | 'latest'>),
    added: await added(store.stages, id, seen),
  };
  const aggPath = path.join(a.staging, 'agg/summary.json');
  await mkdir(path.dirname(aggPath), { recursive: true });
  await writeFile(aggPath, JSON.stringify(summary) + '\n');
  files.push(
    await sealed(a.staging, {
      path: 'agg/summary.json',
      table: 'aggregates',
      fiscal_year: null,
      rows: summary.by_year.length,
    }),
  );

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
    sources: a.sources,
    counts: {
      rows_read: a.read,
      rows_written: a.counts.written,
      rows_rejected: a.counts.rejected,
      rows_duplicate: a.counts.duplicates,
      projects: count('projects'),
      contracts: count('contracts'),
    },
    quality: a.quality,
    coverage: coverageRows,
    rejects_file: prefix + 'rejects.csv',
    rejects_by_reason: a.counts.rejectsByReason,
    rejects_examples: rejectsExamples,
    ...licences(a.sources),
    currency: a.currency,
    synthetic: a.synthetic,
    ...(a.inputsKey ? { inputs_key: a.inputsKey } : {}),
    headline: { path: prefix + 'headline', ...headline },
    flag_bits: defaultRuleKeys(),
    first_seen: { date: seen.date, added: seen.added, initial: seen.initial, headline: true },
  };
  for (const f of manifest.files) if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
  return manifest;
}

/** A written file with its size and hash, as the manifest lists it. */
async function sealed(dir: string, f: WrittenFile): Promise<ManifestFile> {
  const abs = path.join(dir, f.path);
  return { ...f, bytes: await fileBytes(abs), sha256: await sha256File(abs) };
}

/** Copy a CSV with a UTF-8 byte-order mark in front, so spreadsheet software shows Thai. */
async function withBom(from: string, to: string): Promise<void> {
  const out = createWriteStream(to);
  out.write('\ufeff');
  await pipeline(createReadStream(from), out);
}
