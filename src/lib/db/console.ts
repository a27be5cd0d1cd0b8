/**
 * The SQL console's engine side (/sql): a reader's own query over the current snapshot's tables,
 * each a view of its Parquet files under the name docs/data-schema.md gives it. Only what the
 * guard (query/sql-guard.ts) lets through runs, over views of the dataset's tables it names:
 * nothing else is read, no other origin is contacted.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { checkReadOnly, namedTables, type Refusal } from '../query/sql-guard';
import { TABLES, tableFiles, type Manifest, type TableName } from '../schema/tables';
import { engine, engineStopped, stopEngine } from './engine';
import { ensureFile } from './index';

/** A query the console does not run: why, on what, and where in the SQL (an offset). */
export class ConsoleRefusal extends Error {
  constructor(
    readonly reason: Refusal,
    readonly detail: string,
    readonly at: number,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** What the console reads of Arrow's batches (apache-arrow 13 ships no types the site resolves). */
interface Field {
  name: string;
  type: { toString(): string; scale?: number };
}
interface RecordBatch {
  numRows: number;
  schema: { fields: Field[] };
  getChild(name: string): { get(i: number): unknown } | null;
}

/** The query was cancelled by the reader. */
export class ConsoleCancelled extends Error {}

export interface ConsoleColumn {
  name: string;
  type: string;
}
/** A cell as the page shows and exports it: exact decimals and dates as text. */
export type Cell = string | number | boolean | null;

let conn: Promise<AsyncDuckDBConnection> | null = null;
/** `snapshot/table` → its view, created once on the console's connection. */
const views = new Map<string, Promise<void>>();
let cancelled = false;
/** The query running now: `done` settles when it ends, however it ends (or is stopped). */
let active: { done: Promise<void>; settle: () => void } | null = null;
engineStopped.add(() => {
  conn = null;
  views.clear();
});
/** How long a cancelled query may take to stop before the engine is stopped under it. */
const STOP_GRACE_MS = 1000;

/** One query at a time on the console's connection: wait for the last to end, then hold it. */
async function acquire(): Promise<{ done: Promise<void>; settle: () => void }> {
  while (active) await active.done;
  let resolve = () => {};
  const done = new Promise<void>((r) => (resolve = r));
  const mine = {
    done,
    settle: () => {
      if (active === mine) active = null;
      resolve();
    },
  };
  active = mine;
  return mine;
}

/** The console's own connection: its views are temporary, private to it. */
function connection(): Promise<AsyncDuckDBConnection> {
  conn ??= engine().then((e) => e.db.connect());
  return conn;
}

/** The tables the console offers, as the schema names them. */
export const CONSOLE_TABLES = Object.keys(TABLES) as TableName[];

/** Check the SQL and give each dataset table it names a view of its files. */
async function prepare(m: Manifest, sql: string): Promise<string> {
  const checked = checkReadOnly(sql);
  if (!checked.ok) throw new ConsoleRefusal(checked.reason, checked.detail, checked.at);
  const c = await connection();
  for (const table of namedTables(checked.sql, CONSOLE_TABLES)) {
    const files = tableFiles(m, table);
    if (!files.length) continue; // (a table this snapshot has no file of: DuckDB says it is unknown)
    const key = `${m.snapshot_id}/${table}`;
    let view = views.get(key);
    if (!view) {
      view = (async () => {
        await Promise.all(files.map(ensureFile));
        // Manifest paths are checked safe (dataset.ts): no quote can end the literal.
        const list = files.map((f) => `'${f.path}'`).join(', ');
        await c.query(
          `CREATE OR REPLACE TEMP VIEW ${table} AS SELECT * FROM read_parquet([${list}])`,
        );
      })();
      view.catch(() => views.delete(key));
      views.set(key, view);
    }
    await view;
  }
  return checked.sql;
}

/** The reader's query, batch by batch, until it ends or is cancelled. */
async function* batches(
  m: Manifest,
  sql: string,
): AsyncGenerator<{ batch: RecordBatch; fields: Field[] }> {
  const mine = await acquire();
  try {
    cancelled = false;
    const text = await prepare(m, sql);
    const c = await connection();
    const reader = await c.send(text);
    for await (const batch of reader as AsyncIterable<RecordBatch>) {
      if (cancelled) throw new ConsoleCancelled('cancelled');
      yield { batch, fields: batch.schema.fields };
    }
    if (cancelled) throw new ConsoleCancelled('cancelled');
  } finally {
    mine.settle();
  }
}

/**
 * Stop the query that runs now. DuckDB is asked first; a query still running a moment later
 * (DuckDB-WASM 1.28 often finishes the statement it polls before it hears the request) is stopped
 * with the engine itself, which the next query starts again.
 */
export async function cancelConsole(): Promise<void> {
  const running = active;
  if (!running) return;
  cancelled = true;
  if (conn) await (await conn).cancelSent().catch(() => false);
  const stopped = await Promise.race([
    running.done.then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS)),
  ]);
  if (!stopped) {
    await stopEngine();
    running.settle();
  }
}

