/**
 * The native DuckDB side of the ingest: clean rows are appended to a staging table, then the
 * published tables are built with SQL and written as zstd Parquet, one file per fiscal year for
 * the fact tables (design-notes.md, "Data layout").
 */
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CleanRow } from './normalize.ts';
import { PARTITIONED, TABLES, type TableName } from '../../src/lib/schema/tables.ts';

const STAGING_COLUMNS: [keyof CleanRow | 'src_idx' | 'src_line', string][] = [
  ['src_idx', 'INTEGER'],
  ['src_line', 'INTEGER'],
  ['project_id', 'VARCHAR'],
  ['fiscal_year', 'SMALLINT'],
  ['project_name', 'VARCHAR'],
  ['type_name', 'VARCHAR'],
  ['dept_name', 'VARCHAR'],
  ['dept_sub_name', 'VARCHAR'],
  ['province', 'VARCHAR'],
  ['province_en', 'VARCHAR'],
  ['district', 'VARCHAR'],
  ['subdistrict', 'VARCHAR'],
  ['method_name', 'VARCHAR'],
  ['method_bucket', 'VARCHAR'],
  ['method_raw', 'VARCHAR'],
  ['method_group_raw', 'VARCHAR'],
  ['method_source', 'VARCHAR'],
  ['announce_date', 'DATE'],
  ['transaction_date', 'DATE'],
  ['project_money', 'DECIMAL(18,2)'],
  ['price_build', 'DECIMAL(18,2)'],
  ['sum_price_agree', 'DECIMAL(18,2)'],
  ['project_status', 'VARCHAR'],
  ['winner_tin', 'VARCHAR'],
  ['tin_status', 'VARCHAR'],
  ['winner', 'VARCHAR'],
  ['vendor_key', 'VARCHAR'],
  ['winner_norm', 'VARCHAR'],
  ['contract_no', 'VARCHAR'],
  ['contract_date', 'DATE'],
  ['contract_finish_date', 'DATE'],
  ['price_agree', 'DECIMAL(18,2)'],
  ['contract_status', 'VARCHAR'],
  ['has_contract', 'BOOLEAN'],
];

