/**
 * Integrity flags and data-quality findings (docs/flags.md). Each is a rule over the published
 * facts, written as SQL anyone can read, with thresholds the user can change (kept in the URL).
 * A flag is a question to ask, never proof of wrongdoing.
 *
 * Every rule is decided per project and needs nothing outside the project's agency and fiscal
 * years (the bunching, splitting and concentration rules compare an agency with itself). So a
 * flag is computed once for a scope (fiscal years × agencies of the filters) into a table of
 * `(project_seq, flagged)` with one row per project the rule could be computed for (coverage);
 * the other filters then count or select among those rows like any other dimension.
 *
 * Pure apart from the `ask` function it is given, so the site (DuckDB-WASM) and the tests
 * (native DuckDB) run the same code. Threshold values are bound parameters.
 */
import { tableFiles, type Manifest } from '../schema/tables';
import { FLAGS, FLAG_IDS, thresholdValue, type FlagId, type Thresholds } from './flag-defs';
import { sourceFiles, type Ask } from './aggregate';
import { RULES } from './flag-rules';
import { hitsTable, hitsTableName, type SearchHits } from './hits';
import { hitStats } from './search';
import { activeDims, ALL_ROWS, rowSource, type Resolved } from './plan';
import { parquet, type Param, type Sql } from './sql';
import { bitCounts, bitScope, flagBit, flagsWithBits, type ProjectBits } from './flag-bits';
import { where } from './where';

/** Which projects a flag is computed over: fiscal years and agencies (empty / null: all). */
export interface FlagScope {
  fy: number[];
  agency: number[] | null;
  /**
   * Its agencies hold every row of the view (a vendor's profile: the agencies it won from), so
   * they narrow nothing: counted from the bits, the view's rows are not filtered by them (a busy
   * vendor's counts, which have no agency, then answer: agg_flags_vendor, schema 32).
   */
  holdsRows?: true;
}

interface Inputs {
  /** Project rows of the scope with their method bucket. */
  p: string;
  /** Contract rows of the scope. */
  c: string;
  vendors: string;
  pParams: Param[];
  cParams: Param[];
}

/** A project's method bucket comes from the small methods table. */
function inputs(m: Manifest, scope: FlagScope): Inputs {
  const r: Resolved = { ...ALL_ROWS, fy: scope.fy, agency: scope.agency };
  const wp = where('projects', r);
  const wc = where('contracts', r);
  const methods = parquet(tableFiles(m, 'methods'));
  return {
    p: `(SELECT p.*, mt.method_bucket FROM (SELECT * FROM ${parquet(tableFiles(m, 'projects', scope.fy))} ${wp.sql}) AS p
        LEFT JOIN (SELECT method_id, method_bucket FROM ${methods}) AS mt USING (method_id))`,
    c: `(SELECT * FROM ${parquet(tableFiles(m, 'contracts', scope.fy))} ${wc.sql})`,
    vendors: parquet(tableFiles(m, 'vendors')),
    pParams: wp.params,
    cParams: wc.params,
  };
}

/** The rule as SQL (flag-rules.ts) with these thresholds. */
function ruleSql(id: FlagId, t: Thresholds): { sql: string; params: Param[] } {
  return RULES[id]((key) => thresholdValue(t, key));
}

/** The rule's SQL as shown to users (the scope's rows named, thresholds as `?`). */
export function shownSql(id: FlagId, t: Thresholds): { sql: string; params: Param[] } {
  const q = ruleSql(id, t);
  return {
    sql: q.sql
      .replace(/\{p\}/g, 'projects')
      .replace(/\{c\}/g, 'contracts')
      .replace(/\{vendors\}/g, 'vendors'),
    params: q.params,
  };
}

/**
 * A flag's rule over named tables or subqueries (`p`: projects with their `method_bucket`), the
 * thresholds written in: the SQL console's examples and the ingest's flags (flag-bits.ts) run it.
 */
export function ruleOver(
  id: FlagId,
  t: Thresholds,
  from: { p: string; c: string; vendors: string },
): string {
  const q = ruleSql(id, t);
  let n = 0;
  return q.sql
    .replace(/\{p\}/g, from.p)
    .replace(/\{c\}/g, from.c)
    .replace(/\{vendors\}/g, from.vendors)
    .replace(/\?/g, () => {
      const v = q.params[n++];
      return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
    });
}

/**
 * The tables `projects`, `contracts`, `vendors` and `methods` by name (the SQL console's views, the
 * ingest's tables) as a rule's inputs; `where` narrows the projects and contracts alike.
 */
export function namedTables(where = ''): { p: string; c: string; vendors: string } {
  const projects = where ? `(SELECT * FROM projects ${where})` : 'projects';
  return {
    p: `(SELECT p.*, m.method_bucket FROM ${projects} p LEFT JOIN methods m ON m.method_id = p.method_id)`,
    c: where ? `(SELECT * FROM contracts ${where})` : 'contracts',
    vendors: 'vendors',
  };
}

/**
 * A flag's rule as the SQL console runs it (/sql examples): over the whole dataset's tables, the
 * thresholds written in, counting the projects it flags among those it could be computed for.
 */
