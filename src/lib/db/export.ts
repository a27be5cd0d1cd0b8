/**
 * Exports in the browser: the export SQL runs in DuckDB-WASM on its own connection and its
 * Arrow batches stream out one at a time. Each batch becomes a Blob part at once, so the tab holds
 * one batch of text, not the file (Chromium keeps large Blobs outside the page's heap). Parquet is
 * written by DuckDB itself (COPY) and gets the provenance in its footer; XLSX goes through ExcelJS.
 */
import type { Lang } from '$lib/i18n';
import { translator } from '$lib/i18n';
import {
  BOM,
  csvLines,
  csvRows,
  jsonRow,
  xlsxCell,
  XLSX_MAX_ROWS,
  type ExportRow,
  type Format,
} from '$lib/export/cells';
import { withKeyValueMetadata } from '$lib/export/parquet-footer';
import { fileName, provenance, provenancePairs, type Provenance } from '$lib/export/provenance';
import { exportSql, type ExportQuery, type Grain } from '$lib/query/export';
import type { Filters } from '$lib/query/filters';
import type { Resolved } from '$lib/query/sql';
import type { Manifest } from '$lib/schema/tables';
import { manifestSha256 } from './dataset';
import { engine } from './engine';
import { ensureFile } from './index';

export class ExportError extends Error {}

export interface ExportRequest {
  m: Manifest;
  filters: Filters;
  r: Resolved;
  grain: Grain;
  format: Format;
  lang: Lang;
  /** The page's URL (the permalink is made from it). */
  href: string;
}

export interface ExportResult {
  blob: Blob;
  name: string;
  rows: number;
  provenance: Provenance;
}

/** Rows the export of these filters will hold (the joins add none). */
export async function exportCount(m: Manifest, r: Resolved, grain: Grain): Promise<number> {
  const q = exportSql(m, r, '-budget', grain, false);
  if (!q) return 0;
  const { conn } = await engine();
  await Promise.all(q.facts.map(ensureFile));
  const stmt = await conn.prepare(q.countSql);
  try {
    const t = await stmt.query(...q.params);
    return Number((t.toArray()[0] as { n: number }).n);
  } finally {
    await stmt.close();
  }
}

const MIME: Record<Format, string> = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException('export cancelled', 'AbortError');
}

/** Run the export and return the file; `progress` gets the rows written so far. */
export async function runExport(
  req: ExportRequest,
  progress: (rows: number) => void,
  signal: AbortSignal,
): Promise<ExportResult> {
  const typed = req.format === 'parquet';
  const q = exportSql(req.m, req.r, req.filters.sort, req.grain, typed);
  if (!q) throw new ExportError(translator(req.lang)('export.empty'));
  const rows = await exportCount(req.m, req.r, req.grain);
  if (req.format === 'xlsx' && rows > XLSX_MAX_ROWS) {
    throw new ExportError(
      translator(req.lang)('export.too_many_for_xlsx', { max: XLSX_MAX_ROWS, rows }),
    );
  }
  const prov = provenance({
    href: req.href,
    filters: req.filters,
    manifest: req.m,
    manifestSha256: manifestSha256(req.m),
    grain: req.grain,
    rows,
    columns: q.columns,
    sql: q.sql,
    params: q.params,
    now: new Date(),
  });
  await Promise.all(q.files.map(ensureFile));
  aborted(signal);
  const parts =
    req.format === 'parquet'
      ? await parquetParts(q, prov)
      : await streamParts(q, req, prov, progress, signal);
  aborted(signal);
  return {
    blob: new Blob(parts, { type: MIME[req.format] }),
    name: fileName(prov, req.format),
    rows,
    provenance: prov,
  };
}

/** CSV, JSON, NDJSON and XLSX: read the result batch by batch. */
async function streamParts(
  q: ExportQuery,
  req: ExportRequest,
  prov: Provenance,
  progress: (rows: number) => void,
  signal: AbortSignal,
): Promise<BlobPart[]> {
  const t = translator(req.lang);
  const cols = q.columns;
  const parts: BlobPart[] = [];
  let sheet: import('exceljs').Worksheet | null = null;
  let book: import('exceljs').Workbook | null = null;
  if (req.format === 'csv') {
    parts.push(BOM + csvLines([cols.map((c) => t(`export.col_${c.key}`))]));
  } else if (req.format === 'json') {
    parts.push(`{"provenance":${JSON.stringify(prov)},\n"rows":[\n`);
  } else if (req.format === 'ndjson') {
    parts.push(`${JSON.stringify({ provenance: prov })}\n`);
  } else {
    const ExcelJS = (await import('exceljs')).default;
    book = new ExcelJS.Workbook();
    book.created = new Date(prov.exported_at);
    sheet = book.addWorksheet('data', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = cols.map((c) => ({
      header: t(`export.col_${c.key}`),
      key: c.key,
      width: c.kind === 'text' ? 30 : 16,
      style:
        c.kind === 'money'
          ? { numFmt: '#,##0.00' }
          : c.kind === 'date'
            ? { numFmt: 'yyyy-mm-dd' }
            : {},
    }));
  }

  const { db } = await engine();
  const conn = await db.connect();
  let done = 0;
  try {
    const stmt = await conn.prepare(q.sql);
    try {
      const reader = await stmt.send(...q.params);
      for await (const batch of reader) {
        aborted(signal);
        const rows: ExportRow[] = batch
          .toArray()
          .map((r: { toJSON(): unknown }) => r.toJSON() as ExportRow);
        if (req.format === 'csv') parts.push(new Blob([csvRows(cols, rows)]));
        else if (sheet)
          for (const r of rows) sheet.addRow(cols.map((c) => xlsxCell(c, r[c.key] ?? null)));
        else {
          const sep = req.format === 'json' ? ',\n' : '\n';
          const text = rows.map((r) => jsonRow(cols, r)).join(sep);
          const lead = req.format === 'json' && done > 0 ? sep : '';
          parts.push(new Blob([lead + text + (req.format === 'ndjson' ? '\n' : '')]));
        }
        done += rows.length;
        progress(done);
      }
    } finally {
      await stmt.close();
    }
  } finally {
    await conn.close();
  }
  if (done !== prov.rows) {
    throw new ExportError(`wrote ${done} rows but the count said ${prov.rows}`);
  }
  if (req.format === 'json') parts.push('\n]}\n');
  if (book) {
    const p = book.addWorksheet('provenance');
    p.columns = [
      { header: 'key', key: 'k', width: 20 },
      { header: 'value', key: 'v', width: 120 },
    ];
    for (const [k, v] of provenancePairs(prov)) p.addRow([k, v]);
    parts.push(await book.xlsx.writeBuffer());
  }
  return parts;
}

let parquetSeq = 0;

/** Parquet: DuckDB writes the file (typed columns, ZSTD); the provenance goes in its footer. */
async function parquetParts(q: ExportQuery, prov: Provenance): Promise<BlobPart[]> {
  const { db } = await engine();
  const name = `export-${++parquetSeq}.parquet`;
  await db.registerEmptyFileBuffer(name);
  const conn = await db.connect();
  try {
    const stmt = await conn.prepare(
      `COPY (${q.sql}) TO '${name}' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 100000)`,
    );
    try {
      await stmt.query(...q.params);
    } finally {
      await stmt.close();
    }
    const file = await db.copyFileToBuffer(name);
    return withKeyValueMetadata(
      file as Uint8Array<ArrayBuffer>,
      Object.fromEntries(provenancePairs(prov)),
    );
  } finally {
    await conn.close();
    await db.dropFile(name);
  }
}

/** Hand a finished file to the browser's downloads. */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
