/**
 * CSV text (CRLF, quoted where needed, text neutralised against spreadsheet formulas). Apart from
 * `cells.ts` so that its library (csv-stringify, with the Buffer shim it brings: ~10 KB gzipped)
 * is fetched when a CSV is made, not before a page's first numbers.
 */
import { stringify } from 'csv-stringify/browser/esm/sync';
import { neutralise, type Cell, type ExportRow } from './cells';
import type { ExportColumn } from '../query/export';

function csvCell(c: ExportColumn, v: Cell): string {
  if (v === null) return '';
  return c.kind === 'id' || c.kind === 'text' ? neutralise(String(v)) : String(v);
}

/** CSV lines (CRLF, quoted where needed) for a header or a batch of rows. */
export function csvLines(rows: readonly Cell[][]): string {
  return stringify(rows as Cell[][], { record_delimiter: 'windows', cast: { number: String } });
}

export function csvRows(columns: readonly ExportColumn[], rows: readonly ExportRow[]): string {
  return csvLines(rows.map((r) => columns.map((c) => csvCell(c, r[c.key] ?? null))));
}
