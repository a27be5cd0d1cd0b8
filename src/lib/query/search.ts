/**
 * Keyword search over the word index (docs/search.md). Pure apart from the `ask` function it is
 * given, so the site (DuckDB-WASM) and the tests (native DuckDB) run the same SQL.
 *
 * 1. The query's words (normalised and segmented like the index, src/lib/search/text.ts) are
 *    looked up in the vocabulary (`search_terms`, one small file): a word of 3+ characters
 *    matches every indexed word or chunk that contains it, a shorter one only the same word.
 * 2. The postings of those term ids are read from `search_postings`, which is ordered by term id:
 *    each run of nearby ids is its own scan with a literal id range, so DuckDB reads only the
 *    row groups that hold them. A project is a hit when it has a match for every query word.
 * 3. The hits are kept as a table (`search_hits_…`) that the filters join like any other
 *    dimension; `rank` orders whole-word matches (0) before matches inside a word (1) and, with
 *    `qin=all`, before projects found by their agency's or a winner's name (2).
 */
import {
  filesHolding,
  rowGroupRows,
  tableFiles,
  type Manifest,
  type ManifestFile,
} from '../schema/tables';
import {
  SUBSTRING_MIN,
  TERM_CHUNK,
  TERM_HITS_PART,
  TERM_HITS_WHOLE,
  TERM_WORD,
  charLength,
  matchesAll,
} from '../search/text';
import type { Ask } from './aggregate';
import { hitsTable, hitsTableName, type SearchHits } from './hits';
import { dimensionSql } from './lookups';
import { parquet, seqBetween, sqlNumber, type Param, type Sql } from './sql';

export type SearchIn = 'name' | 'all';

/** The table of vocabulary matches kept beside a hits table (word index, term id, whole). */
export function matchTable(hits: string): string {
  return hitsTable(hits.replace(/^search_hits_/, 'search_match_'));
}

/** A VALUES list of bound rows; `types` casts each column (parameters have no type of their own). */
function values(rows: readonly Param[][], types: readonly string[], params: Param[]): string {
  params.push(...rows.flat());
  return rows.map(() => `(${types.map((t) => `?::${t}`).join(', ')})`).join(', ');
}

/**
 * Whether a term (alias `t`: term, kind) is one a query word (alias `w`: word, sub) matches: the
 * same word, or for a word of 3+ characters (`sub`) any word or chunk that contains it. The
 * ingest finds a frequent word's hits by the same rule (scripts/ingest/stages/search-index.ts).
 */
export function termMatchSql(t: string, w: string): string {
  return `((${t}.kind = ${TERM_WORD} AND ${t}.term = ${w}.word)
    OR (${w}.sub AND ${t}.kind <= ${TERM_CHUNK} AND contains(${t}.term, ${w}.word)))`;
}

/**
 * The vocabulary (`source`) with `pend`: where each term's postings end among all postings,
 * which are in term-id order (they start `projects` rows earlier).
 */
export function withPostingEnd(source: string): string {
  return `(SELECT *, sum(projects) OVER (ORDER BY term_id) AS pend FROM ${source})`;
}

/**
 * Vocabulary rows matching each word: (word index, term id, kind, whether the term is the word,
 * where its postings lie). A word whose hits the ingest found already (`TERM_HITS_WHOLE`,
 * `TERM_HITS_PART`) matches those terms only. Kept as a table, not handed back as bound values:
 * a short word can match thousands of terms, and a statement with thousands of parameters
 * crashes DuckDB-WASM 1.28 ("memory access out of bounds").
 */
export function termsSql(files: readonly ManifestFile[], words: readonly string[]): Sql {
  const params: Param[] = [];
  const w = values(
    words.map((x, i) => [i, x, charLength(x) >= SUBSTRING_MIN]),
    ['INTEGER', 'VARCHAR', 'BOOLEAN'],
    params,
  );
  const found = `t.kind IN (${TERM_HITS_WHOLE}, ${TERM_HITS_PART})`;
  return {
    sql: `SELECT i, term_id, kind, whole, pstart, pend FROM (
        SELECT w.i::INTEGER AS i, t.term_id::INTEGER AS term_id, t.kind::INTEGER AS kind,
          ((t.kind = ${TERM_WORD} AND t.term = w.word) OR t.kind = ${TERM_HITS_WHOLE}) AS whole,
          (t.pend - t.projects)::BIGINT AS pstart, t.pend::BIGINT AS pend,
          ${found} AS found, bool_or(${found}) OVER (PARTITION BY w.i) AS word_found
        FROM ${withPostingEnd(parquet(files))} AS t
        JOIN (VALUES ${w}) AS w(i, word, sub)
          ON (${found} AND t.term = w.word) OR ${termMatchSql('t', 'w')})
      WHERE found = word_found
      ORDER BY term_id, i`,
    params,
  };
}

