/** Rows the ingest's JavaScript readers hand to the store (JSON sources, the second CSV reader). */
import type { RawRow } from '../../src/lib/schema/fields.ts';

export interface JsonRow {
  line: number;
  raw: string;
  fields: RawRow;
}

/** A record the second CSV reader could not take, with its line and reason. */
export interface CsvReject {
  line: number;
  reason: 'csv_syntax' | 'field_count' | 'line_too_long';
  message: string;
  raw: string;
}
