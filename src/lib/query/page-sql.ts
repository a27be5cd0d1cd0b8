/** The results table's SQL: one page of projects in the chosen order. */
import type { ManifestFile } from '../schema/tables';
import type { Sort } from './filters';
import { CONTRACT_ROWS, type Resolved, type Source } from './plan';
import { parquet, type Sql } from './sql';
import { rankJoin, where } from './where';

/** Table order (ties by project id, so pages and exports are stable); on the inner alias `q`. */
export const SORT_SQL: Record<Sort, string> = {
  '-budget': 'q.budget DESC NULLS LAST, q.project_id',
  budget: 'q.budget ASC NULLS LAST, q.project_id',
  '-agreed': 'q.agreed DESC NULLS LAST, q.project_id',
  agreed: 'q.agreed ASC NULLS LAST, q.project_id',
  '-fy': 'q.fiscal_year DESC, q.project_id',
  fy: 'q.fiscal_year ASC, q.project_id',
};

/**
 * One page of projects. On contract rows a project appears once, with the value of its
 * matching contracts (`contract_value`).
 */
export function rowsSql(
  source: Source,
  files: readonly ManifestFile[],
  r: Resolved,
  sort: Sort,
  limit: number,
  offset: number,
): Sql {
  const w = where(source, r);
  const cols =
    'project_id, project_seq, fiscal_year, agency_id, method_id, budget::VARCHAR AS budget, agreed::VARCHAR AS agreed';
  const inner = CONTRACT_ROWS.has(source)
    ? `(SELECT project_id, any_value(project_seq) AS project_seq, any_value(fiscal_year) AS fiscal_year, any_value(agency_id) AS agency_id,
         any_value(method_id) AS method_id, any_value(budget) AS budget, any_value(agreed) AS agreed,
         count(*) AS contracts, sum(price_agree) AS contract_value
       FROM ${parquet(files)} ${w.sql} GROUP BY project_id)`
    : `(SELECT *, contract_count AS contracts, NULL::DECIMAL(18,2) AS contract_value FROM ${parquet(files)} ${w.sql})`;
  // Order on the inner DECIMAL columns (q.*), not the text aliases; the page gets exact text.
  // A search ranks whole-word matches first, then the chosen order.
  return {
    sql: `SELECT ${cols}, contracts::INTEGER AS contracts, contract_value::VARCHAR AS contract_value${
      r.search ? ', h.rank::INTEGER AS rank' : ''
    }
      FROM ${inner} AS q${rankJoin(r, 'h')} ORDER BY ${r.search ? 'h.rank, ' : ''}${SORT_SQL[sort]} LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
    params: w.params,
  };
}