/** A 128-bit decimal's words (Arrow's little-endian Uint32 quad) as exact text. */
function decimalText(words: Uint32Array, scale: number): string {
  let v = 0n;
  for (let i = words.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[i]!);
  if (v >= 1n << 127n) v -= 1n << 128n;
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

/** One value as the console shows it; `type` is Arrow's type name for the column. */
export function cellOf(v: unknown, field: Field): Cell {
  if (v === null || v === undefined) return null;
  const name = String(field.type);
  if (name.startsWith('Decimal') && v instanceof Uint32Array) {
    return decimalText(v, field.type.scale ?? 0);
  }
  if (name.startsWith('Date')) return new Date(Number(v)).toISOString().slice(0, 10);
  if (name.startsWith('Timestamp')) return new Date(Number(v)).toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

function rowsOf(batch: RecordBatch, fields: Field[], from: number, to: number): Cell[][] {
  const out: Cell[][] = [];
  const cols = fields.map((f) => batch.getChild(f.name)!);
  for (let i = from; i < to; i++) out.push(cols.map((col, j) => cellOf(col.get(i), fields[j]!)));
  return out;
}

export interface ConsolePage {
  columns: ConsoleColumn[];
  /** The rows of the page asked for. */
  rows: Cell[][];
  /** Rows of the whole result. */
  total: number;
}

/** Rows [offset, offset + size) of the reader's query, and how many it has in all. */
export async function consolePage(
  m: Manifest,
  sql: string,
  offset: number,
  size: number,
): Promise<ConsolePage> {
  let columns: ConsoleColumn[] = [];
  const rows: Cell[][] = [];
  let seen = 0;
  for await (const { batch, fields } of batches(m, sql)) {
    if (!columns.length) columns = fields.map((f) => ({ name: f.name, type: String(f.type) }));
    const [from, to] = [Math.max(offset - seen, 0), Math.min(offset + size - seen, batch.numRows)];
    if (from < to) rows.push(...rowsOf(batch, fields, from, to));
    seen += batch.numRows;
  }
  return { columns, rows, total: seen };
}

/** Every row of the reader's query, batch by batch (for the exports). */
export async function* consoleRows(
  m: Manifest,
  sql: string,
): AsyncGenerator<{ columns: ConsoleColumn[]; rows: Cell[][] }> {
  for await (const { batch, fields } of batches(m, sql)) {
    yield {
      columns: fields.map((f) => ({ name: f.name, type: String(f.type) })),
      rows: rowsOf(batch, fields, 0, batch.numRows),
    };
  }
}

/**
 * The reader's query written by DuckDB as Parquet (zstd), after the same checks, with the rows
 * COPY wrote and the file's columns (as the other exports name them): one run of the query.
 */
export async function consoleParquet(
  m: Manifest,
  sql: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; rows: number; columns: ConsoleColumn[] }> {
  const mine = await acquire();
  try {
    cancelled = false;
    const text = await prepare(m, sql);
    const { db } = await engine();
    const c = await connection();
    const name = `console_${Date.now()}.parquet`;
    await db.registerEmptyFileBuffer(name);
    try {
      // The query on lines of its own: a trailing comment in it cannot reach the COPY's end.
      const copied = await c.query(
        `COPY (\n${text}\n) TO '${name}' (FORMAT PARQUET, COMPRESSION ZSTD)`,
      );
      const [count] = copied.toArray() as { toJSON(): { Count: number } }[];
      const head = await c.query(`SELECT * FROM read_parquet('${name}') LIMIT 0`);
      const fields = (head as unknown as { schema: { fields: Field[] } }).schema.fields;
      return {
        bytes: (await db.copyFileToBuffer(name)) as Uint8Array<ArrayBuffer>,
        rows: Number(count?.toJSON().Count ?? 0),
        columns: fields.map((f) => ({ name: f.name, type: String(f.type) })),
      };
    } finally {
      await db.dropFile(name);
    }
  } finally {
    mine.settle();
  }
}
