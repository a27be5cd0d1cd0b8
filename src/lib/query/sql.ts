/**
 * Filters → SQL text + bound parameters. Pure: no DuckDB, no Svelte. Table files come from the
 * manifest (checked safe paths); every value is a `?` parameter.
 */
import { isSafePath, type ManifestFile } from '$lib/schema/tables';
import type { Filters } from './filters';

export type Param = string | number | boolean | null;
export interface Sql {
  sql: string;
  params: Param[];
}

/** A Parquet scan over manifest files. Paths are validated, never user text. */
export function parquet(files: readonly ManifestFile[]): string {
  if (files.length === 0) throw new Error('no file to read');
  for (const f of files) if (!isSafePath(f.path)) throw new Error(`unsafe path ${f.path}`);
  return `read_parquet([${files.map((f) => `'${f.path}'`).join(', ')}])`;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * WHERE for the fact tables. Agency ids are resolved first (agencyIdsSql) so that the filter is a
 * constant range + list that DuckDB pushes into the Parquet scan and prunes row groups with.
 */
export function factWhere(f: Filters, agencyIds: readonly number[] | null): Sql {
  const parts: string[] = [];
  const params: Param[] = [];
  if (f.fy.length) {
    parts.push(`fiscal_year IN (${placeholders(f.fy.length)})`);
    params.push(...f.fy);
  }
  if (f.agency !== null) {
    if (!agencyIds || agencyIds.length === 0) parts.push('FALSE');
    else {
      parts.push(`agency_id BETWEEN ? AND ? AND agency_id IN (${placeholders(agencyIds.length)})`);
      params.push(Math.min(...agencyIds), Math.max(...agencyIds), ...agencyIds);
    }
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function agencyIdsSql(agencies: readonly ManifestFile[], name: string): Sql {
  return {
    sql: `SELECT agency_id FROM ${parquet(agencies)} WHERE dept_name = ? ORDER BY agency_id`,
    params: [name],
  };
}

/** Agency names containing the typed text, for the suggestion list. */
export function agencySuggestSql(
  agencies: readonly ManifestFile[],
  text: string,
  limit: number,
): Sql {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return {
    sql: `SELECT DISTINCT dept_name FROM ${parquet(agencies)} WHERE dept_name LIKE ? ESCAPE '\\' ORDER BY dept_name LIMIT ${Number(limit)}`,
    params: [`%${escaped}%`],
  };
}

/** Project count and budget, each project once (projects hold project money once). */
export function summarySql(projects: readonly ManifestFile[], where: Sql): Sql {
  return {
    sql: `SELECT count(*) AS projects, coalesce(sum(budget), 0)::VARCHAR AS budget FROM ${parquet(projects)} ${where.sql}`,
    params: where.params,
  };
}

/** The largest projects first; `p.budget` is the DECIMAL column, not the VARCHAR alias. */
export function topRowsSql(projects: readonly ManifestFile[], where: Sql, limit: number): Sql {
  return {
    sql: `SELECT project_id, fiscal_year, agency_id, budget::VARCHAR AS budget, agreed::VARCHAR AS agreed
      FROM ${parquet(projects)} AS p ${where.sql}
      ORDER BY p.budget DESC NULLS LAST, p.project_id LIMIT ${Number(limit)}`,
    params: where.params,
  };
}

/** Names for the rows on screen, from the details files ordered by project id. */
export function detailsSql(details: readonly ManifestFile[], ids: readonly string[]): Sql {
  return {
    sql: `SELECT project_id, project_name FROM ${parquet(details)}
      WHERE project_id BETWEEN ? AND ? AND project_id IN (${placeholders(ids.length)})`,
    params: [[...ids].sort()[0]!, [...ids].sort().at(-1)!, ...ids],
  };
}

export function agencyNamesSql(agencies: readonly ManifestFile[], ids: readonly number[]): Sql {
  return {
    sql: `SELECT agency_id, dept_name, dept_sub_name, province FROM ${parquet(agencies)}
      WHERE agency_id IN (${placeholders(ids.length)})`,
    params: [...ids],
  };
}
