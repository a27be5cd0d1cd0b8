/**
 * What a page needs of an export before one runs: handing a file to the browser's downloads, the
 * refusal of too large an XLSX, and the error an export reports as it is. Apart from
 * `db/export.ts`, which a page imports only when an export starts: the export's code (its SQL,
 * the CSV and Parquet writers) is not fetched before a page's first numbers.
 */
import { formatCount } from '../format/number';
import { translator, type Lang } from '../i18n';
import { XLSX_MAX_ROWS } from './cells';

export class ExportError extends Error {}

/** Why an XLSX export of this many rows is refused (see XLSX_MAX_ROWS). */
export function xlsxTooLarge(lang: Lang, rows: number): string {
  return translator(lang)('export.too_many_for_xlsx', {
    max: formatCount(XLSX_MAX_ROWS, lang),
    rows: formatCount(rows, lang),
  });
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
