/**
 * The headline files of the frequent words (stages/search-index.ts `frequentWords`): for each,
 * the view `q=<word>` over all years and per year, as an agency name's (stages/headline.ts), its
 * first page in a search's order (whole-word matches first), and where its names' hits are not
 * all a search of all fields finds, that search's view too (`qin=all`, schema 47). A shared link
 * to a common word then shows its numbers, facets, charts and first page without reading the
 * facts of every hit.
 */
import {
  headlinePath,
  wordsAllEntry,
  type AgencyTuple,
  type WordHits,
} from '../../../src/lib/headline/files.ts';
import { withPostingEnd } from '../../../src/lib/query/search.ts';
import { TERM_HITS_OWNER, TERM_HITS_PART, TERM_HITS_WHOLE } from '../../../src/lib/search/text.ts';
import type { StageDb } from './db.ts';
import {
  BY_WORD,
  BY_WORD_ALL,
  overviews,
  WORD_ALL_FIELDS,
  type Scope,
} from './headline-overview.ts';
import { namedPages, namedYears, viewFiles, writeNamed, type Writer } from './headline-write.ts';

/** Each word's hit terms and where their postings lie (as search.ts `termsSql`). */
const SPANS_SQL = `SELECT term AS word, term_id, kind, (pend - projects)::BIGINT AS pstart, pend::BIGINT AS pend
  FROM ${withPostingEnd('search_terms')}
  WHERE kind IN (${TERM_HITS_WHOLE}, ${TERM_HITS_PART}, ${TERM_HITS_OWNER}) ORDER BY term_id`;

/**
 * Each word's hits in the index (files.ts `WordHits`), by word: those of its names (`names`, the
 * terms of kinds 2 and 3) and of its search of all fields (`all`, with kind 4: see
 * stages/search-index.ts `ownerHits`).
 */
async function wordHits(db: StageDb): Promise<Map<string, { names: WordHits; all: WordHits }>> {
  // The words whose names' hits are not all their search of all fields finds: an agency's or a
  // winner's name adds projects, or more than `MAX_OWNERS` names have the word.
  await db.run(`CREATE OR REPLACE TEMP TABLE words_all AS
    SELECT word_no FROM word_owners
    WHERE cut OR word_no IN (SELECT word_no FROM owner_hits)`);
  const out = new Map<string, { names: WordHits; all: WordHits }>();
  for (const r of await db.rows(`SELECT w.word, min(h.project_seq) FILTER (WHERE h.rank < 2) AS lo,
      max(h.project_seq) FILTER (WHERE h.rank < 2) AS hi, min(h.project_seq) AS all_lo,
      max(h.project_seq) AS all_hi, o.cut, w.word_no IN (SELECT word_no FROM words_all) AS wide
      FROM ${WORD_ALL_FIELDS} h JOIN frequent_words w USING (word_no) JOIN word_owners o USING (word_no)
      GROUP BY ALL`))
    out.set(String(r.word), {
      // Where a search of all fields finds the same hits, the names' files answer it too.
      names: {
        terms: [],
        seq: [Number(r.lo), Number(r.hi)],
        ...(r.wide ? {} : { all: 1 as const }),
      },
      all: {
        terms: [],
        seq: [Number(r.all_lo), Number(r.all_hi)],
        all: 1,
        ...(r.cut ? { cut: 1 as const } : {}),
      },
    });
  for (const r of await db.rows(SPANS_SQL)) {
    const h = out.get(String(r.word));
    const span: [number, number, number, number] = [
      Number(r.term_id),
      Number(r.kind),
      Number(r.pstart),
      Number(r.pend),
    ];
    if (Number(r.kind) !== TERM_HITS_OWNER) h?.names.terms.push(span);
    h?.all.terms.push(span);
  }
  return out;
}

/** Write a scope's views of the frequent words: over all years and each, at `at`. */
async function writeScope(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
  scope: Scope,
  at: { all: (h: string) => string; year: (h: string, fy: number) => string },
  hits: (word: string) => WordHits,
): Promise<void> {
  const parts = await overviews(db, agencies, scope);
  const viewFile = viewFiles(parts, agencies);
  const years = await namedYears(db, scope);
  const pages = await namedPages(db, 'w.word', {
    from: `projects p ${scope.join}`,
    rank: 'w.rank',
  });
  // A word's file key is its agencyFileKey (files.ts `wordFileKey`).
  await writeNamed(w, at, years, pages, viewFile, (word) => ({ hits: hits(word) }));
}

/**
 * The frequent words' files: their names' views, and (schema 47) their searches of all fields
 * where an agency's or a winner's name adds projects or more than `MAX_OWNERS` names have the word
 * (`word-all`). Returns the manifest's `headline.words_all`.
 */
export async function writeWords(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
): Promise<string[]> {
  db.stage('writing the headline files of frequent words');
  const hits = await wordHits(db);
  const names = { all: headlinePath.word, year: headlinePath.wordYear };
  const wide = { all: headlinePath.wordAll, year: headlinePath.wordAllYear };
  await writeScope(db, w, agencies, BY_WORD, names, (word) => hits.get(word)!.names);
  await writeScope(db, w, agencies, BY_WORD_ALL, wide, (word) => hits.get(word)!.all);
  const listed = [...hits].filter(([, h]) => !h.names.all).map(([word]) => wordsAllEntry(word));
  return (await Promise.all(listed)).sort();
}