/** A matched term and where its postings lie among all postings (rows, in term-id order). */
export interface TermSpan {
  id: number;
  start: number;
  end: number;
}

/** Rows of postings a scan may read past to avoid another scan: one row group's worth. */
const GAP_ROWS = rowGroupRows('search_postings');

/**
 * Term ids cut into runs, each one scan with a literal id range. Neighbouring terms share a scan
 * only when the postings between them are fewer than a row group (reading them costs less than
 * another scan); at most `max` runs (the runs with the fewest postings between them merged).
 */
export function termRuns(terms: readonly TermSpan[], max = 48): [number, number][] {
  const sorted = [...new Map(terms.map((t) => [t.id, t])).values()].sort((a, b) => a.id - b.id);
  let runs = sorted.map((t) => ({ lo: t.id, hi: t.id, start: t.start, end: t.end }));
  const merge = (i: number) => {
    const [a, b] = [runs[i]!, runs[i + 1]!];
    runs = [
      ...runs.slice(0, i),
      { lo: a.lo, hi: b.hi, start: a.start, end: b.end },
      ...runs.slice(i + 2),
    ];
  };
  for (let i = 0; i < runs.length - 1;) {
    if (runs[i + 1]!.start - runs[i]!.end <= GAP_ROWS) merge(i);
    else i++;
  }
  while (runs.length > max) {
    let best = 0;
    for (let i = 1; i < runs.length - 1; i++) {
      if (runs[i + 1]!.start - runs[i]!.end < runs[best + 1]!.start - runs[best]!.end) best = i;
    }
    merge(best);
  }
  return runs.map((r) => [r.lo, r.hi]);
}

/** One scan of `cols` per run of the terms' ids, each with its literal id range and files. */
function postingScans(
  postings: readonly ManifestFile[],
  terms: readonly TermSpan[],
  cols: string,
): string[] {
  return termRuns(terms).flatMap(([lo, hi]) => {
    const files = postings.filter((f) => Number(f.key_max) >= lo && Number(f.key_min) <= hi);
    if (files.length === 0) return [];
    return [
      `SELECT ${cols} FROM ${parquet(files)}
        WHERE term_id BETWEEN ${sqlNumber(lo)} AND ${sqlNumber(hi)}`,
    ];
  });
}

/**
 * The projects whose names match every word, as a SELECT of (project_seq, rank). `found`: the
 * word's hits are the ingest's (one posting per project), so they need no aggregation.
 */
export function nameHitsSql(
  postings: readonly ManifestFile[],
  match: string,
  terms: readonly TermSpan[],
  words: number,
  found = false,
): string | null {
  const scans = postingScans(postings, terms, 'term_id, project_seq');
  if (scans.length === 0) return null;
  if (words === 1 && found) {
    return `SELECT p.project_seq, CASE WHEN m.whole THEN 0 ELSE 1 END AS rank
      FROM (${scans.join('\n        UNION ALL ')}) AS p
      JOIN ${hitsTable(match)} AS m ON m.term_id = p.term_id`;
  }
  if (words === 1) {
    // One word: no intersection, one aggregation (half the time on a common word).
    return `SELECT p.project_seq, CASE WHEN bool_or(m.whole) THEN 0 ELSE 1 END AS rank
      FROM (${scans.join('\n        UNION ALL ')}) AS p
      JOIN ${hitsTable(match)} AS m ON m.term_id = p.term_id
      GROUP BY p.project_seq`;
  }
  return `SELECT project_seq, CASE WHEN bool_and(whole) THEN 0 ELSE 1 END AS rank
      FROM (
        SELECT p.project_seq, m.i, bool_or(m.whole) AS whole
        FROM (${scans.join('\n        UNION ALL ')}) AS p
        JOIN ${hitsTable(match)} AS m ON m.term_id = p.term_id
        GROUP BY p.project_seq, m.i)
      GROUP BY project_seq HAVING count(*) = ${sqlNumber(words)}`;
}

/**
 * Projects of the given agencies or vendors (qin=all), as hits of rank 2; `files`: the vendor
 * copy's files it reads (those that hold the vendors).
 */
