/**
 * The view's agencies at the agency (ministry or department) level: every unit of one name (its
 * sub-units and provinces, each its own agency row) summed, the largest budget first. The units'
 * sums come from the usual aggregate; their names from the small agencies table (61 KB at 6M
 * rows); the budgets are added as exact decimals.
 */
import { tableFiles, type Manifest } from '../schema/tables';
import { aggregateWith, type Ask } from './aggregate';
import type { Resolved } from './plan';
import { parquet } from './sql';
import { decimal, hundredths } from './decimal';

export interface WholeAgency {
  dept_name: string;
  /** How many of its units have projects in the view. */
  units: number;
  projects: number;
  /** Exact decimal, as DuckDB writes sums. */
  budget: string;
}

export async function wholeAgencies(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  limit = 10,
): Promise<WholeAgency[]> {
  const files = tableFiles(m, 'agencies');
  const [units, names] = await Promise.all([
    aggregateWith(ask, m, r, ['agency_id'], ['projects', 'budget']),
    ask({ sql: `SELECT agency_id, dept_name FROM ${parquet(files)}`, params: [] }, files),
  ]);
  const nameOf = new Map(names.map((x) => [Number(x.agency_id), String(x.dept_name)]));
  const sums = new Map<string, { units: number; projects: number; budget: bigint }>();
  for (const u of units) {
    const name = nameOf.get(Number(u.agency_id));
    if (name === undefined) continue;
    const s = sums.get(name) ?? { units: 0, projects: 0, budget: 0n };
    s.units++;
    s.projects += Number(u.projects ?? 0);
    s.budget += hundredths(u.budget);
    sums.set(name, s);
  }
  return [...sums]
    .sort(([an, a], [bn, b]) =>
      a.budget === b.budget ? an.localeCompare(bn) : a.budget > b.budget ? -1 : 1,
    )
    .slice(0, limit)
    .map(([dept_name, s]) => ({
      dept_name,
      units: s.units,
      projects: s.projects,
      budget: decimal(s.budget),
    }));
}
