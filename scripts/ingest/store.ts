/**
 * The native DuckDB side of the ingest. Sources are read by DuckDB itself (CSV) or appended as
 * raw canonical fields (JSON), cleaned by one SQL query (normalize.ts + rules.ts) into `clean`,
 * then the published tables are built with SQL and written as zstd Parquet, one file per fiscal
 * year for the fact tables (design-notes.md, "Data layout"). The working database lives on disk
 * with a memory limit, so national-scale inputs do not need national-scale memory.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CANONICAL_FIELDS, LAYOUT_28, type CanonicalField } from '../../src/lib/schema/fields.ts';
import {
  MAX_ROWS_PER_FILE,
  rowGroupRows,
  SPLIT,
  TABLES,
  type ManifestFile,
  type TableName,
} from '../../src/lib/schema/tables.ts';

export type WrittenFile = Omit<ManifestFile, 'bytes' | 'sha256'>;
import type { CsvReject, JsonRow } from './rows.ts';
import type { HeaderLayout } from './layout.ts';
import { CLEAN_COLUMNS, dictionarySql, f, normalizeSql } from './normalize.ts';
import { ruleMacros, sqlString } from './rules.ts';
import { indexTerms, TERM_CHUNK, TERM_WORD } from '../../src/lib/search/text.ts';

export interface Progress {
  /** What runs now, e.g. `reading part-3.csv`. */
  stage: string;
  /** 0–100, or -1 when DuckDB cannot tell. */
  percent: number;
  rows: number;
  elapsedMs: number;
}

/**
 * What DuckDB may hold in memory before it spills to temporary disk. The process's peak is about
 * 0.7 GB above it at 6M rows and 1.2 GB above it at 21M; 3GB instead of 4GB cost no measurable
 * time at 6M and put the 21M peak at 4.2 GB instead of 6.2 GB (docs/benchmarks.md).
 */
export const DEFAULT_MEMORY_LIMIT = '3GB';
/** A memory size DuckDB accepts, as the CLI takes it: a number and MB or GB. */
export const MEMORY_SIZE = /^\d+(\.\d+)?\s*(MB|GB)$/i;

export interface StoreOptions {
  /** A scratch folder for the working database and spill files (removed by the caller). */
  workDir: string;
  /** Called about four times a second while a long statement runs. */
  onProgress?: (p: Progress) => void;
  /** DuckDB's memory limit, e.g. `3GB` (default DEFAULT_MEMORY_LIMIT); beyond it work spills to disk. */
  memoryLimit?: string;
  /** Rows per file before a table splits further (default MAX_ROWS_PER_FILE; tests set less). */
  maxRowsPerFile?: Partial<Record<TableName, number>>;
  threads?: number;
}

/** CSV-quote a list of fields back into one line (for the rejects file). */
const RAW_FROM_FIELDS = (fields: string) =>
  `array_to_string(list_transform(${fields}, x -> CASE WHEN regexp_matches(coalesce(x, ''), '[",\\n\\r]') THEN '"' || replace(x, '"', '""') || '"' ELSE coalesce(x, '') END), ',')`;

/** `projects/fy2567.parquet`, `details/fy2567-part-001.parquet`, `contracts_by_vendor/part-003.parquet`. */
function fileName(table: TableName, fy: number | null, part: number, parts: number): string {
  const n = `part-${String(part).padStart(3, '0')}`;
  if (SPLIT[table] === 'key') return `${table}/${n}.parquet`;
  if (fy === null) return `${table}.parquet`;
  return parts === 1 ? `${table}/fy${fy}.parquet` : `${table}/fy${fy}-${n}.parquet`;
}