export function ownerHitsSql(
  m: Manifest,
  agencyIds: readonly number[],
  vendorIds: readonly number[],
): (Sql & { files: ManifestFile[] }) | null {
  const parts: string[] = [];
  const copy = filesHolding(tableFiles(m, 'contracts_by_vendor'), vendorIds);
  const params: Param[] = [];
  const among = (col: string, ids: readonly number[]) => {
    params.push(...ids);
    return `${col} BETWEEN ${sqlNumber(Math.min(...ids))} AND ${sqlNumber(Math.max(...ids))}
          AND ${col} IN (${ids.map(() => '?').join(', ')})`;
  };
  if (agencyIds.length) {
    const files = tableFiles(m, 'projects');
    if (files.length) {
      parts.push(`SELECT project_seq, 2 AS rank FROM ${parquet(files)}
        WHERE ${among('agency_id', agencyIds)}`);
    }
  }
  if (copy.length) {
    parts.push(`SELECT DISTINCT project_seq, 2 AS rank FROM ${parquet(copy)}
      WHERE ${among('vendor_id', vendorIds)}`);
  }
  return parts.length ? { sql: parts.join('\nUNION ALL\n'), params, files: copy } : null;
}

/** The text a `qin=all` search matches an agency by (with `matchesAll`): its name and sub-unit. */
export function agencyText(a: Record<string, unknown>): string {
  return `${String(a.dept_name)} ${String(a.dept_sub_name ?? '')}`;
}

/** Whether a vendor's name (SQL `name`) has a word (SQL `word`), as `qin=all` finds winners. */
export function vendorNameHas(name: string, word: string): string {
  return `contains(lower(${name}), ${word})`;
}

/** Vendors whose name (lower-cased) contains every word (qin=all), at most `limit`. */
export function vendorNameSql(
  vendors: readonly ManifestFile[],
  words: readonly string[],
  limit: number,
): Sql {
  return {
    sql: `SELECT vendor_id FROM ${parquet(vendors)}
      WHERE ${words.map(() => vendorNameHas('name', '?')).join(' AND ')}
      ORDER BY vendor_id LIMIT ${sqlNumber(limit)}`,
    params: [...words],
  };
}

/** Most agencies or vendors a `qin=all` search follows (a word in every name would be useless). */
export const MAX_OWNERS = 2000;

/**
 * A frequent word's hits as the ingest wrote them (its headline file, headline/files.ts
 * `WordHits`): their terms (kinds 2 and 3, and 4 for a search of all fields) with where their
 * postings lie and the rank each gives its projects, the hits' numbers, and whether the search
 * followed only some of the names that have the word (`MAX_OWNERS`).
 */
export interface KnownHits extends Omit<SearchHits, 'table'> {
  terms: (TermSpan & { rank: number })[];
  tooManyOwners: boolean;
}

/** The known hits copied from their postings: one posting per project, ranked by its term. */
export function knownHitsSql(postings: readonly ManifestFile[], known: KnownHits): string | null {
  const ranked = known.terms.filter((t) => t.rank > 0);
  const rank = ranked.length
    ? `CASE ${ranked.map((t) => `WHEN term_id = ${sqlNumber(t.id)} THEN ${sqlNumber(t.rank)}`).join(' ')} ELSE 0 END::TINYINT`
    : '0::TINYINT';
  const scans = postingScans(postings, known.terms, `project_seq, ${rank} AS rank`);
  return scans.length ? scans.join('\nUNION ALL\n') : null;
}

export interface SearchRequest {
  words: readonly string[];
  qin: SearchIn;
}

/**
 * Run a search: returns its hits table (created once; the same search reuses it). `known`: the
 * hits of a one-word search as the ingest found them (of names, or of all fields: headline/files.ts
 * `WordHits.all`), copied in one statement.
 */
