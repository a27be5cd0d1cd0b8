/**
 * Hits tables: a search's or a flag's matching projects kept as a temporary table in the page's
 * database (project_seq, rank), named from their inputs, shared by search, flags and the WHERE
 * clause that filters by them.
 */

/** What the filters need to know of a search's hits. */
export interface SearchHits {
  /** The hits table (project_seq, rank). */
  table: string;
  rows: number;
  /** Fiscal years of the hits (the facts' files to open) and their `project_seq` range. */
  years: number[];
  seqMin: number | null;
  seqMax: number | null;
  /** Only the hits of this rank (a search's page takes each rank in turn: search-page.ts). */
  rank?: number;
}

/**
 * Names of the tables a search or a flag makes (src/lib/query/flags.ts): from a hash, never from
 * user text.
 */
export const HITS_TABLE = /^(search_(hits|match)|flag_(hits|base|view)|seen_hits)_[0-9a-f]{16}$/;

export function hitsTable(t: string): string {
  if (!HITS_TABLE.test(t)) throw new Error(`not a search table name: ${t}`);
  return t;
}

/** A stable table name for one search or flag (FNV-1a 64 of its inputs). */
export function hitsTableName(
  parts: readonly (string | number)[],
  prefix: 'search_hits' | 'flag_hits' | 'flag_base' | 'flag_view' | 'seen_hits' = 'search_hits',
): string {
  let h = 0xcbf29ce484222325n;
  for (const c of new TextEncoder().encode(parts.join('\u0000'))) {
    h ^= BigInt(c);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `${prefix}_${h.toString(16).padStart(16, '0')}`;
}
