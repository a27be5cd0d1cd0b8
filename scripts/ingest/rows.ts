/** Rows the ingest's JavaScript readers hand to the store (JSON sources, the second CSV reader). */
import type { RawRow } from '../../src/lib/schema/fields.ts';

export interface JsonRow {
  line: number;
  raw: string;
  fields: RawRow;
  /** The ISO 4217 code of the row's amounts where the source names it (OCDS `value.currency`). */
  currency?: string;
}

/**
 * A record a JavaScript reader could not take, with its line and reason: a CSV record the second
 * reader refused, or an OCDS row whose amounts are in another currency than the dataset's.
 */
export interface CsvReject {
  line: number;
  reason: 'csv_syntax' | 'field_count' | 'line_too_long' | 'other_currency';
  message: string;
  raw: string;
}