export class Store {
  private stage = 'starting';

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly onProgress?: (p: Progress) => void,
    private readonly maxRows: Partial<Record<TableName, number>> = MAX_ROWS_PER_FILE,
  ) {}

  /** Run one statement, reporting DuckDB's own progress while it runs. */
  private async run(sql: string): Promise<void> {
    const started = Date.now();
    const timer = this.onProgress
      ? setInterval(() => {
          const p = this.conn.progress;
          this.onProgress!({
            stage: this.stage,
            percent: p.percentage,
            rows: Number(p.rows_processed),
            elapsedMs: Date.now() - started,
          });
        }, 250)
      : null;
    try {
      await this.conn.run(sql);
    } finally {
      if (timer) clearInterval(timer);
      // INGEST_TIMING=1: each statement's time, the process's resident memory after it and its peak
      // so far, and the statement's first words on stderr (where the time and the memory go).
      if (process.env.INGEST_TIMING) {
        const mb = (b: number) => Math.round(b / 2 ** 20);
        console.error(
          `  ${((Date.now() - started) / 1000).toFixed(1)} s  rss ${mb(process.memoryUsage.rss())} MB` +
            ` (peak ${mb(process.resourceUsage().maxRSS * 1024)} MB)  ${sql.replace(/\s+/g, ' ').slice(0, 80)}`,
        );
      }
    }
  }

  /** Rows read, rejected and dropped as duplicates, per source. */
  async perSource(): Promise<
    Map<number, { rejected: number; duplicates: number; written: number }>
  > {
    const r = await this.rows(`SELECT src_idx,
        count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
        count(*) FILTER (WHERE reason IS NULL) - coalesce(any_value(k.n), 0) AS duplicates,
        coalesce(any_value(k.n), 0) AS written
      FROM clean
      LEFT JOIN (SELECT src_idx, count(*) AS n FROM kept GROUP BY 1) k USING (src_idx)
      GROUP BY src_idx`);
    return new Map(
      r.map((x) => [
        Number(x.src_idx),
        {
          rejected: Number(x.rejected),
          duplicates: Number(x.duplicates),
          written: Number(x.written),
        },
      ]),
    );
  }

  static async open(opts: StoreOptions): Promise<Store> {
    await mkdir(path.join(opts.workDir, 'spill'), { recursive: true });
    const db = await DuckDBInstance.create(path.join(opts.workDir, 'work.duckdb'), {
      threads: String(opts.threads ?? 2),
      memory_limit: opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: path.join(opts.workDir, 'spill'),
      preserve_insertion_order: 'true',
    });
    const conn = await db.connect();
    for (const m of ruleMacros()) await conn.run(m);
    await conn.run(
      `CREATE TEMP TABLE clean (${CLEAN_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    );
    return new Store(conn, opts.onProgress, opts.maxRowsPerFile);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  private async scalar(sql: string): Promise<number> {
    return Number((await this.conn.runAndReadAll(sql)).getRowsJson()[0]![0]);
  }

  /**
   * Read one CSV with DuckDB's reader into positional columns (strict quoting: malformed records
   * go to DuckDB's rejects with their line), map positions to canonical fields by the layout,
   * and clean. Returns the number of data records read.
   */
  async addCsv(srcIdx: number, file: string, layout: HeaderLayout): Promise<number> {
    const h = layout.fields.length;
    // One spare column: a record with more fields than expected is caught, not truncated.
    const width = Math.max(h, layout.acceptsRaw28 ? 28 : 0) + 1;
    const cols = Array.from({ length: width }, (_, i) => `c${i + 1}`);
    this.stage = `reading ${path.basename(file)}`;
    await this.run(`CREATE OR REPLACE TEMP TABLE src AS
      SELECT * FROM read_csv(${sqlString(file)},
        auto_detect = false, header = false, skip = 1, delim = ',', quote = '"', escape = '"',
        null_padding = true, nullstr = chr(1), strict_mode = true,
        store_rejects = true, rejects_table = 'rej_errors', rejects_scan = 'rej_scans',
        columns = {${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`);
    // DuckDB's default 2 MB line limit (rows are ~1 KB; a 16 MB limit doubled the load time).
    // A table keeps insertion order (preserve_insertion_order), so rowid + 1 is the record's place
    // among the kept records: the same as row_number() over the file (checked on 545k rows) without
    // the single-threaded window that took half the load time.
    // Records DuckDB refused (bad quoting, too many fields): one reject per line.
    await this.conn.run(`INSERT INTO clean BY NAME
      SELECT ${srcIdx} AS src_idx, line, 'csv_syntax' AS reason, string_agg(DISTINCT error_message, '; ') AS message,
             any_value(csv_line) AS raw_line
      FROM rej_errors GROUP BY line`);
    // Good records' line numbers: the k-th good record follows every refused line l_j with
    // l_j - j < k (the rejects interleave with the records DuckDB kept).
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE bad AS
      SELECT line - 1 - row_number() OVER (ORDER BY line) AS g, row_number() OVER (ORDER BY line) AS j
      FROM (SELECT DISTINCT line FROM rej_errors)`);
    const nf = `CASE ${cols.map((_, i) => `WHEN c${width - i} IS NOT NULL THEN ${width - i}`).join(' ')} ELSE 0 END`;
    const pos = (field: CanonicalField, fields: readonly (CanonicalField | null)[]) =>
      fields.indexOf(field);
    const mapped = CANONICAL_FIELDS.map((fld) => {
      const i = pos(fld, layout.fields);
      const j = layout.acceptsRaw28 ? pos(fld, LAYOUT_28) : -1;
      const branches = [
        i >= 0 ? `WHEN nf = ${h} THEN c${i + 1}` : '',
        j >= 0 ? `WHEN nf = 28 THEN c${j + 1}` : '',
      ].join(' ');
      return branches.trim() ? `CASE ${branches} END AS ${f(fld)}` : `NULL::VARCHAR AS ${f(fld)}`;
    });
    // Without refused lines (the usual case) a record's line is its position plus the header.
    const anyRefused = (await this.scalar(`SELECT count(*) FROM bad`)) > 0;
    const okShape = `nf = ${h}${layout.acceptsRaw28 ? ' OR nf = 28' : ''}`;
    const input = `(SELECT ${srcIdx} AS src_idx,
        ${anyRefused ? 's.rn + coalesce(b.j, 0) + 1' : 's.rn + 1'} AS line, nf,
        CASE WHEN ${okShape} THEN NULL ELSE printf('%d fields where the header has %d', nf, ${h}) END AS shape_error,
        ${mapped.join(',\n        ')}, ${cols.join(', ')}
      FROM (SELECT *, rowid + 1 AS rn, ${nf} AS nf FROM src) s ${anyRefused ? 'ASOF LEFT JOIN bad b ON s.rn > b.g' : ''})`;
    await this.clean(input, RAW_FROM_FIELDS(`list_slice([${cols.join(', ')}], 1, nf)`));
    const kept = await this.scalar(`SELECT count(*) FROM src`);
    const refused = await this.scalar(`SELECT count(DISTINCT line) FROM rej_errors`);
    await this.conn.run(`DROP TABLE src; DROP TABLE bad`);
    return kept + refused;
  }

  /** Clean one input relation into `clean`: lookups of distinct values first, then one pass. */
  private async clean(input: string, rawExpr: string): Promise<void> {
    this.stage = this.stage.replace(/^reading/, 'cleaning');
    for (const sql of dictionarySql(input)) await this.run(sql);
    await this.run(`INSERT INTO clean BY NAME ${normalizeSql(input, rawExpr)}`);
  }

  /** Save one source's cleaned rows (kept and rejected) for later runs (see run.ts, --add). */
  async saveSource(srcIdx: number, file: string): Promise<void> {
    await this.conn
      .run(`COPY (SELECT * EXCLUDE (src_idx) FROM clean WHERE src_idx = ${Number(srcIdx)} ORDER BY rowid)
      TO ${sqlString(file)} (FORMAT PARQUET, COMPRESSION ZSTD)`);
  }

  /** Load a source's cleaned rows saved by an earlier run; returns the rows read. */
  async loadSource(srcIdx: number, file: string): Promise<number> {
    const before = await this.scalar(`SELECT count(*) FROM clean`);
    await this.run(
      `INSERT INTO clean BY NAME SELECT ${Number(srcIdx)} AS src_idx, * FROM read_parquet(${sqlString(file)})`,
    );
    return (await this.scalar(`SELECT count(*) FROM clean`)) - before;
  }

  /** Rows already split into canonical fields (JSON sources), cleaned by the same query. */
  async addRows(srcIdx: number, rows: JsonRow[]): Promise<void> {
    await this.addParsed(
      srcIdx,
      (async function* () {
        for (const row of rows) yield { row };
      })(),
    );
  }

  /**
   * Rows split into canonical fields by JavaScript (JSON sources, CSVs DuckDB's reader refused),
   * streamed into the work database and cleaned by the same query; rejects kept as they come.
   * Returns the number of records read.
   */
  async addParsed(
    srcIdx: number,
    records: AsyncIterable<{ row: JsonRow } | { reject: CsvReject }>,
  ): Promise<number> {
    const cols = [
      'line BIGINT',
      'raw_line VARCHAR',
      ...CANONICAL_FIELDS.map((x) => `${f(x)} VARCHAR`),
    ];
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE jsrc (${cols.join(', ')});
      CREATE OR REPLACE TEMP TABLE jrej (line BIGINT, reason VARCHAR, message VARCHAR, raw_line VARCHAR)`);
    const app = await this.conn.createAppender('jsrc', 'main', 'temp');
    const rej = await this.conn.createAppender('jrej', 'main', 'temp');
    let n = 0;
    for await (const r of records) {
      n++;
      if ('reject' in r) {
        rej.appendBigInt(BigInt(r.reject.line));
        rej.appendVarchar(r.reject.reason);
        rej.appendVarchar(r.reject.message);
        rej.appendVarchar(r.reject.raw);
        rej.endRow();
        continue;
      }
      app.appendBigInt(BigInt(r.row.line));
      app.appendVarchar(r.row.raw);
      for (const x of CANONICAL_FIELDS) {
        const v = r.row.fields[x];
        if (v === undefined || v === null) app.appendNull();
        else app.appendVarchar(String(v));
      }
      app.endRow();
    }
    app.closeSync();
    rej.closeSync();
    await this.conn.run(`INSERT INTO clean BY NAME
      SELECT ${Number(srcIdx)} AS src_idx, line, reason, message, raw_line FROM jrej`);
    const input = `(SELECT ${srcIdx} AS src_idx, NULL::VARCHAR AS shape_error, * FROM jsrc)`;
    await this.clean(input, 'raw_line');
    await this.conn.run(`DROP TABLE jsrc; DROP TABLE jrej`);
    return n;
  }

  /**
   * Resolve duplicates and build the published tables.
   * Rule 1: a row whose fields (ลำดับ aside) equal an earlier row's is a duplicate (the same row in
   * two parts). Rule 2: a contract (project, contract number, vendor, value) listed again in a later
   * fiscal year's file is kept once, from the latest year; the project's own fields come from its
   * latest year too (the most recent status). Both are counted as duplicates.
   */
  async build(): Promise<Record<string, number>> {
    this.stage = 'resolving duplicates and building tables';
    const run = (sql: string) => this.run(sql);
    // Decide on narrow columns only (row id and keys); the wide rows stay where they are, and
    // every table below reads just the columns it needs through the views. (Copying the kept
    // rows once instead saved 9 s of 109 at 6M rows, but at 21M its spill filled the 45 GB of
    // free disk the run had: docs/benchmarks.md.)
    await run(`CREATE TEMP TABLE keep AS
      WITH g AS (
        SELECT rowid AS rid, src_idx, line, project_id, fiscal_year, has_contract, contract_no, vendor_key, price_agree
        FROM clean WHERE reason IS NULL
        QUALIFY row_number() OVER (PARTITION BY dup_key ORDER BY src_idx, line) = 1
      ), k AS (
        SELECT * FROM g
        QUALIFY NOT has_contract OR row_number() OVER (
          PARTITION BY project_id, contract_no, vendor_key, price_agree ORDER BY fiscal_year DESC, src_idx, line) = 1
      )
      SELECT rid, row_number() OVER (PARTITION BY project_id ORDER BY fiscal_year DESC, src_idx, line) = 1 AS is_first,
             (SELECT count(*) FROM g) AS distinct_rows
      FROM k`);
    await run(
      `CREATE TEMP VIEW kept AS SELECT c.*, k.is_first FROM clean c JOIN keep k ON c.rowid = k.rid`,
    );
    await run(`CREATE TEMP VIEW first_rows AS SELECT * FROM kept WHERE is_first`);
    await run(`CREATE TEMP TABLE agencies AS
      SELECT (row_number() OVER (ORDER BY dept_name, dept_sub_name NULLS FIRST, province NULLS FIRST))::INTEGER AS agency_id,
             substr(sha256(concat_ws(chr(31), dept_name, coalesce(dept_sub_name, ''), coalesce(province, ''))), 1, 12) AS agency_key,
             dept_name, dept_sub_name, province
      FROM (SELECT DISTINCT dept_name, dept_sub_name, province FROM first_rows)`);
    await run(`CREATE TEMP TABLE methods AS
      SELECT (row_number() OVER (ORDER BY method_name))::SMALLINT AS method_id, method_name, method_bucket
      FROM (SELECT DISTINCT method_name, method_bucket FROM first_rows WHERE method_name IS NOT NULL)`);
    await run(`CREATE TEMP TABLE project_types AS
      SELECT (row_number() OVER (ORDER BY type_name))::SMALLINT AS type_id, type_name
      FROM (SELECT DISTINCT type_name FROM first_rows WHERE type_name IS NOT NULL)`);
    await run(`CREATE TEMP TABLE provinces AS
      SELECT (row_number() OVER (ORDER BY province))::SMALLINT AS province_id, province AS province_name,
             max(province_en) AS province_name_en
      FROM kept WHERE province IS NOT NULL GROUP BY province`);
    await run(`CREATE TEMP TABLE statuses AS
      SELECT (row_number() OVER (ORDER BY s))::SMALLINT AS status_id, s AS status_name
      FROM (SELECT project_status AS s FROM kept UNION SELECT contract_status FROM kept) WHERE s IS NOT NULL`);
    // Vendors: one per key; the name shown is the spelling seen most often (ties: smallest). Ids
    // follow activity (most contract rows first), so the names a page shows share row groups.
    await run(`CREATE TEMP TABLE vendors AS
      SELECT (row_number() OVER (ORDER BY count(*) DESC, vendor_key))::INTEGER AS vendor_id, vendor_key,
             CASE WHEN vendor_key LIKE 'tin:%' THEN substr(vendor_key, 5) END AS tin,
             CASE WHEN vendor_key LIKE 'tin:%' THEN 'valid' ELSE max(tin_status) END AS tin_status,
             first(winner ORDER BY n DESC, winner) AS name, max(winner_norm) AS name_norm
      FROM (SELECT vendor_key, winner, winner_norm, tin_status, count(*) OVER (PARTITION BY vendor_key, winner) AS n
            FROM kept WHERE vendor_key IS NOT NULL)
      GROUP BY vendor_key`);
    // Every spelling seen (trimmed and NFC as cleaned, otherwise as written) per vendor.
    await run(`CREATE TEMP TABLE vendor_names AS
      SELECT v.vendor_id, k.winner AS name, count(*)::INTEGER AS contracts
      FROM kept k JOIN vendors v USING (vendor_key) WHERE k.winner IS NOT NULL
      GROUP BY v.vendor_id, k.winner`);
    await run(`CREATE TEMP TABLE vendor_keys AS
      SELECT vendor_key, vendor_id, coalesce(tin::BIGINT, 0) AS tin_number FROM vendors`);
    // project_seq: the projects' order (year, agency, project), which is also the order of the
    // fact files, so a range of it prunes their row groups.
    await run(`CREATE TEMP TABLE projects AS
      SELECT (row_number() OVER (ORDER BY f.fiscal_year, a.agency_id, f.project_id))::INTEGER AS project_seq,
             f.project_id, f.fiscal_year, a.agency_id, m.method_id, t.type_id, p.province_id,
             s.status_id, f.project_money AS budget, f.price_build, f.sum_price_agree AS agreed,
             coalesce(n.contract_count, 0)::SMALLINT AS contract_count,
             f.announce_date, f.transaction_date, f.tenderers
      FROM first_rows f
      JOIN agencies a ON a.dept_name = f.dept_name AND a.dept_sub_name IS NOT DISTINCT FROM f.dept_sub_name
                     AND a.province IS NOT DISTINCT FROM f.province
      LEFT JOIN (SELECT project_id, count(*) AS contract_count FROM kept WHERE has_contract GROUP BY 1) n USING (project_id)
      LEFT JOIN methods m ON m.method_name = f.method_name
      LEFT JOIN project_types t ON t.type_name = f.type_name
      LEFT JOIN provinces p ON p.province_name = f.province
      LEFT JOIN statuses s ON s.status_name = f.project_status`);
    // Contracts carry their project's filter columns and money, so a view filtered by vendor or
    // contract date needs no join (and the vendor copy is self-sufficient).
    await run(`CREATE TEMP TABLE contracts AS
      SELECT c.project_id, p.project_seq, p.fiscal_year, p.agency_id, v.vendor_id, p.method_id, p.type_id,
             p.province_id, p.status_id AS project_status_id, p.budget, p.price_build, p.agreed,
             c.contract_no, c.contract_date, c.contract_finish_date, c.price_agree, s.status_id
      FROM kept c JOIN projects p USING (project_id)
      LEFT JOIN vendors v ON v.vendor_key = c.vendor_key
      LEFT JOIN statuses s ON s.status_name = c.contract_status
      WHERE c.has_contract`);
    await run(`CREATE TEMP TABLE details AS
      SELECT f.project_id, p.project_seq, p.agency_id, f.fiscal_year, f.project_name, f.method_raw,
             f.method_group_raw, f.method_source, f.district, f.subdistrict
      FROM first_rows f JOIN projects p USING (project_id)`);
    // Names are written apart from the rest of the text (schema 9), split and sorted as details.
    await run(`CREATE TEMP VIEW project_names AS
      SELECT project_seq, project_name, project_id, agency_id, fiscal_year FROM details`);
    const q = (
      await this.rows(`SELECT
        (SELECT count(*) FROM clean WHERE reason IS NULL) - (SELECT any_value(distinct_rows) FROM keep) AS duplicate_rows,
        (SELECT any_value(distinct_rows) FROM keep) - (SELECT count(*) FROM keep) AS repeated_contracts,
        (SELECT count(*) FROM (SELECT project_id FROM kept GROUP BY 1 HAVING count(DISTINCT fiscal_year) > 1)) AS projects_in_several_years,
        (SELECT count(*) FROM (SELECT project_id FROM kept GROUP BY 1 HAVING count(DISTINCT project_money) > 1)) AS project_money_conflicts,
        (SELECT count(*) FROM projects WHERE contract_count > 1) AS multi_contract_projects,
        count(*) FILTER (WHERE fy_source = 'project_id') AS fiscal_year_from_project_id,
        count(*) FILTER (WHERE fy_source = 'dates') AS fiscal_year_from_dates,
        count(*) FILTER (WHERE had_nul) AS nul_bytes_removed,
        count(*) FILTER (WHERE project_money < 0 OR price_build < 0 OR sum_price_agree < 0 OR price_agree < 0) AS negative_amounts,
        count(*) FILTER (WHERE method_source = 'swapped_column' AND method_raw IS NOT NULL) AS method_group_columns_swapped,
        count(*) FILTER (WHERE method_source = 'project_name') AS method_from_project_name,
        count(*) FILTER (WHERE method_source = 'none') AS method_unknown,
        count(*) FILTER (WHERE tin_status = 'broken') AS tin_broken,
        count(*) FILTER (WHERE tin_status = 'masked') AS tin_masked,
        count(*) FILTER (WHERE tin_status = 'invalid_checksum') AS tin_invalid_checksum,
        count(*) FILTER (WHERE tin_status = 'other') AS tin_other,
        count(*) FILTER (WHERE tin_restored) AS tin_leading_zero_restored
      FROM clean WHERE reason IS NULL`)
    )[0]!;
    return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Number(v)]));
  }

  async counts(): Promise<{ written: number; rejected: number; duplicates: number }> {
    const r = (
      await this.rows(`SELECT (SELECT count(*) FROM keep) AS written,
        (SELECT count(*) FROM clean WHERE reason IS NOT NULL) AS rejected,
        (SELECT count(*) FROM clean WHERE reason IS NULL) - (SELECT count(*) FROM keep) AS duplicates`)
    )[0]!;
    return {
      written: Number(r.written),
      rejected: Number(r.rejected),
      duplicates: Number(r.duplicates),
    };
  }

  async rejectsByReason(): Promise<Record<string, number>> {
    const r = await this.rows(`SELECT reason, count(*) AS n FROM (
        SELECT reason FROM clean WHERE reason IS NOT NULL)
      GROUP BY 1 ORDER BY 1`);
    return Object.fromEntries(r.map((x) => [String(x.reason), Number(x.n)]));
  }

  /** Every rejected row: source, line, reason, message and the raw text. */
  async writeRejects(file: string, sourceNames: readonly string[]): Promise<void> {
    const names = `[${sourceNames.map(sqlString).join(', ')}]`;
    await this.conn.run(`COPY (
        SELECT ${names}[src_idx + 1] AS source_file, line, reason, message, raw_line AS raw FROM (
          SELECT src_idx, line, reason, message, raw_line FROM clean WHERE reason IS NOT NULL)
        ORDER BY src_idx, line
      ) TO ${sqlString(file)} (FORMAT CSV, HEADER)`);
  }

  async fiscalYears(): Promise<number[]> {
    const r = await this.rows(`SELECT DISTINCT fiscal_year AS y FROM projects ORDER BY 1`);
    return r.map((x) => Number(x.y));
  }

  /**
   * The word index of project names: each distinct name is normalised and segmented once in JS
   * (Intl.Segmenter, the browser's ICU), in batches so memory stays flat; DuckDB then joins the
   * words back to the projects. Term ids follow the words' byte order.
   */
  private async buildSearch(): Promise<void> {
    this.stage = 'indexing words of project names';
    await this.run(`CREATE OR REPLACE TEMP TABLE names AS
      SELECT row_number() OVER (ORDER BY project_name)::INTEGER AS name_id, project_name
      FROM (SELECT DISTINCT project_name FROM details WHERE project_name IS NOT NULL)`);
    await this.conn.run(
      `CREATE OR REPLACE TEMP TABLE name_words (name_id INTEGER, word VARCHAR, kind TINYINT)`,
    );
    const total = await this.scalar(`SELECT count(*) FROM names`);
    const batch = 100_000;
    const app = await this.conn.createAppender('name_words', 'main', 'temp');
    for (let lo = 1; lo <= total; lo += batch) {
      const rows = (
        await this.conn.runAndReadAll(
          `SELECT name_id, project_name FROM names WHERE name_id BETWEEN ${lo} AND ${lo + batch - 1}`,
        )
      ).getRows() as [number, string][];
      for (const [id, name] of rows) {
        const { words, chunks } = indexTerms(name);
        for (const [list, kind] of [
          [words, TERM_WORD],
          [chunks, TERM_CHUNK],
        ] as const) {
          for (const w of list) {
            app.appendInteger(id);
            app.appendVarchar(w);
            app.appendTinyInt(kind);
            app.endRow();
          }
        }
      }
      this.onProgress?.({
        stage: this.stage,
        percent: Math.min(100, ((lo + batch) / total) * 100),
        rows: lo + rows.length - 1,
        elapsedMs: 0,
      });
    }
    app.closeSync();
    await this.run(`CREATE OR REPLACE TEMP TABLE search_postings AS
      SELECT w.word, w.kind, p.project_seq
      FROM details d JOIN projects p USING (project_id)
      JOIN names n USING (project_name) JOIN name_words w USING (name_id)`);
    await this.run(`CREATE OR REPLACE TEMP TABLE search_terms AS
      SELECT term, kind, row_number() OVER (ORDER BY term, kind)::INTEGER AS term_id, projects
      FROM (SELECT word AS term, kind, count(*)::INTEGER AS projects FROM search_postings GROUP BY 1, 2)`);
    await this.run(`CREATE OR REPLACE TEMP TABLE search_postings AS
      SELECT t.term_id, p.project_seq
      FROM search_postings p JOIN search_terms t ON t.term = p.word AND t.kind = p.kind`);
    await this.conn.run(`DROP TABLE names; DROP TABLE name_words`);
  }

  /** The narrow vendor copy and the pre-aggregates, from the built tables. */
  private async derive(): Promise<void> {
    await this.buildSearch();
    const byVendor = TABLES.contracts_by_vendor.map((c) =>
      c === 'project_name' ? 'd.project_name' : `c.${c}`,
    );
    await this.run(`CREATE OR REPLACE TEMP TABLE contracts_by_vendor AS
      SELECT ${byVendor.join(', ')} FROM contracts c
      LEFT JOIN (SELECT project_id, project_name FROM details) d ON d.project_id = c.project_id
      WHERE c.vendor_id IS NOT NULL`);
    // Discount against the reference price counts only projects that have both amounts.
    const ref = `coalesce(sum(price_build) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0) AS ref_price,
      coalesce(sum(agreed) FILTER (WHERE price_build > 0 AND agreed IS NOT NULL), 0) AS ref_agreed`;
    // Dimensions may be NULL (no method, no type): join on IS NOT DISTINCT FROM. Every contract's
    // project is in projects, so projects' groups cover all contract groups.
    const cube = async (table: string, dims: string[]) => {
      const d = dims.join(', ');
      const asContract = (c: string) => (c === 'status_id' ? 'project_status_id AS status_id' : c);
      await this.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        WITH p AS (SELECT ${d}, count(*)::INTEGER AS projects, coalesce(sum(budget), 0) AS budget, ${ref}
                   FROM projects GROUP BY ALL),
             c AS (SELECT ${dims.map(asContract).join(', ')}, count(*)::INTEGER AS contracts,
                          sum(price_agree) AS agreed FROM contracts GROUP BY ALL)
        SELECT p.*, coalesce(c.contracts, 0)::INTEGER AS contracts, coalesce(c.agreed, 0) AS agreed
        FROM p LEFT JOIN c ON ${dims.map((x) => `p.${x} IS NOT DISTINCT FROM c.${x}`).join(' AND ')}`);
    };
    await cube('agg_agency_year', ['agency_id', 'fiscal_year', 'province_id']);
    await cube('agg_cube', ['fiscal_year', 'method_id', 'type_id', 'province_id', 'status_id']);
    await this.run(`CREATE OR REPLACE TEMP TABLE agg_vendor_year AS
      SELECT vendor_id, fiscal_year, count(*)::INTEGER AS contracts, count(DISTINCT project_id)::INTEGER AS projects,
             count(DISTINCT agency_id)::INTEGER AS agencies, coalesce(sum(price_agree), 0) AS agreed
      FROM contracts WHERE vendor_id IS NOT NULL GROUP BY 1, 2`);
    await this.run(`CREATE OR REPLACE TEMP TABLE agg_month AS
      SELECT fiscal_year, month(contract_date)::TINYINT AS month, count(*)::INTEGER AS contracts,
             coalesce(sum(price_agree), 0) AS agreed
      FROM contracts GROUP BY ALL`);
  }

  /**
   * Write every table (schema/tables.ts says how each splits). Facts and details are sorted by
   * agency within a year so row-group statistics prune agency filters (details in smaller row
   * groups, for lookups of the rows on screen); the vendor copy by vendor.
   */
  async writeParquet(dir: string): Promise<WrittenFile[]> {
    await this.derive();
    this.stage = 'writing Parquet';
    const out: WrittenFile[] = [];
    const years = await this.fiscalYears();
    for (const table of Object.keys(TABLES) as TableName[]) {
      const columns = TABLES[table] as readonly string[];
      const keys = SPLIT[table] === 'year' ? ['agency_id', 'project_id'] : [columns[0]!];
      // Rows that tie on the keys (contracts of one project) are ordered by every other column too,
      // or the same inputs would not give the same snapshot. Projects, details and names have one
      // row per project id, so their keys alone decide.
      const unique = table === 'projects' || table === 'details' || table === 'project_names';
      const order = [...keys, ...(unique ? [] : columns.filter((c) => !keys.includes(c)))]
        .map((c) => `${c} NULLS FIRST`)
        .join(', ');
      const rowGroup = rowGroupRows(table);
      const slices =
        SPLIT[table] === 'year'
          ? years.map((fy) => ({ fy, where: `fiscal_year = ${Number(fy)}` }))
          : [{ fy: null, where: 'TRUE' }];
      for (const slice of slices) {
        const total = await this.scalar(`SELECT count(*) FROM ${table} WHERE ${slice.where}`);
        const max = this.maxRows[table] ?? Infinity;
        // Files too big to be one are cut between values of the first key (a vendor's contracts
        // stay in one file), found with windows over the distinct keys only. A key with a quarter
        // of a file's rows or more (the busiest vendors) is a file of its own: DuckDB-WASM's
        // read-ahead grows to 16 MB blocks while it scans one key's rows, and only a file's end
        // stops it (the busiest vendor at the start of a shared file read 23 MB for its 9 MB).
        let parts = 1;
        if (total > max) {
          await this.run(`CREATE OR REPLACE TEMP TABLE _cuts AS
            SELECT min(k) AS lo, max(k) AS hi FROM (
              SELECT k, seg, (sum(n) OVER (PARTITION BY seg ORDER BY k) - n) // ${max} AS sub FROM (
                SELECT k, n, sum(start::INTEGER) OVER (ORDER BY k) AS seg FROM (
                  SELECT k, n, n >= ${max / 4} OR lag(n >= ${max / 4}, 1, true) OVER (ORDER BY k) AS start
                  FROM (SELECT ${keys[0]} AS k, count(*) AS n FROM ${table} WHERE ${slice.where} GROUP BY 1))))
            GROUP BY seg, sub`);
          await this.run(
            `CREATE OR REPLACE TEMP TABLE _cuts AS SELECT row_number() OVER (ORDER BY lo) - 1 AS part, lo, hi FROM _cuts`,
          );
          parts = await this.scalar(`SELECT count(*) FROM _cuts`);
        }
        for (let part = 0; part < parts; part++) {
          const rel = fileName(table, slice.fy, part, parts);
          await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
          const inPart =
            parts > 1
              ? ` AND ${keys[0]} BETWEEN (SELECT lo FROM _cuts WHERE part = ${part}) AND (SELECT hi FROM _cuts WHERE part = ${part})`
              : '';
          const rows = `SELECT ${columns.join(', ')} FROM ${table} WHERE ${slice.where}${inPart} ORDER BY ${order}`;
          // Parquet format v2: sorted integers take delta encoding (the word index's postings
          // take half a byte a row instead of three; project_seq in the facts almost nothing).
          // DuckDB-WASM 1.28 reads it: every column of a year's files read back identical.
          await this.run(
            `COPY (${rows}) TO ${sqlString(path.join(dir, rel))} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE ${rowGroup}, PARQUET_VERSION V2)`,
          );
          const seq = columns.includes('project_seq') && SPLIT[table] === 'year';
          // (`project_names` is cut by the agencies of `details` but holds no agency column.)
          const keyed = columns.includes(keys[0]!);
          const range = (
            await this.rows(
              `SELECT ${keyed ? `min(${keys[0]})::VARCHAR` : 'NULL'} AS lo, ${keyed ? `max(${keys[0]})::VARCHAR` : 'NULL'} AS hi, count(*) AS n,
                 ${seq ? 'min(project_seq)' : 'NULL'} AS seq_lo, ${seq ? 'max(project_seq)' : 'NULL'} AS seq_hi
               FROM read_parquet(${sqlString(path.join(dir, rel))})`,
            )
          )[0]!;
          out.push({
            table,
            fiscal_year: slice.fy,
            path: rel,
            rows: Number(range.n),
            ...((parts > 1 || SPLIT[table] === 'key') && keyed
              ? { key_min: range.lo as string | null, key_max: range.hi as string | null }
              : {}),
            ...(seq ? { seq_min: Number(range.seq_lo), seq_max: Number(range.seq_hi) } : {}),
          });
        }
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
    const by_year = await this.rows(`SELECT p.fiscal_year, count(*)::INTEGER AS projects,
        coalesce(sum(p.contract_count), 0)::INTEGER AS contracts,
        coalesce(sum(p.budget), 0)::VARCHAR AS budget,
        (SELECT coalesce(sum(price_agree), 0) FROM contracts c WHERE c.fiscal_year = p.fiscal_year)::VARCHAR AS agreed
      FROM projects p GROUP BY p.fiscal_year ORDER BY p.fiscal_year`);
    const top_agencies = await this.rows(`SELECT a.dept_name, count(*)::INTEGER AS projects,
        coalesce(sum(p.budget), 0)::VARCHAR AS budget
      FROM projects p JOIN agencies a USING (agency_id)
      GROUP BY a.dept_name ORDER BY sum(p.budget) DESC NULLS LAST, a.dept_name LIMIT 20`);
    const totals = (
      await this.rows(`SELECT count(*)::INTEGER AS projects,
        coalesce(sum(contract_count), 0)::INTEGER AS contracts,
        coalesce(sum(budget), 0)::VARCHAR AS budget,
        (SELECT coalesce(sum(price_agree), 0) FROM contracts)::VARCHAR AS agreed FROM projects`)
    )[0]!;
    return { by_year, top_agencies, totals };
  }
}
