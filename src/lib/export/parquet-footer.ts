/**
 * Key-value metadata for a Parquet file DuckDB wrote. DuckDB-WASM 1.28 (DuckDB 0.9) has no
 * `KV_METADATA` option on COPY, so the footer is decoded and re-encoded with hyparquet's Thrift
 * codec, with `key_value_metadata` (FileMetaData field 5) added. The data pages are untouched.
 * The footer must re-encode byte for byte before anything is added, or the file is refused.
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

/** The file's parts with the metadata added: data as written, then the new footer. */
export function withKeyValueMetadata(
  file: Uint8Array<ArrayBuffer>,
  kv: Record<string, string>,
): Uint8Array<ArrayBuffer>[] {
  const n = file.length;
  const magic = (at: number) => MAGIC.every((b, i) => file[at + i] === b);
  if (n < 12 || !magic(0) || !magic(n - 4)) throw new Error('not a Parquet file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const length = view.getUint32(n - 8, true);
  const start = n - 8 - length;
  if (start < 4) throw new Error('Parquet footer length out of range');
  const footer = file.subarray(start, n - 8);
  const meta = deserializeTCompactProtocol({
    view: new DataView(file.buffer, file.byteOffset + start, length),
    offset: 0,
  }) as Thrift;
  if (!sameBytes(encode(meta), footer)) {
    throw new Error('this Parquet footer does not re-encode exactly; metadata not added');
  }
  // Fields in id order: key_value_metadata (5) goes between row_groups (4) and created_by (6).
  const next: Thrift = {};
  for (const [k, v] of Object.entries(meta)) {
    if (Number(k.slice(6)) > 5 && !('field_5' in next)) next.field_5 = [];
    if (k !== 'field_5') next[k] = v;
  }
  next.field_5 = [
    ...((meta.field_5 as Thrift[] | undefined) ?? []),
    ...Object.entries(kv).map(([key, value]) => ({ field_1: key, field_2: value })),
  ];
  const encoded = encode(next);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, encoded.length, true);
  tail.set(MAGIC, 4);
  return [file.subarray(0, start), encoded, tail];
}
