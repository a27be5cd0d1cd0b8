/**
 * What the headline stages share (stages/headline.ts, headline-words.ts, headline-facets.ts): the
 * writer that counts and digests the files, the named views' pages and files, and the rows of the
 * files in the shapes of src/lib/headline/files.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  agencyFileKey,
  emptyParts,
  PAGE_SIZE,
  type AgencyTuple,
  type HeadRow,
  type OverviewParts,
  type RowsFile,
  type TotalsFile,
  type ViewFile,
  type YearNumbers,
} from '../../../src/lib/headline/files.ts';
import type { StageDb } from './db.ts';
import { viewKey, type Scope } from './headline-overview.ts';

export type Row = Record<string, unknown>;

/**
 * The fewest rows a busy vendor or agency name has (BUSY_VENDORS, files.ts `BUSY_NAMES`): `share`
 * of all `total` and at least `min`.
 */
export const busyFloor = (rule: { share: number; min: number }, total: number): number =>
  Math.max(rule.min, Math.ceil(total * rule.share));

export const money = (c: string) => `coalesce(sum(${c}), 0)::VARCHAR AS ${c}`;

/** The reference price and agreed total of the projects that have both (`ref_price`, `ref_agreed`). */
export const REF_MONEY = `coalesce(sum(price_build) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0)::VARCHAR AS ref_price,
    coalesce(sum(agreed) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0)::VARCHAR AS ref_agreed`;

/** Where a first page's projects come from (`p`), and what else orders or fills its rows. */
export interface TopFrom {
  /** Projects `p` with what `by` names (default: every project, with its agency `a`). */
  from?: string;
  /** A search's rank (an expression of `from`), ordered first. */
  rank?: string;
  /** More columns of the rows (e.g. a vendor's contract value). */
  extra?: string;
}

/**
 * The first page per group (`by`: expressions over `from`), in the table's order: a search's
 * rank first, then budget, largest first, no budget last, ties by project id.
 */
export function topSql(by: string[], o: TopFrom = {}): string {
  const { from = 'projects p JOIN agencies a USING (agency_id)', rank = null, extra = null } = o;
  const keys = by.map((b, i) => `${b} AS g${i}`);
  const order = `${rank ? `${rank}, ` : ''}p.budget DESC NULLS LAST, p.project_id`;
  return `SELECT t.* EXCLUDE (budget, agreed), t.budget::VARCHAR AS budget,
    t.agreed::VARCHAR AS agreed, n.project_name FROM (
    SELECT ${[...keys, ''].join(', ')}p.project_id, p.project_seq, p.fiscal_year, p.agency_id,
      p.method_id, p.budget, p.agreed, p.contract_count::INTEGER AS contracts,
      ${rank ?? 'NULL'}::INTEGER AS rank${extra ? `, ${extra}` : ''}
    FROM ${from}
    QUALIFY row_number() OVER (${by.length ? `PARTITION BY ${by.join(', ')} ` : ''}ORDER BY ${order}) <= ${PAGE_SIZE}
  ) t LEFT JOIN (SELECT project_seq, project_name FROM details) n USING (project_seq)
  ORDER BY ${rank ? 't.rank, ' : ''}t.budget DESC NULLS LAST, t.project_id`;
}

/**
 * Year numbers grouped by `by` (with fiscal_year) over the agency pre-aggregate (`agg_agency_year`,
 * by agency and the projects' province), joined to `join` (default: the agencies).
 */
export const agencyYearsSql = (
  by: string,
  join = 'JOIN agencies USING (agency_id)',
) => `SELECT ${by ? `${by}, ` : ''}fiscal_year,
    sum(projects)::INTEGER AS projects, ${money('budget')}, sum(contracts)::INTEGER AS contracts,
    ${money('agreed')}, ${money('ref_price')}, ${money('ref_agreed')}
  FROM agg_agency_year t ${join} GROUP BY ALL`;

export const yearNumbers = (r: Row): YearNumbers => [
  Number(r.projects),
  String(r.budget),
  Number(r.contracts),
  String(r.agreed),
  String(r.ref_price),
  String(r.ref_agreed),
];

export const yearsOf = (rows: Row[] = []) =>
  Object.fromEntries(rows.map((r) => [String(r.fiscal_year), yearNumbers(r)]));

/**
 * A row of the table; a search's rows carry their rank too, a vendor's (rows with a
 * `contract_value`) a null rank and the value of its contracts in the project.
 */
export const headRow = (r: Row): HeadRow => {
  const row: HeadRow = [
    String(r.project_id),
    Number(r.project_seq),
    Number(r.fiscal_year),
    Number(r.agency_id),
    r.method_id === null ? null : Number(r.method_id),
    (r.budget as string | null) ?? null,
    (r.agreed as string | null) ?? null,
    Number(r.contracts),
    (r.project_name as string | null) ?? null,
  ];
  const rank = r.rank === null || r.rank === undefined ? null : Number(r.rank);
  if ('contract_value' in r) row.push(rank, (r.contract_value as string | null) ?? null);
  else if (rank !== null) row.push(rank);
  return row;
};

