/**
 * Expected answers computed by native DuckDB from the same Parquet the site reads, written
 * independently of the site's SQL: filters by name through joins with the dimension tables, and
 * contract conditions through a join of contracts to projects (not the denormalised columns).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NO_FILTERS, TIN, type Filters } from '../../src/lib/query/filters';
import { METHOD_BUCKETS } from '../../src/lib/schema/methods';
import type { Manifest } from '../../src/lib/schema/tables';
import { lit, rows } from './duckdb';

export function manifestOf(dataDir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as Manifest;
}

export function table(dataDir: string, name: string): string {
  const files = manifestOf(dataDir).files.filter((f) => f.table === name);
  return `read_parquet([${files.map((f) => lit(path.join(dataDir, f.path))).join(', ')}])`;
}

/** `details` with each project's name (in `project_names`), as SQL to read from. */
export function namedDetails(dataDir: string): string {
  return `(SELECT d.*, n.project_name FROM ${table(dataDir, 'details')} d
    JOIN ${table(dataDir, 'project_names')} n USING (project_seq))`;
}

type P = string | number | null;
const qs = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export interface Expected {
  projects: string;
  budget: string;
  contracts: string;
  agreed: string;
}

/**
 * The view's projects (`chosen`: project_id, budget) and their matching contracts (`c`:
 * project_id, price_agree), as WITH clauses and their parameters.
 */
function viewSql(dataDir: string, partial: Partial<Filters>): { sql: string; params: P[] } {
  const f: Filters = { ...NO_FILTERS, ...partial };
  const pw: string[] = ['TRUE'];
  const pp: P[] = [];
  if (f.fy.length) {
    pw.push(`p.fiscal_year IN (${qs(f.fy.length)})`);
    pp.push(...f.fy);
  }
  if (f.agency) {
    pw.push('(a.dept_name = ? OR a.agency_key = ?)');
    pp.push(f.agency, f.agency);
    if (f.sub) {
      pw.push('a.dept_sub_name = ?');
      pp.push(f.sub);
    }
  }
  if (f.province.length) {
    pw.push(
      `(pr.province_name IN (${qs(f.province.length)}) OR pr.province_name_en IN (${qs(f.province.length)}))`,
    );
    pp.push(...f.province, ...f.province);
  }
  if (f.method.length) {
    const buckets = f.method.filter((m) => (METHOD_BUCKETS as readonly string[]).includes(m));
    pw.push(`(me.method_name IN (${qs(f.method.length)}) OR me.method_bucket IN (${qs(f.method.length)})
      ${buckets.includes('unknown') ? 'OR p.method_id IS NULL' : ''})`);
    pp.push(...f.method, ...f.method);
  }
  if (f.type.length) {
    pw.push(`ty.type_name IN (${qs(f.type.length)})`);
    pp.push(...f.type);
  }
  if (f.status.length) {
    pw.push(`st.status_name IN (${qs(f.status.length)})`);
    pp.push(...f.status);
  }
  if (f.district.length) {
    // From the projects' raw text (details), not the ingest's district ids.
    pw.push(
      `p.project_id IN (SELECT project_id FROM ${table(dataDir, 'details')} WHERE district IN (${qs(f.district.length)}))`,
    );
    pp.push(...f.district);
  }
  if (f.seen === 'latest') {
    pw.push(
      `p.project_id IN (SELECT project_id FROM ${table(dataDir, 'first_seen')} WHERE first_snapshot = ?)`,
    );
    pp.push(manifestOf(dataDir).snapshot_id);
  }
  if (f.seenSince) {
    pw.push(
      `p.project_id IN (SELECT project_id FROM ${table(dataDir, 'first_seen')} WHERE first_seen >= ?::DATE)`,
    );
    pp.push(f.seenSince);
  }
  const ranged = f.min !== null || f.max !== null;
  if (ranged && f.amount === 'budget') {
    if (f.min !== null) pw.push(`p.budget >= ${f.min}`);
    if (f.max !== null) pw.push(`p.budget <= ${f.max}`);
  }
  const cw: string[] = ['TRUE'];
  const cp: P[] = [];
  if (f.vendor) {
    cw.push('v.vendor_key = ?');
    cp.push(TIN.test(f.vendor) ? `tin:${f.vendor}` : f.vendor);
  }
  if (f.from) cw.push(`c.contract_date >= DATE '${f.from}'`);
  if (f.to) cw.push(`c.contract_date <= DATE '${f.to}'`);
  if (ranged && f.amount === 'contract') {
    if (f.min !== null) cw.push(`c.price_agree >= ${f.min}`);
    if (f.max !== null) cw.push(`c.price_agree <= ${f.max}`);
  }
  const contractFilter = cw.length > 1;
  const t = (n: string) => table(dataDir, n);
  return {
    sql: `WITH p AS (
       SELECT p.project_id, p.budget FROM ${t('projects')} p
       JOIN ${t('agencies')} a ON a.agency_id = p.agency_id
       LEFT JOIN ${t('provinces')} pr ON pr.province_id = p.province_id
       LEFT JOIN ${t('methods')} me ON me.method_id = p.method_id
       LEFT JOIN ${t('project_types')} ty ON ty.type_id = p.type_id
       LEFT JOIN ${t('statuses')} st ON st.status_id = p.status_id
       WHERE ${pw.join(' AND ')}
     ), c AS (
       SELECT c.project_id, c.price_agree FROM ${t('contracts')} c
       JOIN p ON p.project_id = c.project_id
       LEFT JOIN ${t('vendors')} v ON v.vendor_id = c.vendor_id
       WHERE ${cw.join(' AND ')}
     ), chosen AS (
       SELECT * FROM p ${contractFilter ? 'WHERE project_id IN (SELECT project_id FROM c)' : ''}
     )`,
    params: [...pp, ...cp],
  };
}