/** Strings that go into SQL text (file paths we made ourselves) are quoted here and only here. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export class Store {
  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  static async open(): Promise<Store> {
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const conn = await db.connect();
    const cols = STAGING_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ');
    await conn.run(`CREATE TABLE staging (${cols})`);
    return new Store(conn, await conn.createAppender('staging'));
  }

  append(srcIdx: number, srcLine: number, row: CleanRow): void {
    const a = this.appender;
    for (const [name, type] of STAGING_COLUMNS) {
      const v = name === 'src_idx' ? srcIdx : name === 'src_line' ? srcLine : row[name];
      if (v === null || v === undefined) a.appendNull();
      else if (typeof v === 'boolean') a.appendBoolean(v);
      else if (typeof v === 'number') {
        if (type === 'SMALLINT') a.appendSmallInt(v);
        else a.appendInteger(v);
      } else a.appendVarchar(v); // DATE and DECIMAL columns cast from their canonical text
    }
    this.appender.endRow();
  }

  /** Build the published tables from staging. Returns per-table row counts. */
  async build(): Promise<{ quality: Record<string, number> }> {
    this.appender.closeSync();
    const run = (sql: string) => this.conn.run(sql);
    // A project's own fields come from its first row (file order, then line); its money repeats on
    // every contract row of the project, so it is taken once (trap 1: double counting).
    await run(`CREATE TABLE first_rows AS
      SELECT * FROM staging
      QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY src_idx, src_line) = 1`);
    await run(`CREATE TABLE agencies AS
      SELECT (row_number() OVER (ORDER BY dept_name, dept_sub_name NULLS FIRST, province NULLS FIRST))::INTEGER AS agency_id,
             substr(sha256(concat_ws(chr(31), dept_name, coalesce(dept_sub_name, ''), coalesce(province, ''))), 1, 12) AS agency_key,
             dept_name, dept_sub_name, province
      FROM (SELECT DISTINCT dept_name, dept_sub_name, province FROM first_rows)`);
    await run(`CREATE TABLE methods AS
      SELECT (row_number() OVER (ORDER BY method_name))::SMALLINT AS method_id, method_name, method_bucket
      FROM (SELECT DISTINCT method_name, method_bucket FROM first_rows WHERE method_name IS NOT NULL)`);
    await run(`CREATE TABLE project_types AS
      SELECT (row_number() OVER (ORDER BY type_name))::SMALLINT AS type_id, type_name
      FROM (SELECT DISTINCT type_name FROM first_rows WHERE type_name IS NOT NULL)`);
    await run(`CREATE TABLE provinces AS
      SELECT (row_number() OVER (ORDER BY province))::SMALLINT AS province_id, province AS province_name,
             max(province_en) AS province_name_en
      FROM staging WHERE province IS NOT NULL GROUP BY province`);
    await run(`CREATE TABLE statuses AS
      SELECT (row_number() OVER (ORDER BY s))::SMALLINT AS status_id, s AS status_name
      FROM (SELECT project_status AS s FROM staging UNION SELECT contract_status FROM staging) WHERE s IS NOT NULL`);
    // Vendors: one per key; the name shown is the spelling seen most often (ties: smallest).
    await run(`CREATE TABLE vendors AS
      SELECT (row_number() OVER (ORDER BY vendor_key))::INTEGER AS vendor_id, vendor_key,
             CASE WHEN vendor_key LIKE 'tin:%' THEN substr(vendor_key, 5) END AS tin,
             CASE WHEN vendor_key LIKE 'tin:%' THEN 'valid' ELSE max(tin_status) END AS tin_status,
             arg_max(winner, n) AS name, max(winner_norm) AS name_norm
      FROM (SELECT vendor_key, winner, winner_norm, tin_status, count(*) OVER (PARTITION BY vendor_key, winner) AS n
            FROM staging WHERE vendor_key IS NOT NULL)
      GROUP BY vendor_key`);
    await run(`CREATE TABLE projects AS
      SELECT f.project_id, f.fiscal_year, a.agency_id, m.method_id, t.type_id, p.province_id,
             s.status_id, f.project_money AS budget, f.price_build, f.sum_price_agree AS agreed,
             (SELECT count(*) FROM staging c WHERE c.project_id = f.project_id AND c.has_contract)::SMALLINT AS contract_count,
             f.announce_date, f.transaction_date
      FROM first_rows f
      JOIN agencies a ON a.dept_name = f.dept_name AND a.dept_sub_name IS NOT DISTINCT FROM f.dept_sub_name
                     AND a.province IS NOT DISTINCT FROM f.province
      LEFT JOIN methods m ON m.method_name = f.method_name
      LEFT JOIN project_types t ON t.type_name = f.type_name
      LEFT JOIN provinces p ON p.province_name = f.province
      LEFT JOIN statuses s ON s.status_name = f.project_status`);
    await run(`CREATE TABLE contracts AS
      SELECT c.project_id, p.fiscal_year, p.agency_id, v.vendor_id, c.contract_no, c.contract_date,
             c.contract_finish_date, c.price_agree, s.status_id
      FROM staging c JOIN projects p USING (project_id)
      LEFT JOIN vendors v ON v.vendor_key = c.vendor_key
      LEFT JOIN statuses s ON s.status_name = c.contract_status
      WHERE c.has_contract`);
    await run(`CREATE TABLE details AS
      SELECT project_id, fiscal_year, project_name, method_raw, method_group_raw, method_source,
             district, subdistrict
      FROM first_rows`);
    const q = await this.conn.runAndReadAll(`SELECT
        (SELECT count(*) FROM (SELECT project_id FROM staging GROUP BY project_id
           HAVING count(DISTINCT project_money) > 1 OR count(DISTINCT fiscal_year) > 1)) AS project_fields_conflict,
        (SELECT count(*) FROM projects WHERE contract_count > 1) AS multi_contract_projects`);
    const row = q.getRowObjectsJson()[0] ?? {};
    const quality: Record<string, number> = {};
    for (const [k, v] of Object.entries(row)) quality[k] = Number(v);
    return { quality };
  }

  async fiscalYears(): Promise<number[]> {
    const r = await this.conn.runAndReadAll(`SELECT DISTINCT fiscal_year FROM projects ORDER BY 1`);
    return r.getRowsJson().map((x) => Number(x[0]));
  }

  /**
   * Write every table. Facts are sorted so row-group statistics prune year and agency filters;
   * details are sorted by project id with small row groups, for lookups of the rows on screen.
   */
  async writeParquet(
    dir: string,
  ): Promise<{ table: TableName; fiscal_year: number | null; path: string; rows: number }[]> {
    const out: { table: TableName; fiscal_year: number | null; path: string; rows: number }[] = [];
    const years = await this.fiscalYears();
    for (const table of Object.keys(TABLES) as TableName[]) {
      const cols = TABLES[table].join(', ');
      const partitioned = PARTITIONED.includes(table);
      const order =
        table === 'details'
          ? 'project_id'
          : partitioned
            ? 'agency_id, project_id'
            : TABLES[table][0];
      const rowGroup = table === 'details' ? 8192 : 65536;
      for (const fy of partitioned ? years : [null]) {
        const rel = fy === null ? `${table}.parquet` : `${table}/fy${fy}.parquet`;
        await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
        const where = fy === null ? '' : `WHERE fiscal_year = ${Number(fy)}`;
        const count = await this.conn.runAndReadAll(`SELECT count(*) FROM ${table} ${where}`);
        await this.conn.run(
          `COPY (SELECT ${cols} FROM ${table} ${where} ORDER BY ${order}) TO ${sqlString(path.join(dir, rel))}
           (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE ${rowGroup})`,
        );
        out.push({ table, fiscal_year: fy, path: rel, rows: Number(count.getRowsJson()[0]![0]) });
      }
    }
    return out;
  }

  /** Rows for the prerendered landing page, computed once here rather than in every browser. */
  async summary(): Promise<{
    by_year: Record<string, unknown>[];
    top_agencies: Record<string, unknown>[];
    totals: Record<string, unknown>;
  }> {
    const rows = async (sql: string) => (await this.conn.runAndReadAll(sql)).getRowObjectsJson();
    const by_year = await rows(`SELECT p.fiscal_year, count(*)::INTEGER AS projects,
        coalesce(sum(p.contract_count), 0)::INTEGER AS contracts,
        coalesce(sum(p.budget), 0)::VARCHAR AS budget,
        (SELECT coalesce(sum(price_agree), 0) FROM contracts c WHERE c.fiscal_year = p.fiscal_year)::VARCHAR AS agreed
      FROM projects p GROUP BY p.fiscal_year ORDER BY p.fiscal_year`);
    const top_agencies = await rows(`SELECT a.dept_name, count(*)::INTEGER AS projects,
        coalesce(sum(p.budget), 0)::VARCHAR AS budget
      FROM projects p JOIN agencies a USING (agency_id)
      GROUP BY a.dept_name ORDER BY sum(p.budget) DESC NULLS LAST, a.dept_name LIMIT 20`);
    const totals = (
      await rows(`SELECT count(*)::INTEGER AS projects,
        coalesce(sum(contract_count), 0)::INTEGER AS contracts,
        coalesce(sum(budget), 0)::VARCHAR AS budget,
        (SELECT coalesce(sum(price_agree), 0) FROM contracts)::VARCHAR AS agreed FROM projects`)
    )[0]!;
    return { by_year, top_agencies, totals };
  }
}
