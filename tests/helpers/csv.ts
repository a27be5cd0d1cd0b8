import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

/** All records of a CSV file (header first), parsed independently of the ingest's reader. */
export function readRecords(file: string): string[][] {
  return parse(readFileSync(file), { bom: true, relax_column_count: true }) as string[][];
}
