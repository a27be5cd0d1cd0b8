/**
 * Exports in the browser: the export SQL runs in DuckDB-WASM on its own connection and its
 * Arrow batches stream out one at a time. Each batch becomes a Blob part at once, so the tab holds
 * one batch of text, not the file (Chromium keeps large Blobs outside the page's heap). Parquet is
 * written by DuckDB itself (COPY) and gets the provenance in its footer; XLSX goes through ExcelJS.
 */
import type { Era } from '../format/number';
import type { Lang } from '../i18n';
import { loadLabels, translator } from '../i18n';
import {
  BOM,
  jsonRow,
  xlsxCell,
  XLSX_MAX_ROWS,
  type ExportRow,
  type Format,
} from '../export/cells';
import { csvLines, csvRows } from '../export/csv';
import { ExportError, xlsxTooLarge } from '../export/download';
import { joinParquet } from '../export/parquet-footer';
import { fileName, provenance, provenancePairs, type Provenance } from '../export/provenance';
import {
  exportSql,
  orderTable,
  sliceTable,
  SortKeysBuilder,
  tableOrder,
  type ExportQuery,
  type Grain,
} from '../query/export';
import type { Filters, Sort } from '../query/filters';
import type { Resolved } from '../query/plan';
import type { Manifest } from '../schema/tables';
import { manifestSha256 } from './dataset';
import { engine, runPrepared } from './engine';
import { ensureFile } from './index';

export interface ExportRequest {
  m: Manifest;
  filters: Filters;
  r: Resolved;
  grain: Grain;
  format: Format;
  lang: Lang;
  /** The page's URL (the permalink is made from it). */
  href: string;
  /** Years in the Common era too (`era=ce`): a `fiscal_year_ce` column. */
  era?: Era;
}

export interface ExportResult {
  blob: Blob;
  name: string;
  rows: number;
  provenance: Provenance;
}

type Conn = Awaited<ReturnType<Awaited<ReturnType<typeof engine>>['db']['connect']>>;

async function count(conn: Conn, sql: string, params: readonly unknown[]): Promise<number> {
  const [row] = await runPrepared<{ n: number }>(conn, sql, params);
  return Number(row!.n);
}

const MIME: Record<Format, string> = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

/** Rows joined and written per slice: bounds the engine's memory (a slice is ~40 MB wide). */
export const SLICE_ROWS = 50_000;

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException('export cancelled', 'AbortError');
}

let scratch = 0;

/** Run the export and return the file; `progress` gets the rows written so far. */
export async function runExport(
  req: ExportRequest,
  progress: (rows: number) => void,
  signal: AbortSignal,
): Promise<ExportResult> {
  const t = translator(req.lang);
  const q = exportSql(req.m, req.r, req.filters.sort, req.grain, req.era);
  if (!q) throw new ExportError(t('export.empty'));
  // The provenance describes the view in both languages.
  await Promise.all([...q.files.map(ensureFile), loadLabels('en')]);
  aborted(signal);
  const { db } = await engine();
  // Its own connection: the scratch table is private to it, and the explorer's queries go on.
  const conn = await db.connect();
  const table = `export_keys_${++scratch}`;
  try {
    const keys = await conn.prepare(q.keysSql(table));
    try {
      await keys.query(...q.params);
    } finally {
      await keys.close();
    }
    const rows = await count(conn, q.countSql(table), []);
    aborted(signal);
    await storeOrder(conn, q, table, rows, req.filters.sort, req.grain);
    if (req.format === 'xlsx' && rows > XLSX_MAX_ROWS) {
      throw new ExportError(xlsxTooLarge(req.lang, rows));
    }
    const prov = provenance({
      href: req.href,
      filters: req.filters,
      manifest: req.m,
      manifestSha256: manifestSha256(req.m),
      grain: req.grain,
      rows,
      columns: q.columns,
      sql: q.sql(req.format === 'parquet'),
      params: q.params,
      now: new Date(),
    });
    aborted(signal);
    const slices = Array.from({ length: Math.max(1, Math.ceil(rows / SLICE_ROWS)) }, (_, i) => [
      i * SLICE_ROWS + 1,
      Math.min(rows, (i + 1) * SLICE_ROWS),
    ]) as [number, number][];
    const parts =
      req.format === 'parquet'
        ? await parquetParts(db, conn, q, table, slices, prov, progress, signal)
        : await streamParts(conn, table, slices, q, req, prov, progress, signal);
    aborted(signal);
    return {
      blob: new Blob(parts, { type: MIME[req.format] }),
      name: fileName(prov, req.format),
      rows,
      provenance: prov,
    };
  } finally {
    for (const t of [table, orderTable(table), sliceTable(table)]) {
      await conn.query(`DROP TABLE IF EXISTS ${t}`).catch(() => {});
    }
    await conn.close();
  }
}

