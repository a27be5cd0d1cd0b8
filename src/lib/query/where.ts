/**
 * The WHERE clause of a resolved filter on one source: one arm per constrained dimension, written
 * by its kind (plan.ts `DIMS`). Values are bound parameters; the literal bounds beside them only
 * let DuckDB skip row groups (sql.ts `sqlNumber`).
 */
import { hitsTable, type SearchHits } from './hits';
import {
  activeDims,
  column,
  DIMS,
  type Dim,
  type FacetIds,
  type Resolved,
  type Source,
} from './plan';
import { inList, range, sqlNumber, type Param, type Sql } from './sql';

/**
 * Projects among a search's hits (or a flag's). The hits' `project_seq` range is also written as literal
 * bounds: the facts are stored in that order, so the scans skip row groups outside it (the
 * fiscal years already chose the files).
 */
function hitsWhere(h: SearchHits): string {
  if (h.rows === 0 || h.seqMin === null || h.seqMax === null) return 'FALSE';
  const bound = `project_seq BETWEEN ${sqlNumber(h.seqMin)} AND ${sqlNumber(h.seqMax)}`;
  const rank = h.rank === undefined ? '' : ` WHERE rank = ${sqlNumber(h.rank)}`;
  return `${bound} AND project_seq IN (SELECT project_seq FROM ${hitsTable(h.table)}${rank})`;
}

function facetWhere(col: string, f: FacetIds, params: Param[]): string {
  const list = f.ids.length ? `(${inList(col, f.ids, params)})` : 'FALSE';
  return f.nulls ? `(${list} OR ${col} IS NULL)` : list;
}

/** The join that brings a search's `rank` to project rows (empty without a search). */
export function rankJoin(r: Resolved, alias: string): string {
  return r.search
    ? ` JOIN (SELECT project_seq, rank FROM ${hitsTable(r.search.table)}) AS ${alias} USING (project_seq)`
    : '';
}

function arm(source: Source, r: Resolved, d: Dim, params: Param[]): string {
  const col = column(source, d);
  switch (DIMS[d].kind) {
    // Years as ids: with their literal range a file ordered by year (the pre-aggregates) is read
    // for the chosen years only.
    case 'years':
    case 'ids':
      return inList(col, r[d] as number[], params);
    case 'facet':
      return facetWhere(col, r[d] as FacetIds, params);
    case 'range':
      return range(col, r[d] as [number | null, number | null], params);
    case 'dates':
      return range(col, r[d] as [string | null, string | null], params, '::DATE');
    case 'hits':
      return hitsWhere(r[d] as SearchHits);
  }
}

/** WHERE for a source; `except` leaves one dimension out (facets). */
export function where(source: Source, r: Resolved, except?: Dim): Sql {
  const params: Param[] = [];
  const parts = activeDims(r, except).map((d) => arm(source, r, d, params));
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
