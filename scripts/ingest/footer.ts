/**
 * A written Parquet file's footer without the statistics of `noStatistics` (schema/tables.ts):
 * the file is cut where its footer starts and the smaller footer written after its data pages,
 * which do not move.
 */
import { open } from 'node:fs/promises';
import {
  footerLength,
  footerTail,
  withoutStatistics,
} from '../../src/lib/export/parquet-footer.ts';
import { noStatistics, type TableName } from '../../src/lib/schema/tables.ts';

/** Drop the statistics of the file's `noStatistics` columns, if it has any and can. */
export async function dropStatistics(
  file: string,
  table: TableName,
  columns: readonly string[],
): Promise<void> {
  const drop = noStatistics(table).filter((c) => columns.includes(c));
  if (!drop.length) return;
  const f = await open(file, 'r+');
  try {
    const { size } = await f.stat();
    const tail = Buffer.alloc(8);
    await f.read(tail, 0, 8, size - 8);
    const length = footerLength(tail);
    if (length === null) throw new Error(`${file}: not a Parquet file`);
    const start = size - 8 - length;
    const footer = Buffer.alloc(length);
    await f.read(footer, 0, length, start);
    let smaller: Uint8Array;
    try {
      smaller = withoutStatistics(footer, drop);
    } catch {
      // A footer the codec cannot re-encode exactly (a DuckDB other than the one the tests pin)
      // stays as DuckDB wrote it: larger, not wrong (ingest.test.ts checks the pinned one).
      return;
    }
    await f.truncate(start);
    await f.write(
      Buffer.concat([smaller, footerTail(smaller.length)]),
      0,
      smaller.length + 8,
      start,
    );
  } finally {
    await f.close();
  }
}