export function consoleFlagSql(id: FlagId, t: Thresholds): string {
  const rule = ruleOver(id, t, namedTables());
  return `-- ${id}: ${FLAGS[id].name.en}\nWITH rule AS (\n${rule}\n)\nSELECT count(*) FILTER (WHERE flagged) AS flagged, count(*) AS covered FROM rule`;
}

/** The SQL that fills a flag's table over a scope, with its parameters in order. */
export function flagSql(id: FlagId, m: Manifest, scope: FlagScope, t: Thresholds): Sql {
  const rule = ruleSql(id, t);
  const ins = inputs(m, scope);
  // Each {p} / {c} expands to a subquery with its own scope parameters, in text order.
  const params: Param[] = [];
  let ruleParam = 0;
  const sql = rule.sql.replace(/\{p\}|\{c\}|\{vendors\}|\?/g, (tok) => {
    if (tok === '{p}') {
      params.push(...ins.pParams);
      return ins.p;
    }
    if (tok === '{c}') {
      params.push(...ins.cParams);
      return ins.c;
    }
    if (tok === '{vendors}') return ins.vendors;
    params.push(rule.params[ruleParam++]!);
    return '?';
  });
  return { sql, params };
}

export interface FlagTable {
  id: FlagId;
  /** `flag_base_…`: (project_seq, flagged), one row per project covered. */
  table: string;
  /** Whether the snapshot holds what the rule needs at all. */
  computable: boolean;
}

function scopeKey(m: Manifest, scope: FlagScope): (string | number)[] {
  return [m.snapshot_id, ...scope.fy, '|', ...(scope.agency ?? ['all'])];
}

/** The thresholds a rule reads, in order (what its table's name depends on). */
function usedThresholds(id: FlagId, t: Thresholds): number[] {
  return FLAGS[id].thresholds.map((x) => thresholdValue(t, x.key));
}

/** Compute a flag over a scope into its table (once: the same flag and scope reuse it). */
export async function runFlag(
  ask: Ask,
  m: Manifest,
  id: FlagId,
  scope: FlagScope,
  t: Thresholds,
): Promise<FlagTable> {
  const table = hitsTableName(
    [id, ...usedThresholds(id, t), '|', ...scopeKey(m, scope)],
    'flag_base',
  );
  const ok = tableFiles(m, 'projects', scope.fy).length > 0;
  const q = ok
    ? flagSql(id, m, scope, t)
    : {
        sql: 'SELECT NULL::INTEGER AS project_seq, NULL::BOOLEAN AS flagged WHERE FALSE',
        params: [],
      };
  await ask(
    { sql: `CREATE TABLE IF NOT EXISTS ${hitsTable(table)} AS ${q.sql}`, params: q.params },
    [
      ...tableFiles(m, 'projects', scope.fy),
      ...tableFiles(m, 'contracts', scope.fy),
      ...tableFiles(m, 'methods'),
      ...(id === 'Q1' ? tableFiles(m, 'vendors') : []),
    ],
  );
  return { id, table, computable: ok };
}

/** The projects flagged by any of several flags (the explorer's `flag=` filter). */
export async function flaggedHits(
  ask: Ask,
  m: Manifest,
  tables: readonly FlagTable[],
): Promise<SearchHits> {
  const table = hitsTableName(
    tables.map((x) => x.table),
    'flag_hits',
  );
  const union = tables
    .map((x) => `SELECT project_seq FROM ${hitsTable(x.table)} WHERE flagged`)
    .join('\nUNION\n');
  await ask({ sql: `CREATE TABLE IF NOT EXISTS ${hitsTable(table)} AS ${union}`, params: [] }, []);
  return { table, ...(await hitStats(ask, m, table)) };
}

/** The scope a set of filters implies: only years and agencies shape what a rule compares. */
export function scopeOf(r: Resolved): FlagScope {
  return { fy: r.fy, agency: r.agency };
}

/** Views made so far in this page (each gets its own table name). */
let views = 0;

/**
 * The projects under the filters beyond a flag's scope (ids only), kept as a table so every flag
 * is counted against it without reading the facts again; null when no filter goes beyond the
 * scope (a flag's own table then answers). `drop` removes it once the counts are taken.
 */
export async function flagView(
  ask: Ask,
  m: Manifest,
  r: Resolved,
): Promise<{ table: string | null; drop: () => Promise<void> }> {
  const none = { table: null, drop: async () => {} };
  if (activeDims(r).every((d) => d === 'fy' || d === 'agency')) return none;
  const source = rowSource(r);
  const fs = sourceFiles(m, source, r);
  const w = where(source, r);
  const table = hitsTableName([m.snapshot_id, Date.now(), ++views, w.sql], 'flag_view');
  const rows = fs.length
    ? `SELECT DISTINCT project_seq FROM ${parquet(fs)} ${w.sql}`
    : 'SELECT NULL::INTEGER AS project_seq WHERE FALSE';
  await ask(
    { sql: `CREATE TABLE ${hitsTable(table)} AS ${rows}`, params: fs.length ? w.params : [] },
    fs,
  );
  return {
    table,
    drop: async () =>
      void (await ask({ sql: `DROP TABLE IF EXISTS ${hitsTable(table)}`, params: [] }, [])),
  };
}

