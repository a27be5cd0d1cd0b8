/** Stage: the search index of project names (docs/search.md). */
import {
  agencyText,
  MAX_OWNERS,
  termMatchSql,
  vendorNameHas,
} from '../../../src/lib/query/search.ts';
import {
  charLength,
  indexTerms,
  matcher,
  queryWords,
  SUBSTRING_MIN,
  TERM_CHUNK,
  TERM_HITS_OWNER,
  TERM_HITS_WHOLE,
  TERM_WORD,
} from '../../../src/lib/search/text.ts';
import type { StageDb } from './db.ts';

/**
 * The frequent words whose hits the ingest finds once (docs/search.md): the `max` words found in
 * the most projects, each in at least `share` of them and at least `min`. Their searches read
 * one run of postings instead of hashing every term that contains them, and the headline files
 * hold their views (stages/headline.ts).
 */
export const FREQUENT_WORDS = { max: 128, share: 0.002, min: 100 };

/**
 * The word index of project names: each distinct name is normalised and segmented once in JS
 * (Intl.Segmenter, the browser's ICU), in batches so memory stays flat; DuckDB then joins the
 * words back to the projects. Term ids follow the words' byte order.
 */
export async function buildSearchIndex(db: StageDb): Promise<void> {
  db.stage('indexing words of project names');
  await db.run(`CREATE OR REPLACE TABLE names AS
    SELECT row_number() OVER (ORDER BY project_name)::INTEGER AS name_id, project_name
    FROM (SELECT DISTINCT project_name FROM details WHERE project_name IS NOT NULL)`);
  await db.run(`CREATE OR REPLACE TABLE name_words (name_id INTEGER, word VARCHAR, kind TINYINT)`);
  const total = await db.scalar(`SELECT count(*) FROM names`);
  const batch = 100_000;
  const app = await db.conn.createAppender('name_words');
  for (let lo = 1; lo <= total; lo += batch) {
    const rows = (
      await db.conn.runAndReadAll(
        `SELECT name_id, project_name FROM names WHERE name_id BETWEEN ${lo} AND ${lo + batch - 1}`,
      )
    ).getRows() as [number, string][];
    for (const [id, name] of rows) {
      const { words, chunks } = indexTerms(name);
      for (const [list, kind] of [
        [words, TERM_WORD],
        [chunks, TERM_CHUNK],
      ] as const) {
        for (const w of list) {
          app.appendInteger(id);
          app.appendVarchar(w);
          app.appendTinyInt(kind);
          app.endRow();
        }
      }
    }
    db.progress?.({
      stage: 'indexing words of project names',
      percent: Math.min(100, ((lo + batch) / total) * 100),
      rows: lo + rows.length - 1,
      elapsedMs: 0,
    });
  }
  app.closeSync();
  await db.run(`CREATE OR REPLACE TABLE search_postings AS
    SELECT w.word, w.kind, p.project_seq
    FROM details d JOIN projects p USING (project_id)
    JOIN names n USING (project_name) JOIN name_words w USING (name_id)`);
  await db.run(`CREATE OR REPLACE TABLE term_counts AS
    SELECT word AS term, kind, count(*)::INTEGER AS projects FROM search_postings GROUP BY 1, 2`);
  await frequentWords(db);
  await db.run(`CREATE OR REPLACE TABLE search_terms AS
    SELECT term, kind, row_number() OVER (ORDER BY term, kind)::INTEGER AS term_id, projects
    FROM term_counts`);
  await db.run(`CREATE OR REPLACE TABLE search_postings AS
    SELECT t.term_id, p.project_seq
    FROM search_postings p JOIN search_terms t ON t.term = p.word AND t.kind = p.kind`);
  await db.run(`DROP TABLE names; DROP TABLE name_words; DROP TABLE term_counts`);
}

/**
 * The frequent words (`FREQUENT_WORDS`; a table `frequent_words`: word_no, word) and their hits
 * by the search's own rule (`word_hits`: word_no, project_seq, rank 0 where the word is a whole
 * word of the name), added to the postings and to the terms' counts (`term_counts`) as terms of
 * kind `TERM_HITS_WHOLE` + rank. Kept for
 * the headline files. Only a word that a query of itself searches for as typed is taken.
 */
