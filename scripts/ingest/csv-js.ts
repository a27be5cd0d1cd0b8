/**
 * The ingest's second CSV reader, for a file DuckDB's reader refuses as a whole: a bare CR inside
 * a quoted field (valid RFC 4180; DuckDB 1.5 stops with "state machine reached an invalid
 * state"), or a record over DuckDB's 2 MB line limit cut mid-character ("Invalid unicode …").
 * Record by record with csv-parse: each record is mapped by the same layout, or rejected with its
 * line and reason, so the file's other rows are kept. Slower, so only used when DuckDB fails.
 */
import { parse, type CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { LAYOUT_28, type CanonicalField } from '../../src/lib/schema/fields.ts';
import type { HeaderLayout } from './layout.ts';
import type { CsvReject, JsonRow } from './rows.ts';

/** DuckDB's line limit, kept here: a longer record is rejected, never cut. */
export const MAX_RECORD_BYTES = 2_000_000;

/** Errors of DuckDB's CSV reader that mean "this file, not this row". */
export function isCsvReaderFailure(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /CSV Parser state machine|CSV Error on Line|Invalid unicode|Maximum line size|Invalid Input Error/i.test(
    m,
  );
}

/** Every data record of `file` (header skipped), as a row to clean or a reject. */
export async function* readCsvRecords(
  file: string,
  layout: HeaderLayout,
): AsyncGenerator<{ row: JsonRow } | { reject: CsvReject }> {
  const h = layout.fields.length;
  const skipped: CsvReject[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      relax_column_count: true,
      info: true,
      raw: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (err: CsvError & { lines?: number; raw?: string }) =>
    skipped.push({
      line: err.lines ?? 0,
      reason: 'csv_syntax',
      message: err.message,
      raw: err.raw ?? '',
    }),
  );
  let n = 0;
  for await (const rec of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    while (skipped.length) yield { reject: skipped.shift()! };
    if (n++ === 0) continue; // the header
    const line = n; // lines count records, the header being line 1
    const { record, raw } = rec;
    const bytes = Buffer.byteLength(raw);
    if (bytes > MAX_RECORD_BYTES) {
      yield {
        reject: {
          line,
          reason: 'line_too_long',
          message: `a record of ${bytes.toLocaleString('en')} bytes, over the ${MAX_RECORD_BYTES.toLocaleString('en')} a record may hold`,
          raw: raw.replace(/\r?\n$/, ''),
        },
      };
      continue;
    }
    const fields: readonly (CanonicalField | null)[] | null =
      record.length === h
        ? layout.fields
        : layout.acceptsRaw28 && record.length === 28
          ? LAYOUT_28
          : null;
    if (!fields) {
      yield {
        reject: {
          line,
          reason: 'field_count',
          message: `${record.length} fields where the header has ${h}`,
          raw: raw.replace(/\r?\n$/, ''),
        },
      };
      continue;
    }
    const row: JsonRow = { line, raw: raw.replace(/\r?\n$/, ''), fields: {} };
    fields.forEach((fld, i) => {
      if (fld) row.fields[fld] = record[i]; // '' as DuckDB's reader gives it
    });
    yield { row };
  }
  while (skipped.length) yield { reject: skipped.shift()! };
}
