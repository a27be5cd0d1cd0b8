/**
 * The headline files of the frequent words (stages/search-index.ts `frequentWords`): for each,
 * the view `q=<word>` over all years and per year, as an agency name's (stages/headline.ts), its
 * first page in a search's order (whole-word matches first). A shared link to a common word then
 * shows its numbers, facets, charts and first page without reading the facts of every hit.
 */
import { headlinePath, type AgencyTuple, type WordHits } from '../../../src/lib/headline/files.ts';
import {
  agencyText,
  MAX_OWNERS,
  vendorNameHas,
  withPostingEnd,
} from '../../../src/lib/query/search.ts';
import { matcher, TERM_HITS_PART, TERM_HITS_WHOLE } from '../../../src/lib/search/text.ts';
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

/**
 * The frequent words whose search of all fields (`qin=all`) finds their name hits and no more,
 * by the rules that search follows (search.ts `runSearch`): the projects of the agencies whose
 * names have the word (`agencyText`) and of the vendors whose name has it (`vendorNameHas`) are
 * all among the word's hits, and neither are more than `MAX_OWNERS` (the search would say it cut
 * them).
 */
async function allFieldWords(db: StageDb): Promise<Set<string>> {
  const words = (await db.rows(`SELECT word FROM frequent_words`)).map((r) => String(r.word));
  // Each agency's text normalised once, not once per word: 8,159 agencies × 128 words at 6M rows
  // took 5.8–6.0 s so, 0.3–0.4 s now.
  const agencies = (await db.rows(`SELECT agency_id, dept_name, dept_sub_name FROM agencies`)).map(
    (a) => ({ id: Number(a.agency_id), has: matcher(agencyText(a)) }),
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE agency_owners (word VARCHAR, agency_id INTEGER)`);
  const app = await db.conn.createAppender('agency_owners');
  for (const w of words)
    for (const a of agencies)
      if (a.has([w])) {
        app.appendVarchar(w);
        app.appendInteger(a.id);
        app.endRow();
      }
  app.closeSync();
  const rows = await db.rows(`WITH vendor_owners AS (
      SELECT w.word, v.vendor_id FROM frequent_words w JOIN vendors v ON ${vendorNameHas('v.name', 'w.word')}),
    owned AS (
      SELECT o.word, p.project_seq FROM agency_owners o JOIN projects p USING (agency_id)
      UNION
      SELECT o.word, c.project_seq FROM vendor_owners o JOIN contracts_by_vendor c USING (vendor_id)),
    extra AS (SELECT word, project_seq FROM owned EXCEPT SELECT word, project_seq FROM ${WORD_HITS})
    SELECT word FROM frequent_words
    WHERE word NOT IN (SELECT word FROM extra)
      AND word NOT IN (SELECT word FROM agency_owners GROUP BY 1 HAVING count(*) > ${MAX_OWNERS})
      AND word NOT IN (SELECT word FROM vendor_owners GROUP BY 1 HAVING count(*) > ${MAX_OWNERS})`);
  return new Set(rows.map((r) => String(r.word)));
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
  const all = await allFieldWords(db);
  for (const [word, h] of hits) if (all.has(word)) h.all = 1;
  // A word's file key is its agencyFileKey (files.ts `wordFileKey`).
  const at = { all: headlinePath.word, year: headlinePath.wordYear };
  await writeNamed(w, at, years, pages, viewFile, (word) => ({ hits: hits.get(word)! }));
}