/** The table's order, computed in JS from the key table's sort columns, stored for the slices. */
async function storeOrder(
  conn: Conn,
  q: ExportQuery,
  table: string,
  rows: number,
  sort: Sort,
  grain: Grain,
): Promise<void> {
  const keys = new SortKeysBuilder(grain, rows, q.ranked);
  for await (const batch of await conn.send(q.sortKeysSql(table))) {
    keys.addColumns(batch.numRows, (name) => batch.getChild(name)!);
  }
  const rid = tableOrder(keys.build(), sort);
  const { tableFromArrays } = await import('apache-arrow');
  const pos = Int32Array.from({ length: rid.length }, (_, i) => i + 1);
  await conn.insertArrowTable(tableFromArrays({ pos, rid: Int32Array.from(rid) }), {
    name: orderTable(table),
    create: true,
  });
}

/** CSV, JSON, NDJSON and XLSX: each slice read batch by batch. */
async function streamParts(
  conn: Conn,
  table: string,
  slices: [number, number][],
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

  let done = 0;
  const keep = await conn.prepare(q.sliceKeysSql(table));
  try {
    for (const [from, to] of slices) {
      if (to < from) continue;
      await keep.query(from, to);
      for await (const batch of await conn.send(q.sliceSql(table, false))) {
        aborted(signal);
        const rows: ExportRow[] = batch
          .toArray()
          .map((r: { toJSON(): unknown }) => r.toJSON() as ExportRow);
        if (req.format === 'csv') parts.push(new Blob([csvRows(cols, rows)]));
        else if (sheet) {
          for (const r of rows) sheet.addRow(cols.map((c) => xlsxCell(c, r[c.key] ?? null)));
        } else {
          const sep = req.format === 'json' ? ',\n' : '\n';
          const text = rows.map((r) => jsonRow(cols, r)).join(sep);
          const lead = req.format === 'json' && done > 0 ? sep : '';
          parts.push(new Blob([lead + text + (req.format === 'ndjson' ? '\n' : '')]));
        }
        done += rows.length;
        progress(done);
      }
    }
  } finally {
    await keep.close();
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

/**
 * Parquet: DuckDB writes each slice (typed columns, ZSTD) to its in-memory file system; the
 * slices are joined into one file whose footer carries the provenance.
 */
async function parquetParts(
  db: Awaited<ReturnType<typeof engine>>['db'],
  conn: Conn,
  q: ExportQuery,
  table: string,
  slices: [number, number][],
  prov: Provenance,
  progress: (rows: number) => void,
  signal: AbortSignal,
): Promise<BlobPart[]> {
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  const keep = await conn.prepare(q.sliceKeysSql(table));
  try {
    for (const [from, to] of slices) {
      aborted(signal);
      await keep.query(from, to);
      const name = `export_${++scratch}.parquet`;
      await db.registerEmptyFileBuffer(name);
      try {
        await conn.query(
          `COPY (${q.sliceSql(table, true)}) TO '${name}' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE ${SLICE_ROWS})`,
        );
        pieces.push((await db.copyFileToBuffer(name)) as Uint8Array<ArrayBuffer>);
      } finally {
        await db.dropFile(name);
      }
      progress(Math.max(0, to));
    }
  } finally {
    await keep.close();
  }
  return joinParquet(pieces, Object.fromEntries(provenancePairs(prov)));
}