/** The four headline numbers for filters given by name, as the page's data-values. */
export async function expectedTotals(
  dataDir: string,
  partial: Partial<Filters>,
): Promise<Expected> {
  const { sql, params } = viewSql(dataDir, partial);
  const r = await rows(
    `${sql}
     SELECT (SELECT count(*) FROM chosen)::VARCHAR AS projects,
            (SELECT coalesce(sum(budget), 0) FROM chosen)::VARCHAR AS budget,
            (SELECT count(*) FROM c)::VARCHAR AS contracts,
            (SELECT coalesce(sum(price_agree), 0) FROM c)::VARCHAR AS agreed`,
    params,
  );
  return r[0] as unknown as Expected;
}

/** The first page's project ids in the table's default order (budget, largest first). */
export async function expectedFirstPage(
  dataDir: string,
  partial: Partial<Filters>,
): Promise<string[]> {
  const { sql, params } = viewSql(dataDir, partial);
  const r = await rows(
    `${sql} SELECT project_id FROM chosen ORDER BY budget DESC NULLS LAST, project_id LIMIT 50`,
    params,
  );
  return r.map((x) => String(x.project_id));
}

/** An agency name shared by several agencies (different provinces), with its busiest year. */
export async function sharedAgencyName(dataDir: string): Promise<{ name: string; fy: number }> {
  const r = await rows(`SELECT a.dept_name AS name, count(DISTINCT a.agency_id)::INTEGER AS n,
      mode(p.fiscal_year)::INTEGER AS fy
    FROM ${table(dataDir, 'projects')} p JOIN ${table(dataDir, 'agencies')} a USING (agency_id)
    GROUP BY 1 HAVING n > 1 ORDER BY n DESC, count(*) DESC, 1 LIMIT 1`);
  return { name: String(r[0]!.name), fy: Number(r[0]!.fy) };
}

/** The names `filterCases` gives that the data lacks: no file answers them, the engine says so. */
const NO_AGENCY = 'ไม่มีหน่วยงานนี้';
const NO_VENDOR = 'tin:0000000000000';
const NO_PROVINCE = 'ไม่มีจังหวัดนี้';

/** Whether a case of `filterCases` names an agency, vendor or province the data lacks. */
export const namesNothing = (c: Partial<Filters>): boolean =>
  c.agency === NO_AGENCY || c.vendor === NO_VENDOR || c.province?.[0] === NO_PROVINCE;

