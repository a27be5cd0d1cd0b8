/** Expected answers computed by native DuckDB from the same Parquet the site reads. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../../src/lib/schema/tables';
import { lit, rows } from '../helpers/duckdb';

export function manifestOf(dataDir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as Manifest;
}

function list(dataDir: string, table: string): string {
  const files = manifestOf(dataDir).files.filter((f) => f.table === table);
  return `[${files.map((f) => lit(path.join(dataDir, f.path))).join(', ')}]`;
}

/** Projects and budget (each project once) for year and agency-name filters, by a join. */
export async function expectedTotals(
  dataDir: string,
  f: { fy?: number[]; agency?: string },
): Promise<{ projects: string; budget: string }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (f.fy?.length) {
    where.push(`p.fiscal_year IN (${f.fy.map(() => '?').join(', ')})`);
    params.push(...f.fy);
  }
  if (f.agency !== undefined) {
    where.push('a.dept_name = ?');
    params.push(f.agency);
  }
  const r = await rows(
    `SELECT count(*)::VARCHAR AS projects, coalesce(sum(p.budget), 0)::VARCHAR AS budget
     FROM read_parquet(${list(dataDir, 'projects')}) p
     JOIN read_parquet(${list(dataDir, 'agencies')}) a USING (agency_id)
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return r[0] as { projects: string; budget: string };
}

/** An agency name shared by several agencies (different provinces), with its busiest year. */
export async function sharedAgencyName(dataDir: string): Promise<{ name: string; fy: number }> {
  const r = await rows(`SELECT a.dept_name AS name, count(DISTINCT a.agency_id)::INTEGER AS n,
      mode(p.fiscal_year)::INTEGER AS fy
    FROM read_parquet(${list(dataDir, 'projects')}) p JOIN read_parquet(${list(dataDir, 'agencies')}) a USING (agency_id)
    GROUP BY 1 HAVING n > 1 ORDER BY n DESC, count(*) DESC, 1 LIMIT 1`);
  return { name: String(r[0]!.name), fy: Number(r[0]!.fy) };
}
