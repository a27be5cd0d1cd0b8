/**
 * A page of a search's view whose only other filter is fiscal years, without the facts of every
 * hit. The table ranks a search's whole-word matches first (the hits' `rank`), then the chosen
 * order; sorting every hit's facts for one page read all of them (a frequent word's page 2 or
 * year order: 108–113 MB of `projects` at 6M rows, docs/benchmarks.md, session 54). Instead:
 * - a year order is the hits' own order: each year's projects are one run of `project_seq` in
 *   year order (the manifest's `seq_min` and `seq_max`), so the page's hits come from the hits
 *   table alone, then their rows (`seqRowsSql`);
 * - a money order takes each rank of hits in turn from the ordered copy (`topPage`), where the
 *   copy is expected to hold the page's matches of that rank, else from that rank's facts.
 */
import { sourceFiles, type Ask, type Row } from './aggregate';
import { hitsTable } from './hits';
import { COPY_SORTS, orderFiles, rowsSql, seqRowsSql, topPage, type PageOf } from './page-sql';
import { activeDims, rowSource, type Resolved } from './plan';
import { seqBetween, sqlNumber } from './sql';
import type { ManifestFile } from '../schema/tables';

/** Whether `searchPage` may give the view's pages: a search and at most fiscal years. */
export function searchAnswers(r: Resolved): boolean {
  return (
    !!r.search &&
    rowSource(r) === 'projects' &&
    activeDims(r).every((d) => d === 'search' || d === 'fy')
  );
}

/**
 * The page, or null where the old way is as good: no search of this kind, older data, or a money
 * order none of whose ranks the copy is expected to hold (few hits: their facts are few row
 * groups, read in one query).
 */
export async function searchPage(ask: Ask, of: PageOf): Promise<Row[] | null> {
  const { m, r, sort, limit, offset } = of;
  if (!searchAnswers(r)) return null;
  const files = sourceFiles(m, 'projects', r);
  if (files.length === 0) return [];
  // (Older data has no seq ranges in its manifest.)
  if (files.some((f) => f.seq_min == null || f.seq_max == null)) return null;
  const ranges = files.map(seqBetween);
  const hits = hitsTable(r.search!.table);
  // The chosen years' hits (without a year, every hit: the files are the hits' years).
  const within = r.fy.length ? `WHERE (${ranges.join(' OR ')})` : '';
  if (!COPY_SORTS.includes(sort)) return yearOrderPage(ask, of, files, ranges, within);
  // How many hits of each rank the chosen years have, and what each rank's part of the page is.
  const levels = await ask(
    {
      sql: `SELECT rank::INTEGER AS rank, count(*)::INTEGER AS n FROM ${hits} ${within}
        GROUP BY rank ORDER BY rank`,
      params: [],
    },
    [],
  );
  const held = orderFiles(m, 'projects_top', sort).reduce((n, f) => n + f.rows, 0);
  const parts: { r: Resolved; skip: number; take: number; copy: boolean }[] = [];
  let skip = offset;
  let got = 0;
  for (const x of levels) {
    const n = Number(x.n);
    if (got === limit) break;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    const take = Math.min(limit - got, n - skip);
    // The copy holds the first `held` projects of the order; this rank's hits among them, if
    // spread as in all projects, must reach the page's end.
    const copy = (n * held) / Math.max(1, m.counts.projects) >= skip + take;
    const level = { ...r, search: { ...r.search!, rank: Number(x.rank), rows: n } };
    parts.push({ r: level, skip, take, copy });
    got += take;
    skip = 0;
  }
  if (!parts.length) return [];
  if (!parts.some((p) => p.copy)) return null;
  const rows: Row[] = [];
  for (const p of parts) {
    const page = { m, r: p.r, sort, limit: p.take, offset: p.skip };
    const top = p.copy ? await topPage(ask, page) : null;
    // (A rank's hits lie in the view's files.)
    rows.push(
      ...(top ?? (await ask(rowsSql('projects', files, p.r, sort, p.take, p.skip), files))),
    );
  }
  return rows;
}

/**
 * A page in a year order: the hits ordered by rank, then year and seq. The seqs run in year
 * order, so the earliest year first is their own; latest first takes each hit's year from its
 * file's seq range. Then those projects' rows, each year's file asked for its own (`seqRowsSql`).
 */
async function yearOrderPage(
  ask: Ask,
  { r, sort, limit, offset }: PageOf,
  files: readonly ManifestFile[],
  ranges: readonly string[],
  within: string,
): Promise<Row[]> {
  const desc = sort.startsWith('-');
  const byYear = [...files].sort((a, b) => a.fiscal_year! - b.fiscal_year!);
  const own = byYear.every((f, i) => i === 0 || f.seq_min! > byYear[i - 1]!.seq_max!);
  const year = `CASE ${files.map((f, i) => `WHEN ${ranges[i]} THEN ${sqlNumber(f.fiscal_year!)}`).join(' ')} END ${desc ? 'DESC' : 'ASC'}, `;
  const page = await ask(
    {
      sql: `SELECT project_seq FROM ${hitsTable(r.search!.table)} ${within}
        ORDER BY rank, ${desc || !own ? year : ''}project_seq
        LIMIT ${sqlNumber(limit)} OFFSET ${sqlNumber(offset)}`,
      params: [],
    },
    [],
  );
  const seqs = page.map((x) => Number(x.project_seq));
  if (!seqs.length) return [];
  const read = files.filter((f) => seqs.some((s) => s >= f.seq_min! && s <= f.seq_max!));
  const rows = await ask(seqRowsSql(read, seqs, sort), read);
  // In the hits' order (rank first), which the rows' own order does not know.
  const at = new Map(seqs.map((s, i) => [s, i]));
  return rows.sort((a, b) => at.get(Number(a.project_seq))! - at.get(Number(b.project_seq))!);
}
