/**
 * The headline files of what a snapshot added (schema 34): the view `seen=latest` (the link /new
 * gives) over all years and per year, as a frequent word's (headline-words.ts), from the
 * `first_seen` table writeFirstSeen left. Written after the snapshot id, which they are not part
 * of: like that table, they say what this folder's history adds, not what the inputs give.
 * Without them the view computed every number over the facts of each added project (19.6 MB of
 * Parquet at 6M rows, for an update that added a year).
 */
import { headlinePath } from '../../../src/lib/headline/files.ts';
import { sqlString } from '../rules.ts';
import type { StageDb } from './db.ts';
import { agencyTuples } from './headline.ts';
import { overviews, type Scope } from './headline-overview.ts';
import { namedPages, namedYears, viewFiles, writeNamed, Writer } from './headline-write.ts';

/** Write the files of the projects snapshot `id` added into `dir` (the snapshot's `headline/`). */
export async function writeSeenViews(db: StageDb, dir: string, id: string): Promise<void> {
  db.stage('writing the headline files of what the snapshot added');
  const scope: Scope = {
    name: `'latest'`,
    join: `JOIN (SELECT project_seq FROM first_seen WHERE first_snapshot = ${sqlString(id)}) s
      USING (project_seq)`,
    national: false,
    unitsFromAggregate: false,
  };
  const agencies = await agencyTuples(db);
  const parts = await overviews(db, agencies, scope);
  const years = await namedYears(db, scope);
  const pages = await namedPages(db, scope.name, { from: `projects p ${scope.join}` });
  const at = { all: headlinePath.seen, year: (_: string, fy: number) => headlinePath.seenYear(fy) };
  await writeNamed(new Writer(dir), at, years, pages, viewFiles(parts, agencies));
}
