/** Stage: the search index of project names (docs/search.md). */
import { indexTerms, TERM_CHUNK, TERM_WORD } from '../../../src/lib/search/text.ts';
import type { StageDb } from './db.ts';

/**
 * The word index of project names: each distinct name is normalised and segmented once in JS
 * (Intl.Segmenter, the browser's ICU), in batches so memory stays flat; DuckDB then joins the
 * words back to the projects. Term ids follow the words' byte order.
 */
export async function buildSearchIndex(db: StageDb): Promise<void> {
  db.stage('indexing words of project names');
  await db.run(`CREATE OR REPLACE TEMP TABLE names AS
    SELECT row_number() OVER (ORDER BY project_name)::INTEGER AS name_id, project_name
    FROM (SELECT DISTINCT project_name FROM details WHERE project_name IS NOT NULL)`);
  await db.conn.run(
    `CREATE OR REPLACE TEMP TABLE name_words (name_id INTEGER, word VARCHAR, kind TINYINT)`,
  );
  const total = await db.scalar(`SELECT count(*) FROM names`);
  const batch = 100_000;
  const app = await db.conn.createAppender('name_words', 'main', 'temp');
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
  await db.run(`CREATE OR REPLACE TEMP TABLE search_postings AS
    SELECT w.word, w.kind, p.project_seq
    FROM details d JOIN projects p USING (project_id)
    JOIN names n USING (project_name) JOIN name_words w USING (name_id)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE search_terms AS
    SELECT term, kind, row_number() OVER (ORDER BY term, kind)::INTEGER AS term_id, projects
    FROM (SELECT word AS term, kind, count(*)::INTEGER AS projects FROM search_postings GROUP BY 1, 2)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE search_postings AS
    SELECT t.term_id, p.project_seq
    FROM search_postings p JOIN search_terms t ON t.term = p.word AND t.kind = p.kind`);
  await db.conn.run(`DROP TABLE names; DROP TABLE name_words`);
}
