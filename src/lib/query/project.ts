/**
 * A project by its id (the `/project` profile): the years to look in, most likely first, and in
 * each the id's `project_seq` from the year's id index (schema 26), then its row in the facts.
 * Pure apart from the `ask` function it is given (DuckDB-WASM on the site, native in tests).
 */
import { tableFiles, type Manifest } from '../schema/tables';
import type { Ask, Row } from './aggregate';
import { FLAG_BIT_COLUMNS } from './flag-bits';
import { oneSeq, projectSeqSql } from './lookups';
import { parquet, type Sql } from './sql';

/**
 * The fiscal years to look for a project in, most likely first: its id's first four digits are
 * the BE year and month it was created (egp-data.md), and its fiscal year is usually that one's.
 */
export function likelyYears(projectId: string, years: readonly number[]): number[] {
  const m = /^(\d{2})(\d{2})\d{7}$/.exec(projectId);
  if (!m) return [...years];
  const be = 2500 + Number(m[1]);
  const fy = Number(m[2]) >= 10 ? be + 1 : be;
  const first = [fy, fy + 1, fy - 1].filter((y) => years.includes(y));
  return [...first, ...years.filter((y) => !first.includes(y))];
}

/**
 * A project's row (found year by year in the likely order; null when the snapshot lacks it).
 * `known`: its year and seq, when the page's light read (headline/project.ts) found them: the
 * index is not asked again (the row must still carry the id).
 */
export async function findProject(
  ask: Ask,
  m: Manifest,
  projectId: string,
  fy: number | null,
  known: { fiscal_year: number; project_seq: number } | null = null,
): Promise<Row | null> {
  // Its flags over its year too, where the ingest computed them (schema 27; flag-bits.ts).
  const { covered, flagged } = FLAG_BIT_COLUMNS.year;
  const columns = `project_id, project_seq, fiscal_year, agency_id, method_id,
    budget::VARCHAR AS budget, agreed::VARCHAR AS agreed, contract_count${m.flag_bits ? `, ${covered}, ${flagged}` : ''}`;
  if (known) {
    const files = tableFiles(m, 'projects', [known.fiscal_year]);
    const [row] = await ask(
      {
        sql: `SELECT ${columns} FROM ${parquet(files)} WHERE ${oneSeq(known.project_seq)}`,
        params: [],
      },
      files,
    );
    if (row?.project_id === projectId) return row;
  }
  const order = fy ? [fy] : likelyYears(projectId, m.fiscal_years);
  for (const y of order) {
    const files = tableFiles(m, 'projects', [y]);
    if (!files.length) continue;
    // Schema 26: the id's seq from the year's id index (one small row group), then that seq's
    // row group of the facts; before, the year's whole id column.
    const ids = tableFiles(m, 'project_ids', [y]);
    let where: Sql = { sql: 'project_id = ?', params: [projectId] };
    if (ids.length) {
      const [hit] = await ask(projectSeqSql(ids, projectId), ids);
      if (!hit) continue;
      where = { sql: oneSeq(Number(hit.project_seq)), params: [] };
    }
    const [row] = await ask(
      { sql: `SELECT ${columns} FROM ${parquet(files)} WHERE ${where.sql}`, params: where.params },
      files,
    );
    if (row) return row;
  }
  return null;
}