/** Filter cases built from values that exist in the data (and some that do not). */
export async function filterCases(dir: string): Promise<Partial<Filters>[]> {
  const pick = async (sql: string, params: P[] = []) => (await rows(sql, params))[0] ?? {};
  const t = (n: string) => table(dir, n);
  const busy = await pick(`SELECT a.dept_name, a.dept_sub_name, a.province, p.fiscal_year
    FROM ${t('projects')} p JOIN ${t('agencies')} a USING (agency_id)
    GROUP BY ALL ORDER BY count(*) DESC, 1, 2, 3, 4 LIMIT 1`);
  const vendor = await pick(`SELECT v.vendor_key, v.tin, c.fiscal_year FROM ${t('contracts')} c
    JOIN ${t('vendors')} v USING (vendor_id) GROUP BY ALL ORDER BY count(*) DESC, 1, 3 LIMIT 1`);
  const tinVendor =
    await pick(`SELECT v.tin FROM ${t('contracts')} c JOIN ${t('vendors')} v USING (vendor_id)
    WHERE v.tin IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`);
  const method =
    await pick(`SELECT m.method_name FROM ${t('projects')} p JOIN ${t('methods')} m USING (method_id)
    GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`);
  const type = await pick(`SELECT type_name FROM ${t('project_types')} ORDER BY 1 LIMIT 1`);
  const status =
    await pick(`SELECT s.status_name FROM ${t('projects')} p JOIN ${t('statuses')} s USING (status_id)
    GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`);
  const dates = await pick(`SELECT quantile_disc(contract_date, 0.3)::VARCHAR AS lo,
    quantile_disc(contract_date, 0.6)::VARCHAR AS hi FROM ${t('contracts')}`);
  // The busy agency's district, and a district name two provinces share (จอมทอง is one).
  const district = await pick(
    `SELECT d.district FROM ${t('details')} d JOIN ${t('agencies')} a USING (agency_id)
    WHERE a.dept_name = ? AND d.district IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    [String(busy.dept_name)],
  );
  const shared =
    await pick(`SELECT d.district FROM ${t('details')} d JOIN ${t('projects')} p USING (project_id)
    WHERE d.district IS NOT NULL GROUP BY 1 HAVING count(DISTINCT p.province_id) > 1
    ORDER BY count(*) DESC, 1 LIMIT 1`);
  const fy = Number(busy.fiscal_year);
  dates.lo ??= '2023-01-01';
  dates.hi ??= '2023-12-31';
  const name = String(busy.dept_name);
  const province = busy.province === null ? [] : [String(busy.province)];
  return [
    {},
    { fy: [fy] },
    { agency: name },
    { agency: name, sub: String(busy.dept_sub_name), province },
    { province },
    { method: ['specific'] },
    { method: ['open', 'unknown'] },
    { method: [String(method.method_name)] },
    { type: [String(type.type_name)] },
    { status: [String(status.status_name)] },
    { fy: [fy], agency: name, method: ['specific'] },
    { province, method: ['specific', 'selective'] },
    { vendor: String(vendor.vendor_key) },
    { vendor: String(vendor.vendor_key), fy: [Number(vendor.fiscal_year)] },
    ...(tinVendor.tin ? [{ vendor: String(tinVendor.tin) }] : []),
    { min: 100_000, max: 499_999.99 },
    { min: 500_000, amount: 'contract' as const },
    { from: String(dates.lo), to: String(dates.hi) },
    { fy: [fy], from: String(dates.lo) },
    { agency: name, to: String(dates.hi), min: 10_000, amount: 'contract' as const },
    { agency: NO_AGENCY },
    { vendor: NO_VENDOR },
    { province: [NO_PROVINCE], fy: [fy] },
    { fy: [2501] },
    { province, district: district.district ? [String(district.district)] : [] },
    ...(shared.district
      ? [
          { district: [String(shared.district)] },
          { fy: [fy], district: [String(shared.district)], method: ['specific'] },
        ]
      : []),
    { district: ['ไม่มีอำเภอนี้'] },
    // When projects first appeared (#23): the latest snapshot's, alone and with other filters.
    { seen: 'latest' as const },
    { seen: 'latest' as const, agency: name },
    { seen: 'latest' as const, method: ['specific'], min: 100_000 },
    { seenSince: manifestOf(dir).first_seen?.date ?? '2020-01-01' },
    { seenSince: '2999-01-01' },
  ];
}

/** Sum exact decimals given as text (JS numbers would round). */
export function sumText(values: (string | number | boolean | null)[]): string {
  let cents = 0n;
  for (const v of values) {
    if (v === null || v === '') continue;
    const [i, d = ''] = String(v).split('.');
    const sign = i!.startsWith('-') ? -1n : 1n;
    cents += sign * (BigInt(i!.replace('-', '')) * 100n + BigInt((d + '00').slice(0, 2)));
  }
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A decimal's text with two places, as sumText writes it. */
export const decimal = (s: string) => sumText([s]);
