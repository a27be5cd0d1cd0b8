/**
 * The first-seen filter (#23): projects the viewed snapshot was the first to hold (`seen=latest`)
 * or first seen on or after a date (`seen_since`), as a hits table the WHERE clause joins like a
 * search's. Pure apart from the `ask` it is given (the site and the tests run the same SQL).
 */
import {
  FIRST_SEEN_ADDED_FILE,
  tableFiles,
  type Manifest,
  type ManifestFile,
} from '../schema/tables';
import type { Ask } from './aggregate';
import type { Filters } from './filters';
import { hitsTable, hitsTableName, type SearchHits } from './hits';
import { hitStats } from './search';
import { parquet, sqlNumber, type Param } from './sql';

/** Days since 1970-01-01 of an ISO date (validated by the filter). */
function epochDay(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

/** Whether a snapshot records when its projects first appeared (schema 16 and later). */
export function hasFirstSeen(m: Manifest): boolean {
  return tableFiles(m, 'first_seen').length > 0;
}

/**
 * The first-seen files that can hold the filter's projects. What the snapshot added is a file of
 * its own since schema 39 (`FIRST_SEEN_ADDED_FILE`), which `seen=latest` reads alone (none when
 * it added nothing); a date reads the files whose dates reach it (a file the manifest gives no
 * range, schema 16–38, may hold any).
 */
export function seenFiles(m: Manifest, f: Pick<Filters, 'seen' | 'seenSince'>): ManifestFile[] {
  const all = tableFiles(m, 'first_seen');
  if (f.seen === 'latest') {
    if (m.first_seen?.added === 0) return [];
    const own = all.filter((x) => x.path.endsWith(`/${FIRST_SEEN_ADDED_FILE}`));
    if (own.length) return own;
  }
  const from = f.seenSince;
  return all.filter((x) => !from || x.key_max == null || String(x.key_max) >= from);
}

/** The SQL that selects the filter's projects (`project_seq`) from the first-seen table. */
export function seenSql(
  m: Manifest,
  f: Pick<Filters, 'seen' | 'seenSince'>,
): { sql: string; params: Param[]; files: ManifestFile[] } {
  const files = seenFiles(m, f);
  if (!files.length) return { sql: NO_HITS, params: [], files };
  const params: Param[] = [];
  const arms: string[] = [];
  // The literal date lets DuckDB skip the row groups before it (the file is ordered by date); the
  // bound values decide.
  const since = (iso: string) => `first_seen >= DATE '1970-01-01' + ${sqlNumber(epochDay(iso))}`;
  if (f.seen === 'latest') {
    if (m.first_seen) arms.push(since(m.first_seen.date));
    arms.push('first_snapshot = ?');
    params.push(m.snapshot_id);
  }
  if (f.seenSince) {
    arms.push(since(f.seenSince), 'first_seen >= ?::DATE');
    params.push(f.seenSince);
  }
  return {
    sql: `SELECT project_seq FROM ${parquet(files)} WHERE ${arms.join(' AND ') || 'TRUE'}`,
    params,
    files,
  };
}

const NO_HITS = 'SELECT NULL::INTEGER AS project_seq WHERE FALSE';

/**
 * The filter's projects as a table (made once per snapshot and filter). A snapshot without the
 * first-seen table gives none (the page names the filter as one the data cannot answer).
 */
export async function seenHits(
  ask: Ask,
  m: Manifest,
  f: Pick<Filters, 'seen' | 'seenSince'>,
): Promise<SearchHits> {
  const table = hitsTableName([m.snapshot_id, f.seen ?? '', f.seenSince ?? ''], 'seen_hits');
  const q = hasFirstSeen(m) ? seenSql(m, f) : { sql: NO_HITS, params: [], files: [] };
  await ask(
    { sql: `CREATE TABLE IF NOT EXISTS ${hitsTable(table)} AS ${q.sql}`, params: q.params },
    q.files,
  );
  return { table, ...(await hitStats(ask, m, table)) };
}
