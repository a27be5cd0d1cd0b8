/** Stream the records of one CSV file: header first, then each record with its line and raw text. */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface CsvRecord {
  line: number;
  record: string[];
  raw: string;
}

export interface CsvError {
  line: number;
  message: string;
  raw: string;
}

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

export async function* readCsv(
  file: string,
  onError: (e: CsvError) => void,
): AsyncGenerator<CsvRecord> {
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      raw: true,
    }),
  );
  // csv-parse reports every bad quote of a record separately: keep one error per record (the
  // last, whose raw text is the longest) so that each input row is counted exactly once.
  let pending: CsvError | null = null;
  const flush = () => {
    if (pending) onError(pending);
    pending = null;
  };
  parser.on('skip', (err: Error & { lines?: number; raw?: string }) => {
    const e = { line: err.lines ?? 0, message: err.message, raw: err.raw ?? '' };
    if (pending && pending.line !== e.line) flush();
    pending = e;
  });
  for await (const r of parser as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>) {
    // info.lines is the line the record ends on; raw may span several lines (quoted newlines).
    const span = (r.raw.match(/\n/g) ?? []).length - (r.raw.endsWith('\n') ? 1 : 0);
    flush();
    yield { line: r.info.lines - span, record: r.record, raw: r.raw.replace(/\r?\n$/, '') };
  }
  flush();
}
