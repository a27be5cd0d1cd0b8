/**
 * Aggregate SQL: `SELECT groups, measures … GROUP BY groups` on one source, and several groupings
 * over the same rows in one `GROUPING SETS` scan. Pure text and parameters.
 */
import type { ManifestFile } from '../schema/tables';
import {
  column,
  CONTRACT_ROWS,
  groupDim,
  isRows,
  PROJECT_MEASURES,
  type Dim,
  type Group,
  type Measure,
  type Resolved,
  type Source,
} from './plan';
import { parquet, sqlNumber, type Sql } from './sql';
import { where } from './where';

/** SQL of a measure on a pre-aggregate or on project rows. */
function measureSql(source: Source, m: Measure): string {
  if (!isRows(source)) return `coalesce(sum(${m}), 0)`;
  const both = 'price_build > 0 AND agreed IS NOT NULL';
  switch (m) {
    case 'projects':
      return 'count(*)';
    case 'budget':
      return 'coalesce(sum(budget), 0)';
    case 'ref_price':
      return `coalesce(sum(price_build) FILTER (WHERE ${both}), 0)`;
    case 'ref_agreed':
      return `coalesce(sum(agreed) FILTER (WHERE ${both}), 0)`;
    case 'contracts':
      return 'coalesce(sum(n), 0)';
    case 'agreed':
      return 'coalesce(sum(v), 0)';
  }
}

/** Money comes back as exact decimal text, counts as integers. */
function asResult(m: Measure, sql: string): string {
  return m === 'projects' || m === 'contracts' ? `${sql}::BIGINT::DOUBLE` : `${sql}::VARCHAR`;
}

export interface AggregateRequest {
  source: Source;
  files: readonly ManifestFile[];
  r: Resolved;
  groups: readonly Group[];
  measures: readonly Measure[];
  except?: Dim;
  /** Order by a measure, descending (ties by the groups); default: by the groups. */
  orderBy?: Measure;
  limit?: number;
}

/**
 * Contract rows grouped by `exprs`, with their count (`n`) and value (`v`); for project measures
 * by project first, with its money once (the same on each of its contracts).
 */
function contractGroups(
  source: Source,
  measures: readonly Measure[],
  exprs: readonly string[],
  from: string,
): string {
  const each = perProject(source, measures);
  const keys = each ? ['project_id', ...exprs] : [...exprs];
  const money = each
    ? [
        'any_value(budget) AS budget',
        'any_value(price_build) AS price_build',
        'any_value(agreed) AS agreed',
      ]
    : [];
  const inner = [...keys, ...money, 'count(*) AS n', 'sum(price_agree) AS v'].join(', ');
  return `(SELECT ${inner} FROM ${from}${keys.length ? ' GROUP BY ALL' : ''})`;
}

/**
 * `SELECT groups, measures FROM source WHERE … GROUP BY groups`. On contract rows, project
 * measures are taken once per project: rows are first grouped by project (its money is the same
 * on each of its contracts), then summed.
 */
export function aggregateSql(q: AggregateRequest): Sql {
  const w = where(q.source, q.r, q.except);
  const names = [...q.groups];
  const exprs = names.map((g) => {
    const col = column(q.source, groupDim(g));
    return col === g ? g : `${col} AS ${g}`;
  });
  const measures = q.measures.map((m) => `${asResult(m, measureSql(q.source, m))} AS ${m}`);
  let from = `${parquet(q.files)} ${w.sql}`;
  if (CONTRACT_ROWS.has(q.source)) from = contractGroups(q.source, q.measures, exprs, from);
  const select = (CONTRACT_ROWS.has(q.source) ? names : exprs).concat(measures).join(', ');
  const group = names.length ? ` GROUP BY ${names.join(', ')}` : '';
  const ties = names.length ? `, ${names.join(', ')}` : '';
  const order = q.orderBy
    ? ` ORDER BY ${measureSql(q.source, q.orderBy)} DESC${ties}`
    : names.length
      ? ` ORDER BY ${names.map((x) => `${x} NULLS LAST`).join(', ')}`
      : '';
  const limit = q.limit ? ` LIMIT ${Number(q.limit)}` : '';
  return { sql: `SELECT ${select} FROM ${from}${group}${order}${limit}`, params: w.params };
}

/** One grouping of a `groupingSetsSql` request, ordered and cut as `aggregateSql` would. */
export interface GroupingSet {
  groups: readonly Group[];
  orderBy?: Measure;
  limit?: number;
}

/** Several groupings over the same rows (one source, files and WHERE), asked in one scan. */
export interface GroupingSetsRequest {
  source: Source;
  files: readonly ManifestFile[];
  r: Resolved;
  except?: Dim;
  /** Each a different set of groups (the empty set is the totals). */
  sets: readonly GroupingSet[];
  measures: readonly Measure[];
}

