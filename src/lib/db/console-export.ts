/**
 * Exports of the SQL console's result (/sql): CSV, XLSX, Parquet and JSON, each with the same
 * provenance as the explorer's (the query itself, the snapshot, the permalink, source, licence).
 * Text cells are neutralised against spreadsheet formulas, as in every export of the site.
 */
import { BOM, neutralise, XLSX_MAX_ROWS } from '../export/cells';
import { csvLines } from '../export/csv';
import { joinParquet } from '../export/parquet-footer';
import { consoleProvenance, provenancePairs, type ConsoleProvenance } from '../export/provenance';
import type { Manifest } from '../schema/tables';
import { consoleParquet, consoleRows, type Cell, type ConsoleColumn } from './console';
import { manifestSha256 } from './dataset';

export type ConsoleFormat = 'csv' | 'xlsx' | 'parquet' | 'json';
export const CONSOLE_FORMATS: ConsoleFormat[] = ['csv', 'xlsx', 'parquet', 'json'];

const MIME: Record<ConsoleFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
  json: 'application/json',
};

/** Text columns are neutralised; numbers and exact decimals stay as they are. */
const isText = (c: ConsoleColumn) => c.type === 'Utf8' || c.type === 'LargeUtf8';

function provenanceOf(
  a: { m: Manifest; sql: string; href: string },
  rows: number,
  columns: ConsoleColumn[],
): ConsoleProvenance {
  return consoleProvenance({
    href: a.href,
    sql: a.sql,
    manifest: a.m,
    manifestSha256: manifestSha256(a.m),
    rows,
    columns,
    now: new Date(),
  });
}

export class ConsoleExportError extends Error {}

/** The whole result as a file, with its provenance and a name that says what it is. */
export async function consoleExport(a: {
  m: Manifest;
  sql: string;
  href: string;
  format: ConsoleFormat;
}): Promise<{ blob: Blob; name: string; provenance: ConsoleProvenance }> {
  let columns: ConsoleColumn[] = [];
  const parts: BlobPart[] = [];
  const all: Cell[][] = [];
  let rows = 0;
  if (a.format === 'parquet') {
    // Written once; the count and columns come with it (the footer carries the provenance).
    const file = await consoleParquet(a.m, a.sql);
    const prov = provenanceOf(a, file.rows, file.columns);
    parts.push(...joinParquet([file.bytes], Object.fromEntries(provenancePairs(prov))));
    return {
      blob: new Blob(parts, { type: MIME.parquet }),
      name: nameOf(prov, 'parquet'),
      provenance: prov,
    };
  }
  for await (const b of consoleRows(a.m, a.sql)) {
    if (!columns.length) {
      columns = b.columns;
      if (a.format === 'csv') parts.push(BOM + csvLines([columns.map((c) => neutralise(c.name))]));
    }
    rows += b.rows.length;
    if (a.format === 'csv') {
      const text = b.rows.map((r) =>
        r.map((v, j) =>
          typeof v === 'boolean'
            ? String(v)
            : typeof v === 'string' && isText(columns[j]!)
              ? neutralise(v)
              : v,
        ),
      );
      parts.push(new Blob([csvLines(text as (string | number | null)[][])]));
    } else {
      if (a.format === 'xlsx' && rows > XLSX_MAX_ROWS) {
        throw new ConsoleExportError(
          `${rows}+ rows: more than an XLSX export holds (${XLSX_MAX_ROWS})`,
        );
      }
      all.push(...b.rows);
    }
  }
  const prov = provenanceOf(a, rows, columns);
  if (a.format === 'json') {
    const objects = all.map((r) => Object.fromEntries(columns.map((c, j) => [c.name, r[j]])));
    parts.push(JSON.stringify({ provenance: prov, rows: objects }));
  } else if (a.format === 'xlsx') {
    const ExcelJS = (await import('exceljs')).default;
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('data', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(columns.map((c) => c.name));
    for (const r of all) {
      sheet.addRow(
        r.map((v, j) => (typeof v === 'string' && isText(columns[j]!) ? neutralise(v) : v)),
      );
    }
    const p = book.addWorksheet('provenance');
    for (const [k, v] of provenancePairs(prov)) p.addRow([k, v]);
    parts.push(await book.xlsx.writeBuffer());
  }
  return {
    blob: new Blob(parts, { type: MIME[a.format] }),
    name: nameOf(prov, a.format),
    provenance: prov,
  };
}

/** `phasi-pai-nai_sql_<snapshot>_<yyyymmddThhmm>.<ext>` */
function nameOf(p: ConsoleProvenance, ext: string): string {
  const stamp = p.exported_at.slice(0, 16).replace(/[-:]/g, '');
  return `phasi-pai-nai_sql_${p.snapshot_id.slice(0, 12)}_${stamp}.${ext}`;
}
