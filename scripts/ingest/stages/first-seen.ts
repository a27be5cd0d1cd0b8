/**
 * Stage: when each project first appeared (#23). A project the previous published snapshot of the
 * same output folder held keeps its date and snapshot; a new one gets this snapshot's. The table is
 * written after the snapshot id is known and is not part of it: the id says what the inputs give,
 * the first-seen table what this folder's history adds (two folders fed the same files in another
 * order give the same id with other dates).
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import {
  FIRST_SEEN_ADDED_FILE,
  rowGroupRows,
  tableFiles,
  type Manifest,
  type Summary,
} from '../../../src/lib/schema/tables.ts';
import { InputError } from '../errors.ts';
import { sqlString } from '../rules.ts';
import type { StageDb, WrittenFile } from './db.ts';

/** The published snapshot a new one is compared with: its manifest and the folder it is in. */
export interface Previous {
  manifest: Manifest;
  out: string;
}

/** The date a snapshot built at `builtAt` records, in Thailand's time (UTC+7, no daylight saving). */
export function seenDate(builtAt: string): string {
  return new Date(Date.parse(builtAt) + 7 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The previous snapshot's files its projects' first-seen dates come from: its own first-seen
 * table, or, for a snapshot of a schema before it (15 and older), its projects. Each must be
 * there; the ingest asks before it reads any input (a national run learns it at once, not an
 * hour later at this stage).
 */
export function previousFiles(p: Previous): { files: string[]; own: boolean } {
  const own = tableFiles(p.manifest, 'first_seen');
  const rels = (own.length ? own : tableFiles(p.manifest, 'projects')).map((f) => f.path);
  const files = rels.map((rel) => {
    const f = path.join(p.out, rel);
    if (!existsSync(f))
      throw new InputError(
        `the published snapshot ${p.manifest.snapshot_id} lacks ${rel}, so when its projects first appeared cannot be carried over; restore it, or publish into a new folder`,
      );
    return f;
  });
  return { files, own: own.length > 0 };
}

/**
 * The previous snapshot's (project_id, first_seen, first_snapshot) as SQL: its first-seen table,
 * or every project of an older snapshot as first seen on that snapshot's date.
 */
function previousSql(p: Previous): string {
  const { files, own } = previousFiles(p);
  const list = `[${files.map(sqlString).join(', ')}]`;
  if (own) return `SELECT project_id, first_seen, first_snapshot FROM read_parquet(${list})`;
  return `SELECT DISTINCT project_id, DATE ${sqlString(seenDate(p.manifest.built_at))} AS first_seen,
      ${sqlString(p.manifest.snapshot_id)} AS first_snapshot
    FROM read_parquet(${list})`;
}

/**
 * The projects first seen before this snapshot, ordered by when they first appeared (a filter on
 * a date reads the last row groups only), in the table's small row groups.
 */
export const FIRST_SEEN_FILE = 'first_seen.parquet';

/**
 * Rows per row group of `FIRST_SEEN_ADDED_FILE`: up to a million, one group for an update (a
 * month of e-GP's projects is about 100k). Its rows share one date and snapshot, so smaller groups
 * prune nothing, and the latest update's view reads the file in as few requests as it can. In one
 * file with the others, in 16k-row groups (schema 16–38), it read the footer of every group and
 * then a block of each of the snapshot's groups, one request after another (40 requests, 658 KB
 * at 6M rows; 10 and 80 KB in 131,072-row groups, 6 and 26 KB in one).
 */
const ADDED_ROW_GROUP = 1_048_576;

/** One of the two first-seen files: its rows (the projects this snapshot added, or the others). */
interface Part {
  rel: string;
  ours: boolean;
  group: number;
  rows: number;
  lo: string | null;
  hi: string | null;
}

/** The two files' rows and date ranges, from the work table `first_seen` (one query). */
async function partsOf(db: StageDb, id: string): Promise<[Part, Part]> {
  const r = await db.rows(`SELECT first_snapshot = ${sqlString(id)} AS ours,
      count(*)::INTEGER AS n, min(first_seen)::VARCHAR AS lo, max(first_seen)::VARCHAR AS hi
    FROM first_seen GROUP BY ALL`);
  const part = (rel: string, ours: boolean, group: number): Part => {
    const x = r.find((y) => Boolean(y.ours) === ours);
    return { rel, ours, group, rows: Number(x?.n ?? 0), lo: str(x?.lo), hi: str(x?.hi) };
  };
  return [
    part(FIRST_SEEN_FILE, false, rowGroupRows('first_seen')),
    part(FIRST_SEEN_ADDED_FILE, true, ADDED_ROW_GROUP),
  ];
}

const str = (v: unknown) => (v == null ? null : String(v));

/** A first-seen file as the manifest lists it: its rows and the range of its dates. */
const listed = (p: Part): WrittenFile => ({
  path: p.rel,
  table: 'first_seen',
  fiscal_year: null,
  rows: p.rows,
  key_min: p.lo,
  key_max: p.hi,
});

/**
 * Write the `first_seen` table into `dir`: one row per project of this snapshot, in two files
 * (`FIRST_SEEN_FILE`, `FIRST_SEEN_ADDED_FILE`; a part with no rows is left out, unless both have
 * none). A snapshot already published in the folder (the same content again) keeps its own
 * files, as publishing keeps its folder. Returns the files, the date it records for this
 * snapshot, how many projects this snapshot added, and whether it is the first of its folder
 * (`initial`: it added every project, which the feeds leave out).
 * Leaves the table `first_seen` in the work database for the feeds.
 */
export async function writeFirstSeen(
  db: StageDb,
  dir: string,
  id: string,
  builtAt: string,
  previous: Previous | null,
  out: string,
): Promise<{ files: WrittenFile[]; date: string; added: number; initial: boolean }> {
  db.stage('first seen');
  const kept = [FIRST_SEEN_FILE, FIRST_SEEN_ADDED_FILE].filter((rel) =>
    existsSync(path.join(out, `s-${id}`, rel)),
  );
  if (kept.length) {
    for (const rel of kept) await copyFile(path.join(out, `s-${id}`, rel), path.join(dir, rel));
    const files = kept.map((rel) => sqlString(path.join(dir, rel)));
    await db.run(
      `CREATE OR REPLACE TABLE first_seen AS SELECT * FROM read_parquet([${files.join(', ')}])`,
    );
    const parts = await partsOf(db, id);
    // Whether it began the folder's history, as the manifest listed it when it was published.
    const was = previous?.manifest.snapshots?.find((s) => s.id === id);
    return {
      files: parts.filter((p) => kept.includes(p.rel)).map(listed),
      date: parts[1].hi ?? seenDate(builtAt),
      added: parts[1].rows,
      initial: Boolean(
        was?.initial ??
        (previous?.manifest.snapshot_id === id && previous.manifest.first_seen?.initial),
      ),
    };
  }
  const date = seenDate(builtAt);
  const prev = previous
    ? previousSql(previous)
    : `SELECT NULL::VARCHAR AS project_id, NULL::DATE AS first_seen, NULL::VARCHAR AS first_snapshot WHERE FALSE`;
  await db.run(`CREATE OR REPLACE TABLE first_seen AS
    SELECT p.project_seq,
      coalesce(h.first_seen, DATE ${sqlString(date)}) AS first_seen,
      coalesce(h.first_snapshot, ${sqlString(id)}) AS first_snapshot,
      p.project_id
    FROM projects p LEFT JOIN (${prev}) h USING (project_id)`);
  const [earlier, added] = await partsOf(db, id);
  const nonEmpty = [earlier, added].filter((p) => p.rows > 0);
  const parts = nonEmpty.length ? nonEmpty : [earlier];
  for (const p of parts)
    await db.run(
      `COPY (SELECT * FROM first_seen WHERE (first_snapshot = ${sqlString(id)}) = ${p.ours}
         ORDER BY first_seen, first_snapshot, project_seq)
       TO ${sqlString(path.join(dir, p.rel))}
       (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE ${p.group}, PARQUET_VERSION V2)`,
    );
  return { files: parts.map(listed), date, added: added.rows, initial: previous === null };
}

/** How many agencies and winners /new names. */
export const ADDED_TOP = 10;

/**
 * What the snapshot added, for /new (summary.json `added`): computed from the `first_seen` table
 * writeFirstSeen left, over the projects first seen in snapshot `id`.
 */
export async function added(
  db: StageDb,
  id: string,
  seen: { date: string; initial: boolean },
): Promise<NonNullable<Summary['added']>> {
  const fresh = `(SELECT project_seq FROM first_seen WHERE first_snapshot = ${sqlString(id)})`;
  const [p] = await db.rows(`SELECT count(*)::INTEGER AS projects,
      coalesce(sum(budget), 0)::VARCHAR AS budget FROM projects WHERE project_seq IN ${fresh}`);
  const [c] = await db.rows(`SELECT count(*)::INTEGER AS contracts,
      coalesce(sum(price_agree), 0)::VARCHAR AS agreed FROM contracts WHERE project_seq IN ${fresh}`);
  const agencies = await db.rows(`SELECT a.agency_key, a.dept_name, a.dept_sub_name, a.province,
      count(*)::INTEGER AS projects, coalesce(sum(p.budget), 0)::VARCHAR AS budget
    FROM projects p JOIN agencies a USING (agency_id) WHERE p.project_seq IN ${fresh}
    GROUP BY ALL ORDER BY sum(p.budget) DESC NULLS LAST, a.agency_key LIMIT ${ADDED_TOP}`);
  const vendors = await db.rows(`SELECT v.vendor_key, v.name, count(*)::INTEGER AS contracts,
      coalesce(sum(c.price_agree), 0)::VARCHAR AS agreed
    FROM contracts c JOIN vendors v USING (vendor_id) WHERE c.project_seq IN ${fresh}
    GROUP BY ALL ORDER BY sum(c.price_agree) DESC NULLS LAST, v.vendor_key LIMIT ${ADDED_TOP}`);
  type Added = NonNullable<Summary['added']>;
  return {
    ...seen,
    totals: {
      ...(p as Pick<Added['totals'], 'projects' | 'budget'>),
      ...(c as Pick<Added['totals'], 'contracts' | 'agreed'>),
    },
    agencies: agencies as unknown as Added['agencies'],
    vendors: vendors as unknown as Added['vendors'],
  };
}