export async function runSearch(
  ask: Ask,
  m: Manifest,
  req: SearchRequest,
  known: KnownHits | null = null,
): Promise<SearchHits & { tooManyOwners: boolean }> {
  const table = hitsTableName([m.snapshot_id, req.qin, '|', ...req.words]);
  const termFiles = tableFiles(m, 'search_terms');
  const postings = tableFiles(m, 'search_postings');
  const copy = known && req.words.length === 1 ? knownHitsSql(postings, known) : null;
  if (copy) {
    await ask(
      { sql: `CREATE TABLE IF NOT EXISTS ${hitsTable(table)} AS ${copy}`, params: [] },
      postings,
    );
    const { rows, years, seqMin, seqMax, tooManyOwners } = known!;
    return { table, rows, years, seqMin, seqMax, tooManyOwners };
  }
  const parts: (Sql & { files?: ManifestFile[] })[] = [];
  if (termFiles.length && postings.length) {
    const match = matchTable(table);
    const terms = termsSql(termFiles, req.words);
    await ask(
      { sql: `CREATE TABLE IF NOT EXISTS ${match} AS ${terms.sql}`, params: terms.params },
      termFiles,
    );
    const [found] = await ask(
      {
        sql: `SELECT count(DISTINCT i)::INTEGER AS words,
            bool_and(kind IN (${TERM_HITS_WHOLE}, ${TERM_HITS_PART}))::INTEGER AS found,
            (SELECT string_agg(concat_ws(':', term_id, pstart, pend), ',')
             FROM (SELECT DISTINCT term_id, pstart, pend FROM ${match})) AS terms
          FROM ${match}`,
        params: [],
      },
      [],
    );
    // A word without any matching term: no project has it.
    if (Number(found?.words) === req.words.length) {
      const terms = String(found!.terms)
        .split(',')
        .map((x) => x.split(':').map(Number))
        .map(([id, start, end]) => ({ id: id!, start: start!, end: end! }));
      const sql = nameHitsSql(postings, match, terms, req.words.length, Number(found!.found) === 1);
      if (sql) parts.push({ sql, params: [] });
    }
  }
  let tooManyOwners = false;
  if (req.qin === 'all') {
    // Agencies are few (one small file): matched in JS with the index's own rule.
    const agencyFiles = tableFiles(m, 'agencies');
    const agencyIds = (await ask(dimensionSql(agencyFiles), agencyFiles))
      .filter((a) => matchesAll(agencyText(a), req.words))
      .map((a) => Number(a.agency_id));
    const vendorFiles = tableFiles(m, 'vendors');
    const vendorIds = (
      await ask(vendorNameSql(vendorFiles, req.words, MAX_OWNERS + 1), vendorFiles)
    ).map((r) => Number(r.vendor_id));
    tooManyOwners = agencyIds.length > MAX_OWNERS || vendorIds.length > MAX_OWNERS;
    const q = ownerHitsSql(m, agencyIds.slice(0, MAX_OWNERS), vendorIds.slice(0, MAX_OWNERS));
    if (q) parts.push(q);
  }
  // Name hits are one row per project already; only several parts need merging.
  const hits =
    parts.length === 0
      ? `SELECT NULL::INTEGER AS project_seq, 0::TINYINT AS rank WHERE FALSE`
      : parts.length === 1
        ? `SELECT project_seq, rank::TINYINT AS rank FROM (${parts[0]!.sql})`
        : `SELECT project_seq, min(rank)::TINYINT AS rank
           FROM (${parts.map((p) => `(${p.sql})`).join('\nUNION ALL\n')}) GROUP BY project_seq`;
  const projects = tableFiles(m, 'projects');
  await ask(
    {
      sql: `CREATE TABLE IF NOT EXISTS ${hitsTable(table)} AS ${hits}`,
      params: parts.flatMap((p) => p.params),
    },
    [...postings, ...projects, ...parts.flatMap((p) => p.files ?? [])],
  );
  return { table, ...(await hitStats(ask, m, table)), tooManyOwners };
}

/** How many projects a hits table holds, their fiscal years and `project_seq` range. */
export async function hitStats(
  ask: Ask,
  m: Manifest,
  table: string,
): Promise<Omit<SearchHits, 'table'>> {
  const projects = tableFiles(m, 'projects');
  // Which years' files hold hits: each projects file's project_seq range is in the manifest.
  // Whether a year has any (bool_or), not how many: a third of the time of a count per year
  // (native DuckDB, 479k hits of 11 years; ~0.1 s of the latest update's view in DuckDB-WASM).
  const ranges = projects.filter((f) => f.seq_min != null && f.seq_max != null);
  const yearOf = ranges.map(
    (f) => `bool_or(${seqBetween(f)})::INTEGER AS y${sqlNumber(f.fiscal_year!)}`,
  );
  const [s] = await ask(
    {
      sql: `SELECT count(*)::INTEGER AS n, min(project_seq) AS lo, max(project_seq) AS hi
          ${yearOf.length ? `, ${yearOf.join(', ')}` : ''}
        FROM ${hitsTable(table)}`,
      params: [],
    },
    [],
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    rows: Number(s?.n ?? 0),
    years: ranges.filter((f) => Number(s?.[`y${f.fiscal_year}`]) > 0).map((f) => f.fiscal_year!),
    seqMin: num(s?.lo),
    seqMax: num(s?.hi),
  };
}
