/**
 * The headline files' overviews (OverviewParts in src/lib/headline/files.ts): for the national
 * view and each agency name, over all years and per year, the facets and charts the explorer's
 * batch asks (query/overview.ts), in the order its SQL returns them (query/aggregate-sql.ts), so the
 * browser shapes both alike. One GROUPING SETS scan per part gives the four levels at once; the
 * tests check every view against the engine's planner on the same data.
 */
import {
  emptyParts,
  type AgencyTuple,
  type OverviewParts,
} from '../../../src/lib/headline/files.ts';
import { facetsAskedUnder } from '../../../src/lib/query/filters/resolve.ts';
import type { StageDb } from './db.ts';

/** A view's key: `name|fy`, either part empty for every name (national) or every year. */
export const viewKey = (name: string | null, fy: number | null): string =>
  `${name ?? ''}|${fy ?? ''}`;

/**
 * What names the views: agency names (with the national view), frequent words (their hits,
 * `word_hits` of stages/search-index.ts, joined by project), or busy vendors (the projects they
 * won, and their own contracts).
 */
export interface Scope {
  /** The name's expression, over a fact table's rows `t` and `join`. */
  name: string;
  join: string;
  /** Joined to contract rows instead (the month chart, the top vendors); default `join`. */
  contractJoin?: string;
  /** Also the levels of every name (the national view). */
  national: boolean;
  /** The top agencies from the agency pre-aggregate (it has no project to join a word's hits by). */
  unitsFromAggregate: boolean;
  /**
   * The facets the views are of (one, or two for a pair), whose counts they take from another
   * view (not computed); the facets asked under them are counted (a province's districts).
   */
  ownFacets?: readonly string[];
  /** Only each name over all years (the views of a province with another facet: files.ts). */
  allYearsOnly?: true;
}

export const BY_AGENCY_NAME: Scope = {
  name: 'a.dept_name',
  join: 'JOIN agencies a USING (agency_id)',
  national: true,
  unitsFromAggregate: true,
};

/** The frequent words' hits (stages/search-index.ts): word, project_seq, rank. */
export const WORD_HITS = `(SELECT word, project_seq, rank FROM word_hits JOIN frequent_words USING (word_no))`;

export const BY_WORD: Scope = {
  name: 'w.word',
  join: `JOIN ${WORD_HITS} w USING (project_seq)`,
  national: false,
  unitsFromAggregate: false,
};

/**
 * (Schema 47) Each frequent word's hits in a search of all fields (`qin=all`): its names' hits and
 * the projects an agency's or a winner's name adds (rank 2; stages/search-index.ts `ownerHits`).
 */
export const WORD_ALL_FIELDS = `(SELECT word_no, project_seq, rank FROM word_hits
  UNION ALL SELECT word_no, project_seq, 2::TINYINT AS rank FROM owner_hits)`;

/** The searches of all fields with files of their own (table `words_all`: word_no). */
export const BY_WORD_ALL: Scope = {
  ...BY_WORD,
  join: `JOIN (SELECT word, project_seq, rank FROM ${WORD_ALL_FIELDS}
    JOIN words_all USING (word_no) JOIN frequent_words USING (word_no)) w USING (project_seq)`,
};

/** Vendors with a view of their own in the headline files (stages/headline-vendors.ts). */
export const BY_VENDOR: Scope = {
  name: 'v.vendor_key',
  join: `JOIN (SELECT DISTINCT vendor_key, project_seq FROM contracts JOIN busy_vendors USING (vendor_id))
    v USING (project_seq)`,
  contractJoin: 'JOIN busy_vendors v USING (vendor_id)',
  national: false,
  unitsFromAggregate: false,
};

/**
 * `cols` (expression, name) grouped at the levels (name × year, name, and with `national` year
 * and none) of `table`'s rows (`t`) joined as the scope says.
 */
function levels(s: Scope, table: string, cols: [string, string][], measures: string): string {
  const join = table === 'contracts' ? (s.contractJoin ?? s.join) : s.join;
  const c = cols.map((x) => x[0]).join(', ');
  const named = cols.map(([e, n]) => `${e} AS ${n}`).join(', ');
  // (grouping() only of a column some set groups by.)
  const year =
    s.allYearsOnly && !s.national
      ? `''`
      : `CASE WHEN grouping(t.fiscal_year) = 1 THEN '' ELSE t.fiscal_year::VARCHAR END`;
  const key = `CASE WHEN grouping(${s.name}) = 1 THEN '' ELSE ${s.name} END || '|' || ${year} AS k`;
  const sets = [`(${s.name}, ${c})`];
  if (!s.allYearsOnly) sets.unshift(`(${s.name}, t.fiscal_year, ${c})`);
  if (s.national) sets.push(`(t.fiscal_year, ${c})`, `(${c})`);
  return `SELECT ${key}, ${named}, ${measures}
    FROM ${table} t ${join}
    GROUP BY GROUPING SETS (${sets.join(', ')})`;
}