async function frequentWords(db: StageDb): Promise<void> {
  db.stage('finding the hits of frequent words');
  const total = await db.scalar(`SELECT count(*) FROM projects`);
  const min = Math.max(FREQUENT_WORDS.min, Math.ceil(total * FREQUENT_WORDS.share));
  const candidates = await db.rows(`SELECT term FROM term_counts
    WHERE kind = ${TERM_WORD} AND projects >= ${min}
    ORDER BY projects DESC, term LIMIT ${FREQUENT_WORDS.max * 2}`);
  const words = candidates
    .map((r) => String(r.term))
    .filter((t) => {
      const q = queryWords(t);
      return q.problem === null && q.words.length === 1 && q.words[0] === t;
    })
    .slice(0, FREQUENT_WORDS.max);
  await db.run(`CREATE OR REPLACE TABLE frequent_words
    (word_no INTEGER, word VARCHAR, sub BOOLEAN)`);
  const app = await db.conn.createAppender('frequent_words');
  words.forEach((w, i) => {
    app.appendInteger(i);
    app.appendVarchar(w);
    app.appendBoolean(charLength(w) >= SUBSTRING_MIN);
    app.endRow();
  });
  app.closeSync();
  await db.run(`CREATE OR REPLACE TABLE word_hits AS
    SELECT m.word_no, p.project_seq, CASE WHEN bool_or(m.whole) THEN 0 ELSE 1 END::TINYINT AS rank
    FROM search_postings p JOIN (
      SELECT w.word_no, t.term, t.kind, (t.kind = ${TERM_WORD} AND t.term = w.word) AS whole
      FROM term_counts t JOIN frequent_words w ON ${termMatchSql('t', 'w')}
    ) m ON p.word = m.term AND p.kind = m.kind
    GROUP BY ALL`);
  await db.run(`INSERT INTO search_postings
    SELECT w.word, (${TERM_HITS_WHOLE} + h.rank)::TINYINT, h.project_seq
    FROM word_hits h JOIN frequent_words w USING (word_no)`);
  await db.run(`INSERT INTO term_counts
    SELECT w.word, (${TERM_HITS_WHOLE} + h.rank)::TINYINT, count(*)::INTEGER
    FROM word_hits h JOIN frequent_words w USING (word_no) GROUP BY ALL`);
  await ownerHits(db);
}

/**
 * What a search of all fields (`qin=all`) of each frequent word adds to its name hits, found as
 * that search finds it (search.ts `runSearch`): the projects of the first `MAX_OWNERS` agencies
 * (by id) whose name and sub-unit have the word (`agencyText`) and of the first `MAX_OWNERS`
 * vendors (by id) whose name has it (`vendorNameHas`), less the word's name hits (`owner_hits`:
 * word_no, project_seq); and whether either had more (`word_owners`: word_no, cut), which the
 * search then says. Added to the postings and the terms' counts as terms of kind
 * `TERM_HITS_OWNER` (schema 47).
 */
async function ownerHits(db: StageDb): Promise<void> {
  const words = (await db.rows(`SELECT word_no, word FROM frequent_words ORDER BY word_no`)).map(
    (r) => ({ no: Number(r.word_no), word: String(r.word) }),
  );
  // Each agency's text normalised once, not once per word (8,159 agencies × 128 words at 6M rows:
  // 5.8–6.0 s so, 0.3–0.4 s now).
  const agencies = (
    await db.rows(`SELECT agency_id, dept_name, dept_sub_name FROM agencies ORDER BY agency_id`)
  ).map((a) => ({ id: Number(a.agency_id), has: matcher(agencyText(a)) }));
  await db.run(`CREATE OR REPLACE TEMP TABLE agency_owners
    (word_no INTEGER, agency_id INTEGER, n INTEGER)`);
  const app = await db.conn.createAppender('agency_owners');
  for (const w of words) {
    let n = 0;
    for (const a of agencies)
      if (a.has([w.word])) {
        app.appendInteger(w.no);
        app.appendInteger(a.id);
        app.appendInteger(++n);
        app.endRow();
      }
  }
  app.closeSync();
  await db.run(`CREATE OR REPLACE TEMP TABLE vendor_owners AS
    SELECT w.word_no, v.vendor_id, row_number() OVER (PARTITION BY w.word_no ORDER BY v.vendor_id) AS n
    FROM frequent_words w JOIN vendors v ON ${vendorNameHas('v.name', 'w.word')}`);
  await db.run(`CREATE OR REPLACE TABLE word_owners AS
    SELECT w.word_no, coalesce(a.n, 0) > ${MAX_OWNERS} OR coalesce(v.n, 0) > ${MAX_OWNERS} AS cut
    FROM frequent_words w
    LEFT JOIN (SELECT word_no, max(n) AS n FROM agency_owners GROUP BY 1) a USING (word_no)
    LEFT JOIN (SELECT word_no, max(n) AS n FROM vendor_owners GROUP BY 1) v USING (word_no)`);
  await db.run(`CREATE OR REPLACE TABLE owner_hits AS
    SELECT word_no, project_seq FROM (
      SELECT o.word_no, p.project_seq FROM agency_owners o JOIN projects p USING (agency_id)
      WHERE o.n <= ${MAX_OWNERS}
      UNION
      SELECT o.word_no, c.project_seq FROM vendor_owners o JOIN contracts c USING (vendor_id)
      WHERE o.n <= ${MAX_OWNERS})
    EXCEPT SELECT word_no, project_seq FROM word_hits`);
  await db.run(`INSERT INTO search_postings
    SELECT w.word, ${TERM_HITS_OWNER}::TINYINT, h.project_seq
    FROM owner_hits h JOIN frequent_words w USING (word_no)`);
  await db.run(`INSERT INTO term_counts
    SELECT w.word, ${TERM_HITS_OWNER}::TINYINT, count(*)::INTEGER
    FROM owner_hits h JOIN frequent_words w USING (word_no) GROUP BY ALL`);
  await db.run(`DROP TABLE agency_owners; DROP TABLE vendor_owners`);
}
