import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readFileSync, writeFileSync } from 'node:fs';

/** All records of a CSV file (header first), parsed independently of the ingest's reader. */
export function readRecords(file: string): string[][] {
  return parse(readFileSync(file), { bom: true, relax_column_count: true }) as string[][];
}

/** Write records (header first) as a UTF-8 CSV with a BOM, as the portal's files come. */
export function writeRecords(file: string, records: string[][]): void {
  writeFileSync(file, '\uFEFF' + stringify(records));
}
