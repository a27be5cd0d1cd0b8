/**
 * The explorer's queries, in order: resolve the agency name to ids (cached), count and sum the
 * projects, take the first rows on narrow columns, then fetch the text of just those rows.
 */
import type { Filters } from '$lib/query/filters';
import {
  agencyIdsSql,
  agencyNamesSql,
  agencySuggestSql,
  detailsSql,
  factWhere,
  summarySql,
  topRowsSql,
  type Sql,
} from '$lib/query/sql';
import type { Manifest, ManifestFile } from '$lib/schema/tables';
import { tableFiles } from './dataset';
import { query } from './index';

export interface ResultRow {
  project_id: string;
  fiscal_year: number;
  budget: string | null;
  agreed: string | null;
  project_name: string | null;
  dept_name: string | null;
  dept_sub_name: string | null;
  province: string | null;
}

export interface ExploreResult {
  projects: number;
  budget: string;
  rows: ResultRow[];
}

interface TopRow {
  project_id: string;
  fiscal_year: number;
  agency_id: number;
  budget: string | null;
  agreed: string | null;
}

function ask<T>(q: Sql, files: readonly ManifestFile[]): Promise<T[]> {
  return query<T>(q.sql, q.params, files);
}

const agencyIdCache = new Map<string, Promise<number[]>>();

function agencyIds(m: Manifest, name: string): Promise<number[]> {
  const key = `${m.snapshot_id}\u0000${name}`;
  let p = agencyIdCache.get(key);
  if (!p) {
    const files = tableFiles(m, 'agencies');
    p = ask<{ agency_id: number }>(agencyIdsSql(files, name), files).then((r) =>
      r.map((x) => Number(x.agency_id)),
    );
    p.catch(() => agencyIdCache.delete(key));
    agencyIdCache.set(key, p);
  }
  return p;
}

export async function explore(m: Manifest, f: Filters, limit: number): Promise<ExploreResult> {
  const projects = tableFiles(m, 'projects', f.fy);
  if (projects.length === 0) return { projects: 0, budget: '0', rows: [] };
  const ids = f.agency === null ? null : await agencyIds(m, f.agency);
  const where = factWhere(f, ids);
  const [summary, top] = await Promise.all([
    ask<{ projects: number; budget: string }>(summarySql(projects, where), projects),
    ask<TopRow>(topRowsSql(projects, where, limit), projects),
  ]);
  return {
    projects: Number(summary[0]?.projects ?? 0),
    budget: summary[0]?.budget ?? '0',
    rows: await describe(m, top),
  };
}

/** Add project names and agency names to the rows on screen (two small lookups). */
async function describe(m: Manifest, top: TopRow[]): Promise<ResultRow[]> {
  if (top.length === 0) return [];
  const years = [...new Set(top.map((r) => Number(r.fiscal_year)))];
  // Big years are split into parts by project id: read only the parts that hold these rows.
  const ids = top.map((r) => r.project_id);
  const details = tableFiles(m, 'details', years).filter(
    (f) =>
      f.key_min == null || ids.some((id) => id >= String(f.key_min) && id <= String(f.key_max)),
  );
  const agencies = tableFiles(m, 'agencies');
  const [names, depts] = await Promise.all([
    ask<{ project_id: string; project_name: string | null }>(detailsSql(details, ids), details),
    ask<{
      agency_id: number;
      dept_name: string;
      dept_sub_name: string | null;
      province: string | null;
    }>(agencyNamesSql(agencies, [...new Set(top.map((r) => Number(r.agency_id)))]), agencies),
  ]);
  const nameOf = new Map(names.map((n) => [n.project_id, n.project_name]));
  const deptOf = new Map(depts.map((d) => [Number(d.agency_id), d]));
  return top.map((r) => {
    const d = deptOf.get(Number(r.agency_id));
    return {
      project_id: r.project_id,
      fiscal_year: Number(r.fiscal_year),
      budget: r.budget,
      agreed: r.agreed,
      project_name: nameOf.get(r.project_id) ?? null,
      dept_name: d?.dept_name ?? null,
      dept_sub_name: d?.dept_sub_name ?? null,
      province: d?.province ?? null,
    };
  });
}

export async function suggestAgencies(m: Manifest, text: string, limit = 30): Promise<string[]> {
  const t = text.trim();
  if (t.length < 2) return [];
  const files = tableFiles(m, 'agencies');
  const r = await ask<{ dept_name: string }>(agencySuggestSql(files, t, limit), files);
  return r.map((x) => x.dept_name);
}