/** Groups whose value differs between the contract rows of one project. */
const PER_CONTRACT: readonly Group[] = ['vendor_id', 'month'];

/** Whether contract rows must first be grouped by project for these measures (`aggregateSql`). */
export function perProject(source: Source, measures: readonly Measure[]): boolean {
  return CONTRACT_ROWS.has(source) && measures.some((m) => PROJECT_MEASURES.includes(m));
}

/**
 * Whether `groupingSetsSql` can ask these groups and measures of this source in one scan (see
 * there): on contract rows, project measures only by groups a project has one value of.
 */
export function groupable(
  source: Source,
  groups: readonly Group[],
  measures: readonly Measure[],
): boolean {
  return !perProject(source, measures) || groups.every((g) => !PER_CONTRACT.includes(g));
}

/**
 * `GROUP BY GROUPING SETS (…)`: each row carries `grouping_set`, the bitmask of the groups it
 * does not group by (`groupingSetMask`), and `rank_in_set`, its place in its set's order (that
 * of `aggregateSql`: by the set's measure descending, then by its groups, nulls last), and each
 * set is cut at its limit. On contract rows, project measures only by groups a project has one
 * value of (its year, agency, province, method …): the rows are grouped by project and those
 * groups first, as in `aggregateSql`, and every set sums the projects.
 */
export function groupingSetsSql(q: GroupingSetsRequest): Sql {
  if (
    !groupable(
      q.source,
      q.sets.flatMap((x) => x.groups),
      q.measures,
    )
  )
    throw new Error('project measures are asked of contract rows only by project-level groups');
  const w = where(q.source, q.r, q.except);
  const names = groupingNames(q.sets.map((x) => x.groups));
  if (names.length === 0) throw new Error('grouping sets need a group');
  const contracts = CONTRACT_ROWS.has(q.source);
  const cols = names.map((g) => (contracts ? g : column(q.source, groupDim(g))));
  const exprs = names.map((g) => {
    const col = column(q.source, groupDim(g));
    return col === g ? g : `${col} AS ${g}`;
  });
  const byMeasure = [...new Set(q.sets.flatMap((x) => (x.orderBy ? [x.orderBy] : [])))];
  const measures = [
    ...q.measures.map((m) => `${asResult(m, measureSql(q.source, m))} AS ${m}`),
    ...byMeasure.map((m) => `${measureSql(q.source, m)} AS order_${m}`),
  ];
  let from = `${parquet(q.files)} ${w.sql}`;
  if (contracts) from = contractGroups(q.source, q.measures, exprs, from);
  const sets = q.sets.map((x) => `(${x.groups.map((g) => cols[names.indexOf(g)]).join(', ')})`);
  const grouped = `SELECT ${[
    ...(contracts ? names : exprs),
    `grouping(${cols.join(', ')})::INTEGER AS grouping_set`,
    ...measures,
  ].join(', ')} FROM ${from} GROUP BY GROUPING SETS (${sets.join(', ')})`;
  // Each set's order: per set a CASE that is null in the other sets' rows.
  const when = (pick: (x: GroupingSet) => string | null, otherwise = 'NULL') => {
    const arms = q.sets.flatMap((x) => {
      const v = pick(x);
      return v === null
        ? []
        : [`WHEN grouping_set = ${groupingSetMask(names, x.groups)} THEN ${v}`];
    });
    return arms.length ? `CASE ${arms.join(' ')} ELSE ${otherwise} END` : otherwise;
  };
  const keys = [
    ...byMeasure.map(
      (m) => `${when((x) => (x.orderBy === m ? `order_${m}` : null))} DESC NULLS LAST`,
    ),
    ...Array.from(
      { length: Math.max(...q.sets.map((x) => x.groups.length)) },
      (_, k) => `${when((x) => x.groups[k] ?? null)} NULLS LAST`,
    ),
  ];
  const ranked = `SELECT *, row_number() OVER (PARTITION BY grouping_set ORDER BY ${keys.join(', ')}) AS rank_in_set FROM (${grouped})`;
  const limit = (x: GroupingSet) => (x.limit ? sqlNumber(Math.floor(x.limit)) : null);
  const cut = q.sets.some(limit)
    ? ` WHERE rank_in_set <= ${when(limit, sqlNumber(Number.MAX_SAFE_INTEGER))}`
    : '';
  return { sql: `SELECT * FROM (${ranked})${cut}`, params: w.params };
}

/** Every group of the sets, in first-seen order (the order of `grouping(…)`'s bits). */
export function groupingNames(sets: readonly (readonly Group[])[]): Group[] {
  return [...new Set(sets.flat())];
}

/** The `grouping_set` value of the rows that group by exactly `set`. */
export function groupingSetMask(names: readonly Group[], set: readonly Group[]): number {
  return names.reduce(
    (mask, g, i) => (set.includes(g) ? mask : mask | (1 << (names.length - 1 - i))),
    0,
  );
}
