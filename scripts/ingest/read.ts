/** The one thing the ingest reads from a CSV in JavaScript: its header row. */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';

/** The first record of a CSV (its header), BOM removed. Null for an empty file. */
export async function readHeader(file: string): Promise<string[] | null> {
  const parser = createReadStream(file).pipe(parse({ bom: true, to: 1, relax_column_count: true }));
  for await (const record of parser as AsyncIterable<string[]>) return record;
  return null;
}
