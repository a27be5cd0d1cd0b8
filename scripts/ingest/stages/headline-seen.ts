/**
 * The headline files of what a snapshot added (schema 34): the view `seen=latest` (the link /new
 * gives) over all years and per year, as a frequent word's (headline-words.ts), from the
 * `first_seen` table writeFirstSeen left. Written after the snapshot id, which they are not part
 * of: like that table, they say what this folder's history adds, not what the inputs give.
 * Without them the view computed every number over the facts of each added project (19.6 MB of
 * Parquet at 6M rows, for an update that added a year). Since schema 36 the same within each agency
 * name (its facet on that view is the link a reader follows): 3.1 MB of Parquet for the busiest.
 */
import { headlinePath } from '../../../src/lib/headline/files.ts';
import { sqlString } from '../rules.ts';
import type { StageDb } from './db.ts';
import { agencyTuples, nameIds } from './headline.ts';
import { BY_AGENCY_NAME, overviews, type Scope } from './headline-overview.ts';
import { namedPages, namedYears, viewFiles, writeNamed, Writer } from './headline-write.ts';

/** Write the files of the projects snapshot `id` added into `dir` (the snapshot's `headline/`). */
export async function writeSeenViews(db: StageDb, dir: string, id: string): Promise<void> {
  db.stage('writing the headline files of what the snapshot added');
  const added = `JOIN (SELECT project_seq FROM first_seen WHERE first_snapshot = ${sqlString(id)}) s
      USING (project_seq)`;
  const scope: Scope = {
    name: `'latest'`,
    join: added,
    national: false,
    unitsFromAggregate: false,
  };
  const agencies = await agencyTuples(db);
  const w = new Writer(dir);
  const parts = await overviews(db, agencies, scope);
  const years = await namedYears(db, scope);
  const pages = await namedPages(db, scope.name, { from: `projects p ${added}` });
  const at = { all: headlinePath.seen, year: (_: string, fy: number) => headlinePath.seenYear(fy) };
  await writeNamed(w, at, years, pages, viewFiles(parts, agencies));

  // Within each agency name with projects the snapshot added; with the name's ids, as its view's.
  const byName: Scope = {
    ...BY_AGENCY_NAME,
    join: `${BY_AGENCY_NAME.join} ${added}`,
    national: false,
    unitsFromAggregate: false,
  };
  const named = await overviews(db, agencies, byName);
  const ids = await nameIds(db);
  const from = `projects p JOIN agencies a USING (agency_id) ${added}`;
  const inName = { all: headlinePath.seenAgency, year: headlinePath.seenAgencyYear };
  await writeNamed(
    w,
    inName,
    await namedYears(db, byName),
    await namedPages(db, 'a.dept_name', { from }),
    viewFiles(named, agencies),
    (name) => ({ ids: ids.get(name) ?? [] }),
  );
}