/** Each level's first `n` rows by `order` (the planner's: measure descending, ties by the id). */
const top = (sql: string, order: string, n: number) =>
  `SELECT * FROM (${sql}) QUALIFY row_number() OVER (PARTITION BY k ORDER BY ${order}) <= ${n}`;

const money = (x: string) => `coalesce(sum(${x}), 0)::VARCHAR`;
/** A nullable number as DuckDB returns it. */
export const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

/** Every view's parts, by `viewKey`; `agencies`: every agency's tuple, by id. */
export async function overviews(
  db: StageDb,
  agencies: ReadonlyMap<number, AgencyTuple>,
  scope: Scope,
): Promise<Map<string, OverviewParts>> {
  const out = new Map<string, OverviewParts>();
  const of = (k: unknown) => {
    let p = out.get(String(k));
    if (!p) out.set(String(k), (p = emptyParts()));
    return p;
  };
  // The facets a view with no facet filter asks.
  const own = scope.ownFacets ?? [];
  for (const def of facetsAskedUnder(own).filter((d) => !own.includes(d.key))) {
    const sql = levels(scope, 'projects', [[`t.${def.id}`, 'id']], 'count(*)::INTEGER AS projects');
    for (const r of await db.rows(`${sql} ORDER BY k, projects DESC, id NULLS LAST`))
      (of(r.k).facets[def.key] ??= []).push([num(r.id), Number(r.projects)]);
  }
  // The chart's year is a column apart from the level's, so that grouping() tells the levels apart.
  const ym = levels(
    scope,
    '(SELECT *, fiscal_year AS fy FROM projects)',
    [
      ['t.fy', 'fy'],
      ['t.method_id', 'method_id'],
    ],
    `count(*)::INTEGER AS projects, ${money('budget')} AS budget`,
  );
  for (const r of await db.rows(`${ym} ORDER BY k, fy NULLS LAST, method_id NULLS LAST`))
    of(r.k).ym.push([Number(r.fy), num(r.method_id), Number(r.projects), String(r.budget)]);
  const month = levels(
    scope,
    'contracts',
    [['month(t.contract_date)', 'month']],
    `count(*)::INTEGER AS contracts, ${money('price_agree')} AS agreed`,
  );
  for (const r of await db.rows(`${month} ORDER BY k, month NULLS LAST`))
    of(r.k).month.push([num(r.month), Number(r.contracts), String(r.agreed)]);
  const units = levels(
    scope,
    scope.unitsFromAggregate ? 'agg_agency_year' : 'projects',
    [['t.agency_id', 'agency_id']],
    `${scope.unitsFromAggregate ? 'sum(t.projects)' : 'count(*)'}::INTEGER AS projects,
      coalesce(sum(t.budget), 0) AS b`,
  );
  for (const r of await db.rows(
    `${top(units, 'b DESC, agency_id', 10)} ORDER BY k, b DESC, agency_id`,
  ))
    of(r.k).agencies.push([Number(r.agency_id), Number(r.projects), String(r.b)]);
  const vendors = levels(
    scope,
    'contracts',
    [['t.vendor_id', 'vendor_id']],
    `count(*)::INTEGER AS contracts, coalesce(sum(t.price_agree), 0) AS v`,
  );
  for (const r of await db.rows(
    `${top(vendors, 'v DESC, vendor_id NULLS LAST', 11)} ORDER BY k, v DESC, vendor_id NULLS LAST`,
  ))
    of(r.k).vendors.push([num(r.vendor_id), Number(r.contracts), String(r.v)]);
  await names(db, out, agencies);
  return out;
}

/** The top agencies' and vendors' names, as the engine looks them up by id (query/lookups.ts). */
async function names(
  db: StageDb,
  out: Map<string, OverviewParts>,
  agencies: ReadonlyMap<number, AgencyTuple>,
): Promise<void> {
  const vendorIds = new Set(
    [...out.values()].flatMap((p) => p.vendors.flatMap((x) => (x[0] === null ? [] : [x[0]]))),
  );
  const vendors = new Map<number, OverviewParts['vendorNames'][string]>();
  for (const v of await db.rows(`SELECT vendor_id, vendor_key, tin, tin_status, name,
      linked_contracts, name_tins FROM vendors WHERE vendor_id IN (${[...vendorIds].join(', ') || 'NULL'})`))
    vendors.set(Number(v.vendor_id), [
      String(v.vendor_key),
      (v.tin as string | null) ?? null,
      (v.tin_status as string | null) ?? null,
      (v.name as string | null) ?? null,
      Number(v.linked_contracts),
      num(v.name_tins),
    ]);
  for (const p of out.values()) {
    for (const [id] of p.agencies) p.agencyNames[String(id)] = agencies.get(id)!;
    for (const [id] of p.vendors) if (id !== null) p.vendorNames[String(id)] = vendors.get(id)!;
  }
}
