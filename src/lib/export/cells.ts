/**
 * Export values, format by format. Pure (no DOM, no DuckDB): rows arrive as the export SQL's
 * text projection (money and dates as exact text) and leave as CSV text, JSON text or XLSX cell
 * values. Text that a spreadsheet would run as a formula is neutralised in CSV and XLSX. CSV text
 * itself is written in `csv.ts`, apart: its library is fetched only when a file is made.
 */
import type { ExportColumn } from '../query/export';

export type Cell = string | number | null;
export type ExportRow = Record<string, Cell>;

/**
 * A cell starting with `=`, `+`, `-`, `@`, tab or CR can run as a formula in Excel, LibreOffice
 * and Sheets (OWASP "CSV injection"): prefix it with an apostrophe so it stays text.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** UTF-8 byte order mark: Excel reads the file as UTF-8 (Thai intact) only with it. */
export const BOM = '\uFEFF';

/** A JSON value: money stays the exact decimal (a JSON number written from its text). */
function jsonCell(c: ExportColumn, v: Cell): string {
  if (v === null) return 'null';
  if (c.kind === 'money' && /^-?\d+(\.\d+)?$/.test(String(v))) return String(v);
  if (c.kind === 'int') return String(Number(v));
  return JSON.stringify(String(v));
}

export function jsonRow(columns: readonly ExportColumn[], r: ExportRow): string {
  return `{${columns.map((c) => `${JSON.stringify(c.key)}:${jsonCell(c, r[c.key] ?? null)}`).join(',')}}`;
}

/** An XLSX cell value: numbers as numbers, dates as dates, ids and text as (neutralised) text. */
export function xlsxCell(c: ExportColumn, v: Cell): string | number | Date | null {
  if (v === null) return null;
  switch (c.kind) {
    case 'money':
    case 'int':
      return Number(v);
    case 'date':
      return new Date(`${String(v)}T00:00:00Z`);
    default:
      return neutralise(String(v));
  }
}

/**
 * Rows an XLSX export may have. Excel's own limit is 1,048,575 data rows, but ExcelJS builds the
 * whole workbook in the page's memory (its streaming writer is Node-only): ~20 KB of JS heap per
 * 28-column row (299 MB for 15,337 rows, npm run bench:export), so 50,000 rows is about 1 GB.
 * CSV, Parquet and JSON have no limit.
 */
export const XLSX_MAX_ROWS = 50_000;

/** Bytes per row of each format, measured at contract grain (npm run bench:export, 6M rows). */
const BYTES_PER_ROW = { csv: 850, xlsx: 130, parquet: 45, json: 1270, ndjson: 1265 } as const;
export type Format = keyof typeof BYTES_PER_ROW;
export const FORMATS = Object.keys(BYTES_PER_ROW) as Format[];

export function estimateBytes(format: Format, rows: number): number {
  return BYTES_PER_ROW[format] * rows;
}
