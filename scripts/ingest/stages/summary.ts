/** Stage: what the manifest and the landing page say about the data (counts per year, coverage). */
import {
  COVERED,
  type Manifest,
  type Summary,
  type YearCoverage,
} from '../../../src/lib/schema/tables.ts';
import type { StageDb } from './db.ts';

/** Per fiscal year: its projects and contracts, and how many have each field (`COVERED`). */
export async function coverage(db: StageDb): Promise<Manifest['coverage']> {
  const counts = (cols: readonly string[]) =>
    cols.map((c) => `count(${c})::INTEGER AS ${c}`).join(', ');
  const p = await db.rows(`SELECT fiscal_year, count(*)::INTEGER AS n, ${counts(COVERED.projects)}
    FROM projects LEFT JOIN (SELECT project_seq, method_raw FROM details) USING (project_seq)
    GROUP BY fiscal_year`);
  const c = await db.rows(`SELECT fiscal_year, count(*)::INTEGER AS n,
      ${counts(COVERED.contracts.filter((x) => x !== 'vendor_tin'))},
      count(*) FILTER (WHERE v.tin_status = 'valid')::INTEGER AS vendor_tin
    FROM contracts LEFT JOIN vendors v USING (vendor_id) GROUP BY fiscal_year`);
  const out: Manifest['coverage'] = {};
  for (const y of p) {
    const k = String(y.fiscal_year);
    const cy = c.find((x) => String(x.fiscal_year) === k);
    const fields = Object.fromEntries(
      [...COVERED.projects, ...COVERED.contracts].map((f) => [f, Number(y[f] ?? cy?.[f] ?? 0)]),
    ) as YearCoverage['fields'];
    out[k] = { projects: Number(y.n), contracts: Number(cy?.n ?? 0), fields };
  }
  return out;
}

/** Rows for the prerendered landing page, computed once here rather than in every browser. */
export async function summary(db: StageDb): Promise<{
  by_year: Record<string, unknown>[];
  top_agencies: Record<string, unknown>[];
  totals: Record<string, unknown>;
  latest: Summary['latest'];
}> {
  const by_year = await db.rows(`SELECT p.fiscal_year, count(*)::INTEGER AS projects,
      coalesce(sum(p.contract_count), 0)::INTEGER AS contracts,
      coalesce(sum(p.budget), 0)::VARCHAR AS budget,
      (SELECT coalesce(sum(price_agree), 0) FROM contracts c WHERE c.fiscal_year = p.fiscal_year)::VARCHAR AS agreed
    FROM projects p GROUP BY p.fiscal_year ORDER BY p.fiscal_year`);
  const top_agencies = await db.rows(`SELECT a.dept_name, count(*)::INTEGER AS projects,
      coalesce(sum(p.budget), 0)::VARCHAR AS budget
    FROM projects p JOIN agencies a USING (agency_id)
    GROUP BY a.dept_name ORDER BY sum(p.budget) DESC NULLS LAST, a.dept_name LIMIT 20`);
  const totals = (
    await db.rows(`SELECT count(*)::INTEGER AS projects,
      coalesce(sum(contract_count), 0)::INTEGER AS contracts,
      coalesce(sum(budget), 0)::VARCHAR AS budget,
      (SELECT coalesce(sum(price_agree), 0) FROM contracts)::VARCHAR AS agreed FROM projects`)
  )[0]!;
  return { by_year, top_agencies, totals, latest: await latest(db) };
}

/** How many agencies and vendors the landing page charts for the latest year. */
export const LATEST_TOP = 10;

/** The latest fiscal year's largest agencies (by budget) and winners (by contract value). */
async function latest(db: StageDb): Promise<Summary['latest']> {
  const [y] = await db.rows(`SELECT max(fiscal_year) AS fy FROM projects`);
  if (y?.fy === null || y?.fy === undefined) return null;
  const fy = Number(y.fy);
  const agencies = await db.rows(`SELECT a.dept_name, count(*)::INTEGER AS projects,
      coalesce(sum(p.budget), 0)::VARCHAR AS budget
    FROM projects p JOIN agencies a USING (agency_id) WHERE p.fiscal_year = ${fy}
    GROUP BY a.dept_name ORDER BY sum(p.budget) DESC NULLS LAST, a.dept_name LIMIT ${LATEST_TOP}`);
  const vendors = await db.rows(`SELECT v.vendor_key, v.name, count(*)::INTEGER AS contracts,
      coalesce(sum(c.price_agree), 0)::VARCHAR AS agreed
    FROM contracts c JOIN vendors v USING (vendor_id) WHERE c.fiscal_year = ${fy}
    GROUP BY v.vendor_key, v.name
    ORDER BY sum(c.price_agree) DESC NULLS LAST, v.vendor_key LIMIT ${LATEST_TOP}`);
  return {
    fiscal_year: fy,
    agencies: agencies as unknown as NonNullable<Summary['latest']>['agencies'],
    vendors: vendors as unknown as NonNullable<Summary['latest']>['vendors'],
  };
}
