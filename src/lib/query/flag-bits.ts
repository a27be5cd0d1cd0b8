/**
 * The flags the ingest computed (schema 27): every project's flags at the default thresholds, over
 * its own fiscal year and over all years, as bits on its `projects` row and on its rows of
 * `contracts_by_vendor` (bit i: `FLAG_IDS[i]`). Those are the scopes a profile (all years), a
 * project (its year) and the explorer's panel under one year or none ask; the rules compare an
 * agency with itself, so a project's flag is the same whichever agencies the scope also holds.
 *
 * The ingest runs the site's own rule SQL (flag-rules.ts) over its tables; the manifest records a
 * key of each rule's SQL and thresholds (`flag_bits`), and the site counts from the bits only
 * where its rule has the same key (default thresholds, the same rule). Anything else (changed
 * thresholds, several years, a row source without the bits, older data) runs the rule as before.
 * Pure apart from the `ask` function it is given.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  FLAG_COUNT_TABLES,
  flagCountColumn,
  VENDOR_FLAG_COUNTS,
  type BitScope,
  type FLAG_BITS,
  type Manifest,
} from '../schema/tables';
import { FLAG_IDS, thresholdValue, type FlagId, type Thresholds } from './flag-defs';
import { RULES } from './flag-rules';
import { absentFor, sourceFiles, type Ask } from './aggregate';
import { candidates, type Resolved, type Source } from './plan';
import { parquet, sqlNumber, type Sql } from './sql';
import { where } from './where';

/** Per scope: the columns (tables.ts FLAG_BITS) of the flags computed for a project and raised. */
export const FLAG_BIT_COLUMNS = {
  year: { covered: 'flags_year_covered', flagged: 'flags_year' },
  all: { covered: 'flags_all_covered', flagged: 'flags_all' },
} as const satisfies Record<BitScope, Record<string, (typeof FLAG_BITS)[number]>>;

/** A flag's bit in the columns. */
export const flagBit = (id: FlagId): number => 1 << FLAG_IDS.indexOf(id);

/** A key of a rule's SQL with these thresholds: equal keys, equal flags. */
export function ruleKey(id: FlagId, t: Thresholds): string {
  const q = RULES[id]((key) => thresholdValue(t, key));
  const text = JSON.stringify([id, q.sql, q.params.map(String)]);
  return bytesToHex(sha256(utf8ToBytes(text))).slice(0, 16);
}

/** Every rule's key at the default thresholds (what the ingest computes the bits with). */
export function defaultRuleKeys(): Record<FlagId, string> {
  return Object.fromEntries(FLAG_IDS.map((id) => [id, ruleKey(id, {})])) as Record<FlagId, string>;
}

/** The flags this snapshot's bits answer with these thresholds (those whose rule is the same). */
export function flagsWithBits(m: Manifest, t: Thresholds): FlagId[] {
  const keys = m.flag_bits;
  if (!keys) return [];
  return FLAG_IDS.filter((id) => keys[id] === ruleKey(id, t));
}

/** The bits' scope for a flag scope's years: one year, or all; null for several. */
export function bitScope(fy: readonly number[]): BitScope | null {
  if (fy.length === 0) return 'all';
  return fy.length === 1 ? 'year' : null;
}

/** A project's bits over its own year, as its `projects` row holds them (`projectFlags`). */
export interface ProjectBits {
  /** The flags the bits answer with the page's thresholds (`flagsWithBits`). */
  ids: readonly FlagId[];
  covered: number;
  flagged: number;
}

/** The bits of a project's row (read with its other columns), for the flags they answer. */
export function projectBits(m: Manifest, t: Thresholds, row: Record<string, unknown>): ProjectBits {
  const { covered, flagged } = FLAG_BIT_COLUMNS.year;
  return {
    ids: flagsWithBits(m, t),
    covered: Number(row[covered] ?? 0),
    flagged: Number(row[flagged] ?? 0),
  };
}

export interface BitCount {
  id: FlagId;
  covered: number;
  flagged: number;
}

/** The rows that carry the bits (a scope's counts are in FLAG_COUNT_TABLES). */
const BIT_ROWS: ReadonlySet<Source> = new Set(['projects', 'contracts_by_vendor']);

/**
 * How many projects under `r` each flag of `ids` covers and flags, from the bits of `scope` or
 * their counts (FLAG_COUNT_TABLES, schema 28), whichever the planner takes; null when neither answers
 * `r` (contract rows not ordered by vendor).
 */
export function bitCountsSql(
  m: Manifest,
  r: Resolved,
  scope: BitScope,
  ids: readonly FlagId[],
): (Sql & { source: Source; files: ReturnType<typeof sourceFiles> }) | null {
  // (A busy vendor's over all years too, schema 32: aggregate.ts absentFor.)
  const counted: Source[] = [
    FLAG_COUNT_TABLES[scope],
    ...(scope === 'all' ? [VENDOR_FLAG_COUNTS] : []),
  ];
  const source = candidates(r, [], ['projects'], undefined, absentFor(m, r)).find(
    (s) => counted.includes(s) || BIT_ROWS.has(s),
  );
  if (!source) return null;
  const files = sourceFiles(m, source, r);
  const w = where(source, r);
  if (counted.includes(source)) {
    const counts = ids.map((id) => {
      const [uncovered, flagged] = [
        flagCountColumn(id, scope, 'uncovered'),
        flagCountColumn(id, scope, 'flagged'),
      ];
      return `coalesce(sum(projects - ${uncovered}), 0)::INTEGER AS "${id}_covered",
        coalesce(sum(${flagged}), 0)::INTEGER AS "${id}_flagged"`;
    });
    return {
      sql: `SELECT ${counts.join(',\n')} FROM ${parquet(files)} ${w.sql}`,
      params: w.params,
      source,
      files,
    };
  }
  const { covered, flagged } = FLAG_BIT_COLUMNS[scope];
  // A project has several rows in the vendor copy (one per contract): each is counted once.
  const rows =
    source === 'projects'
      ? `SELECT ${covered} AS c, ${flagged} AS f FROM ${parquet(files)} ${w.sql}`
      : `SELECT DISTINCT project_seq, ${covered} AS c, ${flagged} AS f FROM ${parquet(files)} ${w.sql}`;
  const counts = ids.map((id) => {
    const bit = sqlNumber(flagBit(id));
    return `count(*) FILTER (WHERE c & ${bit} <> 0)::INTEGER AS "${id}_covered",
      count(*) FILTER (WHERE f & ${bit} <> 0)::INTEGER AS "${id}_flagged"`;
  });
  return { sql: `SELECT ${counts.join(',\n')} FROM (${rows})`, params: w.params, source, files };
}

/** The counts of `bitCountsSql`, one per flag (zero when the view has no rows or files). */
export async function bitCounts(
  ask: Ask,
  m: Manifest,
  r: Resolved,
  scope: BitScope,
  ids: readonly FlagId[],
): Promise<BitCount[] | null> {
  const q = bitCountsSql(m, r, scope, ids);
  if (!q) return null;
  const [row] = q.files.length ? await ask(q, q.files) : [];
  return ids.map((id) => ({
    id,
    covered: Number(row?.[`${id}_covered`] ?? 0),
    flagged: Number(row?.[`${id}_flagged`] ?? 0),
  }));
}