/** How many projects of the view (or of the whole scope, `view` null) a flag covers and flags. */
export function flagCountSql(flag: FlagTable, view: string | null): Sql {
  const counts =
    'count(*)::INTEGER AS covered, count(*) FILTER (WHERE f.flagged)::INTEGER AS flagged';
  return {
    sql: view
      ? `SELECT ${counts} FROM ${hitsTable(view)} AS p JOIN ${hitsTable(flag.table)} AS f USING (project_seq)`
      : `SELECT ${counts} FROM ${hitsTable(flag.table)} AS f`,
    params: [],
  };
}

export interface FlagCount {
  id: FlagId;
  /** Projects under the filters the rule could be computed for, and those it flags. */
  covered: number;
  flagged: number;
  /** False when the snapshot has no project rows for the scope's years. */
  computable: boolean;
}

/** The filters narrowed to a flag scope's years and agencies (the projects the scope counts). */
function inScope(r: Resolved, scope: FlagScope): Resolved {
  const both = <T>(a: T[] | null, b: T[] | null) =>
    a === null ? b : b === null ? a : a.filter((x) => b.includes(x));
  return {
    ...r,
    fy: scope.fy.length ? (both(r.fy.length ? r.fy : null, scope.fy) ?? []) : r.fy,
    agency: both(r.agency, scope.agency),
  };
}

/**
 * Every flag's counts under the filters. `tableFor` makes (or reuses) a flag's table; `scope`
 * defaults to the filters' years and agencies. With the thresholds `th`, the flags the ingest
 * computed with the same rule (flag-bits.ts: one year or all, the default thresholds) are counted
 * from the bits on the rows the view reads; the others from their tables.
 */
export async function countFlags(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  tableFor: (id: FlagId, scope: FlagScope) => Promise<FlagTable>,
  scope: FlagScope = scopeOf(r),
  th: Thresholds | null = null,
): Promise<FlagCount[]> {
  const kind = bitScope(scope.fy);
  const ids = th && kind ? flagsWithBits(m, th) : [];
  const rows = inScope(r, scope.holdsRows ? { fy: scope.fy, agency: null } : scope);
  const fromBits = ids.length ? await bitCounts(ask, m, rows, kind!, ids) : null;
  const computable = tableFiles(m, 'projects', scope.fy).length > 0;
  const got = new Map<FlagId, FlagCount>((fromBits ?? []).map((x) => [x.id, { ...x, computable }]));
  const rest = FLAG_IDS.filter((id) => !got.has(id));
  if (rest.length) {
    const tables = await Promise.all(rest.map((id) => tableFor(id, scope)));
    const view = await flagView(ask, m, r);
    try {
      await Promise.all(
        tables.map(async (table) => {
          const [row] = await ask(flagCountSql(table, view.table), []);
          got.set(table.id, {
            id: table.id,
            covered: Number(row?.covered ?? 0),
            flagged: Number(row?.flagged ?? 0),
            computable: table.computable,
          });
        }),
      );
    } finally {
      await view.drop();
    }
  }
  return FLAG_IDS.map((id) => got.get(id)!);
}

export type ProjectFlag = 'flagged' | 'clear' | 'not_covered';

/** What the bits of a project's row (flag-bits.ts `projectBits`) say of the flags they answer. */
export function bitFlags(bits: ProjectBits | null): Partial<Record<FlagId, ProjectFlag>> {
  const out: Partial<Record<FlagId, ProjectFlag>> = {};
  for (const id of bits?.ids ?? []) {
    const bit = flagBit(id);
    out[id] =
      (bits!.covered & bit) === 0 ? 'not_covered' : bits!.flagged & bit ? 'flagged' : 'clear';
  }
  return out;
}

/**
 * What each flag says of one project (computed over its agency and fiscal year): from the bits of
 * its row (`bits`, flag-bits.ts `projectBits`) for the flags the ingest computed with the same
 * rule, from the flag's table otherwise.
 */
export async function projectFlags(
  ask: Ask,
  project: { project_seq: number; fiscal_year: number; agency_id: number },
  tableFor: (id: FlagId, scope: FlagScope) => Promise<FlagTable>,
  bits: ProjectBits | null = null,
): Promise<Record<FlagId, ProjectFlag>> {
  const scope: FlagScope = { fy: [project.fiscal_year], agency: [project.agency_id] };
  const out = bitFlags(bits) as Record<FlagId, ProjectFlag>;
  for (const id of FLAG_IDS) {
    if (out[id]) continue;
    const t = await tableFor(id, scope);
    const [row] = await ask(
      {
        sql: `SELECT flagged FROM ${hitsTable(t.table)} WHERE project_seq = ?`,
        params: [project.project_seq],
      },
      [],
    );
    out[id] = row ? (row.flagged ? 'flagged' : 'clear') : 'not_covered';
  }
  return out;
}
