/**
 * The headline files of the frequent words (stages/search-index.ts `frequentWords`): for each,
 * the view `q=<word>` over all years and per year, as an agency name's (stages/headline.ts), its
 * first page in a search's order (whole-word matches first). A shared link to a common word then
 * shows its numbers, facets, charts and first page without reading the facts of every hit.
 */
import { headlinePath, type AgencyTuple, type WordHits } from '../../../src/lib/headline/files.ts';
import { withPostingEnd } from '../../../src/lib/query/search.ts';
import { TERM_HITS_PART, TERM_HITS_WHOLE } from '../../../src/lib/search/text.ts';
import type { StageDb } from './db.ts';
import { BY_WORD, overviews, WORD_HITS } from './headline-overview.ts';
import { namedPages, namedYears, viewFiles, writeNamed, type Writer } from './headline-write.ts';

/** Each word's terms of kinds 2 and 3, and where their postings lie (as search.ts `termsSql`). */
const SPANS_SQL = `SELECT term AS word, term_id, kind, (pend - projects)::BIGINT AS pstart, pend::BIGINT AS pend
  FROM ${withPostingEnd('search_terms')}
  WHERE kind IN (${TERM_HITS_WHOLE}, ${TERM_HITS_PART}) ORDER BY term_id`;

/** Each word's hits in the index (files.ts `WordHits`), by word. */
async function wordHits(db: StageDb): Promise<Map<string, WordHits>> {
  const out = new Map<string, WordHits>();
  for (const r of await db.rows(`SELECT word, min(project_seq) AS lo, max(project_seq) AS hi
      FROM ${WORD_HITS} GROUP BY word`))
    out.set(String(r.word), { terms: [], seq: [Number(r.lo), Number(r.hi)] });
  for (const r of await db.rows(SPANS_SQL))
    out
      .get(String(r.word))
      ?.terms.push([Number(r.term_id), Number(r.kind), Number(r.pstart), Number(r.pend)]);
  return out;
}

export async function writeWords(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
): Promise<void> {
  db.stage('writing the headline files of frequent words');
  const parts = await overviews(db, agencies, BY_WORD);
  const viewFile = viewFiles(parts, agencies);
  const years = await namedYears(db, BY_WORD);
  const pages = await namedPages(db, 'w.word', {
    from: `projects p ${BY_WORD.join}`,
    rank: 'w.rank',
  });
  const hits = await wordHits(db);
  // A word's file key is its agencyFileKey (files.ts `wordFileKey`).
  const at = { all: headlinePath.word, year: headlinePath.wordYear };
  await writeNamed(w, at, years, pages, viewFile, (word) => ({ hits: hits.get(word)! }));
}