export function groupBy<T>(
  rows: Row[],
  key: (r: Row) => string,
  map: (r: Row) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k) ?? [];
    list.push(map(r));
    out.set(k, list);
  }
  return out;
}

/**
 * Each named view's numbers per year (rows by name): its projects' measures, and their contracts'
 * count and value.
 */
export async function namedYears(db: StageDb, s: Scope): Promise<Map<string, Row[]>> {
  const sql = `SELECT p.*, coalesce(c.contracts, 0)::INTEGER AS contracts,
      coalesce(c.agreed, 0)::VARCHAR AS agreed
    FROM (SELECT ${s.name} AS k, t.fiscal_year, count(*)::INTEGER AS projects, ${money('budget')},
            ${REF_MONEY}
          FROM projects t ${s.join} GROUP BY ALL) p
    LEFT JOIN (SELECT ${s.name} AS k, t.fiscal_year, count(*) AS contracts,
            sum(t.price_agree) AS agreed
          FROM contracts t ${s.contractJoin ?? s.join} GROUP BY ALL) c
      USING (k, fiscal_year)
    ORDER BY p.k, p.fiscal_year`;
  return groupBy(
    await db.rows(sql),
    (r) => String(r.k),
    (r) => r,
  );
}

/** Named views' first pages: by name (`g0`, all years) and by `fy|name`. */
export interface Pages {
  top: Map<string, HeadRow[]>;
  topYear: Map<string, HeadRow[]>;
}

/**
 * The first pages of the views named by `name` (an expression over `from`), all years and (unless
 * `eachYear` is false) each.
 */
export async function namedPages(
  db: StageDb,
  name: string,
  from?: TopFrom,
  eachYear = true,
): Promise<Pages> {
  return {
    top: groupBy(await db.rows(topSql([name], from)), (r) => String(r.g0), headRow),
    topYear: eachYear
      ? groupBy(
          await db.rows(topSql([name, 'p.fiscal_year'], from)),
          (r) => `${r.g1}|${r.g0}`,
          headRow,
        )
      : new Map(),
  };
}

/**
 * Write each named view's files (`at`: their paths by the name's file key): over all years, with
 * its numbers per year (`years`, rows by name) and `extra` fields, and (where `at.year` is given)
 * each year it has projects in.
 */
export async function writeNamed(
  w: Writer,
  at: { all: (h: string) => string; year?: (h: string, fy: number) => string },
  years: ReadonlyMap<string, Row[]>,
  pages: Pages,
  viewFile: ReturnType<typeof viewFiles>,
  extra: (name: string) => Partial<TotalsFile> = () => ({}),
): Promise<void> {
  for (const [name, ys] of years) {
    const h = await agencyFileKey(name);
    // Each year's file carries the view's years (and ids or hits) too: a view of one year reads
    // that file alone.
    const head = { years: yearsOf(ys), ...extra(name) };
    const file: TotalsFile = { ...head, ...viewFile(name, null, pages.top.get(name)) };
    w.write(at.all(h), file);
    if (!at.year) continue;
    for (const y of ys) {
      const fy = Number(y.fiscal_year);
      w.write(at.year(h, fy), {
        ...head,
        ...viewFile(name, fy, pages.topYear.get(`${fy}|${name}`)),
      });
    }
  }
}

/** A view's file from its first page and the parts `overviews` computed (by `viewKey`). */
export function viewFiles(
  parts: ReadonlyMap<string, OverviewParts>,
  agencies: ReadonlyMap<number, AgencyTuple>,
): (name: string | null, fy: number | null, rows?: HeadRow[]) => ViewFile {
  return (name, fy, rows) => ({
    ...rowsFile(agencies, rows),
    overview: parts.get(viewKey(name, fy)) ?? emptyParts(),
  });
}

/** A page of rows with the agencies it names. */
export function rowsFile(
  agencies: ReadonlyMap<number, AgencyTuple>,
  rows: HeadRow[] = [],
): RowsFile {
  return {
    rows,
    agencies: Object.fromEntries(rows.map((r) => [String(r[3]), agencies.get(r[3])!])),
  };
}

/**
 * Writes the headline files: thousands of small ones (3,844 for the 300 drone projects), each
 * folder made once, synchronously. Awaiting a `mkdir` and a `writeFile` per file through the
 * thread pool made a drone ingest 9.0 s instead of 6.7 s (docs/benchmarks.md, session 28).
 */
export class Writer {
  files = 0;
  bytes = 0;
  private digests: string[] = [];
  /** Folders made so far. */
  private readonly dirs = new Set<string>();
  constructor(readonly dir: string) {}
  write(rel: string, value: unknown): void {
    const abs = path.join(this.dir, rel);
    const dir = path.dirname(abs);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    const text = JSON.stringify(value);
    writeFileSync(abs, text);
    this.files++;
    this.bytes += Buffer.byteLength(text);
    this.digests.push(`${rel}\0${createHash('sha256').update(text).digest('hex')}\n`);
  }
  /** Every file's path and content, in path order (the order they were written in varies). */
  digest(): string {
    const h = createHash('sha256');
    for (const d of this.digests.sort()) h.update(d);
    return h.digest('hex');
  }
}
