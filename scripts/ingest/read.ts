/** What the ingest reads in JavaScript: a CSV's header row and its encoding. */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Thai files from older tools come as TIS-620 / Windows-874. Until transcoding lands (issue #3)
 * a file that is not valid UTF-8 is refused by name rather than read as mojibake.
 */
export async function assertUtf8(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // Cut at the last complete character so a multi-byte sequence split by the window is fine.
    let end = bytesRead;
    while (end > 0 && end > bytesRead - 4 && (buf[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && buf[end - 1]! >= 0xc0) end--;
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
  } catch (e) {
    if (e instanceof TypeError) {
      throw new Error(
        `${file}: not UTF-8 text (TIS-620/Windows-874 files must be converted first)`,
        { cause: e },
      );
    }
    throw e;
  } finally {
    await fh.close();
  }
}

/** The first record of a CSV (its header), BOM removed. Null for an empty file. */
export async function readHeader(file: string): Promise<string[] | null> {
  const parser = createReadStream(file).pipe(parse({ bom: true, to: 1, relax_column_count: true }));
  for await (const record of parser as AsyncIterable<string[]>) return record;
  return null;
}
