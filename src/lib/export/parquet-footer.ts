/**
 * Parquet files DuckDB wrote, joined into one with key-value metadata. DuckDB-WASM 1.28 (DuckDB
 * 0.9) has no `KV_METADATA` option on COPY and cannot append to a file, so an export is written
 * in slices and the footers are decoded and re-encoded with hyparquet's Thrift codec: row groups
 * listed together, `key_value_metadata` (FileMetaData field 5) added. The data pages are
 * untouched. Each footer must re-encode byte for byte before anything changes, or it is refused.
 * The ingest uses the same codec to leave out statistics no query needs (`withoutStatistics`).
 */
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js';

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

type Thrift = Record<string, unknown>;

function encode(meta: Thrift): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter();
  serializeTCompactProtocol(w, meta);
  return w.getBytes();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Piece {
  file: Uint8Array<ArrayBuffer>;
  /** Where the footer starts (the data pages are bytes 4 … start). */
  start: number;
  meta: Thrift;
}

/**
 * A footer's bytes (its FileMetaData), decoded; refused unless they re-encode byte for byte
 * (`unchanged`: what the error says was not done).
 */
function decodeFooter(footer: Uint8Array, unchanged: string): Thrift {
  const meta = deserializeTCompactProtocol({
    view: new DataView(footer.buffer, footer.byteOffset, footer.byteLength),
    offset: 0,
  }) as Thrift;
  if (!sameBytes(encode(meta), footer)) {
    throw new Error(`this Parquet footer does not re-encode exactly; ${unchanged}`);
  }
  return meta;
}

/** A file's footer length from its last 8 bytes; null unless they end in "PAR1". */
export function footerLength(tail: Uint8Array): number | null {
  if (tail.length !== 8 || !MAGIC.every((b, i) => tail[4 + i] === b)) return null;
  return new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
}

/** The 8 bytes after a footer of `length` bytes: the length, then "PAR1". */
export function footerTail(length: number): Uint8Array<ArrayBuffer> {
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, length, true);
  tail.set(MAGIC, 4);
  return tail;
}

/** A Parquet file's footer, decoded; refused unless it re-encodes byte for byte. */
function readPiece(file: Uint8Array<ArrayBuffer>): Piece {
  const n = file.length;
  const length = n < 12 ? null : footerLength(file.subarray(n - 8));
  if (length === null || !MAGIC.every((b, i) => file[i] === b))
    throw new Error('not a Parquet file');
  const start = n - 8 - length;
  if (start < 4) throw new Error('Parquet footer length out of range');
  return { file, start, meta: decodeFooter(file.subarray(start, n - 8), 'metadata not added') };
}

/**
 * A footer (FileMetaData's bytes) without the statistics (ColumnMetaData field 12) of the
 * top-level columns named in `columns`, re-encoded; the rest as it was. A text column no query
 * filters by range (a project's name) carried its shortest and longest value twice in every row
 * group: half the footer of a copy of 128 row groups.
 */
export function withoutStatistics(
  footer: Uint8Array,
  columns: readonly string[],
): Uint8Array<ArrayBuffer> {
  const meta = decodeFooter(footer, 'statistics not removed');
  const text = (v: unknown) =>
    typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array);
  const groups = ((meta.field_4 as Thrift[] | undefined) ?? []).map((rg) => ({
    ...rg,
    field_1: (rg.field_1 as Thrift[]).map((cc) => {
      const cm = cc.field_3 as Thrift | undefined;
      const path = (cm?.field_3 as unknown[] | undefined) ?? [];
      if (!cm || path.length !== 1 || !columns.includes(text(path[0]))) return cc;
      const rest = { ...cm };
      delete rest.field_12;
      return { ...cc, field_3: rest };
    }),
  }));
  return encode({ ...meta, field_4: groups });
}

const add = (v: unknown, by: bigint) => (typeof v === 'bigint' ? v + by : v);

/** A row group's offsets moved by `by` bytes (its column chunks now start later in the file). */
function shiftRowGroup(rg: Thrift, by: bigint): Thrift {
  const columns = (rg.field_1 as Thrift[]).map((cc) => {
    const meta = cc.field_3 as Thrift | undefined;
    return {
      ...cc,
      field_2: add(cc.field_2, by), // file_offset
      field_3: meta && {
        ...meta,
        field_9: add(meta.field_9, by), // data_page_offset
        field_10: add(meta.field_10, by), // index_page_offset
        field_11: add(meta.field_11, by), // dictionary_page_offset
        field_14: add(meta.field_14, by), // bloom_filter_offset
      },
      field_4: add(cc.field_4, by), // offset_index_offset
      field_6: add(cc.field_6, by), // column_index_offset
    };
  });
  return { ...rg, field_1: columns, field_5: add(rg.field_5, by) };
}

/** Fields in id order, with `field_<id>` set (Thrift compact needs ascending ids). */
function withField(meta: Thrift, id: number, value: unknown): Thrift {
  const out: Thrift = {};
  for (const [k, v] of Object.entries(meta)) {
    if (Number(k.slice(6)) > id && !(`field_${id}` in out)) out[`field_${id}`] = value;
    out[k] = v;
  }
  out[`field_${id}`] = value;
  return out;
}

/**
 * One Parquet file from files DuckDB wrote with the same schema (the slices of an export, in
 * order), with `kv` as its key-value metadata: the pieces' data pages laid end to end, their row
 * groups listed in one footer with offsets moved. Nothing in the data pages changes.
 */
export function joinParquet(
  files: Uint8Array<ArrayBuffer>[],
  kv: Record<string, string>,
): Uint8Array<ArrayBuffer>[] {
  if (files.length === 0) throw new Error('no Parquet file to join');
  const pieces = files.map(readPiece);
  const schema = encode({ field_1: pieces[0]!.meta.field_2 });
  const parts: Uint8Array<ArrayBuffer>[] = [new Uint8Array(MAGIC)];
  const groups: Thrift[] = [];
  let at = 4n;
  let rows = 0n;
  for (const p of pieces) {
    if (!sameBytes(encode({ field_1: p.meta.field_2 }), schema)) {
      throw new Error('Parquet pieces have different schemas');
    }
    for (const rg of (p.meta.field_4 as Thrift[] | undefined) ?? []) {
      groups.push(shiftRowGroup(rg, at - 4n));
    }
    rows += p.meta.field_3 as bigint;
    parts.push(p.file.subarray(4, p.start));
    at += BigInt(p.start - 4);
  }
  let meta: Thrift = { ...pieces[0]!.meta, field_3: rows, field_4: groups };
  meta = withField(meta, 5, [
    ...((meta.field_5 as Thrift[] | undefined) ?? []),
    ...Object.entries(kv).map(([key, value]) => ({ field_1: key, field_2: value })),
  ]);
  const footer = encode(meta);
  return [...parts, footer, footerTail(footer.length)];
}
