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
import type { RejectExample, TableName, VENDOR_TOP } from '../../src/lib/schema/tables.ts';
import type { CsvReject, JsonRow } from './rows.ts';
import type { HeaderLayout } from './layout.ts';
import { CLEAN_COLUMNS, dictionarySql, f, normalizeSql } from './normalize.ts';
import { ruleMacros, sqlString } from './rules.ts';
import { buildAggregates } from './stages/aggregates.ts';
import type { Progress, StageDb } from './stages/db.ts';
import { DEFAULT_MEMORY_LIMIT, ingestThreads } from './resources.ts';
import { timed } from './timed.ts';

export type { Progress, WrittenFile } from './stages/db.ts';
import { buildDimensions, buildVendors } from './stages/dimensions.ts';
import { decideDuplicates } from './stages/duplicates.ts';
import { buildFacts, qualityCounts } from './stages/facts.ts';
import { buildFlagBits } from './stages/flag-bits.ts';
import { buildSearchIndex } from './stages/search-index.ts';
import { writeHeadline } from './stages/headline.ts';
import { writeTables } from './stages/write.ts';

export interface StoreOptions {
  /** A scratch folder for the working database and spill files (removed by the caller). */
  workDir: string;
  /** Called about four times a second while a long statement runs. */
  onProgress?: (p: Progress) => void;
  /** DuckDB's memory limit, e.g. `3GB` (default DEFAULT_MEMORY_LIMIT); beyond it work spills to disk. */
  memoryLimit?: string;
  /** Rows per file before a table splits further (default MAX_ROWS_PER_FILE; tests set less). */
  maxRowsPerFile?: Partial<Record<TableName, number>>;
  /** How many projects `projects_top` holds (default TOP_ROWS; tests set less). */
  topRows?: number;
  /** How many of each province's `projects_top_province` holds (default PROVINCE_TOP_ROWS; tests set less). */
  provinceTopRows?: number;
  /** Which vendors `vendor_top` holds and how many of their projects (default VENDOR_TOP; tests set less). */
  vendorTop?: typeof VENDOR_TOP;
  /** DuckDB's threads (default: `ingestThreads()`). */
  threads?: number;
  /** Scan in 2,048-row tasks (`PRAGMA verify_parallelism`): small inputs use every thread (tests). */
  smallTasks?: boolean;
}

/** The sources' names as a SQL list literal, indexed by `src_idx + 1` (rejects name their file). */
const namesList = (names: readonly string[]) => `[${names.map(sqlString).join(', ')}]`;

/** CSV-quote a list of fields back into one line (for the rejects file). */
const RAW_FROM_FIELDS = (fields: string) =>
  `array_to_string(list_transform(${fields}, x -> CASE WHEN regexp_matches(coalesce(x, ''), '[",\\n\\r]') THEN '"' || replace(x, '"', '""') || '"' ELSE coalesce(x, '') END), ',')`;

export class Store {
  private stage = 'starting';
  /** The working database as the stages see it. */
  private readonly db: StageDb;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly onProgress?: (p: Progress) => void,
    private readonly sizes: Pick<
      StoreOptions,
      'maxRowsPerFile' | 'topRows' | 'provinceTopRows' | 'vendorTop'
    > = {},
  ) {
    this.db = {
      conn,
      stage: (name) => (this.stage = name),
      run: (sql) => this.run(sql),
      rows: (sql) => this.rows(sql),
      scalar: (sql) => this.scalar(sql),
      progress: onProgress,
    };
  }

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
      await timed(sql, () => this.conn.run(sql));
    } finally {
      if (timer) clearInterval(timer);
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
      threads: String(ingestThreads(opts.threads)),
      memory_limit: opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: path.join(opts.workDir, 'spill'),
      preserve_insertion_order: 'true',
    });
    const conn = await db.connect();
    if (opts.smallTasks) await conn.run('PRAGMA verify_parallelism');
    for (const m of ruleMacros()) await conn.run(m);
    // Every table the stages build is a table of this work database, in DuckDB's compressed
    // storage, not a TEMP table: TEMP tables spill past the memory limit as they are, and none is
    // dropped before the end (19.4 GB of spill at 6M rows, more than 62 GB at 21M; 6.1 GB of work
    // folder at 6M as tables: docs/benchmarks.md, session 35).
    await conn.run(`CREATE TABLE clean (${CLEAN_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    return new Store(conn, opts.onProgress, opts);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const r = await timed(sql, () => this.conn.runAndReadAll(sql));
    return r.getRowObjectsJson() as Record<string, unknown>[];
  }

  private async scalar(sql: string): Promise<number> {
    return Number((await timed(sql, () => this.conn.runAndReadAll(sql))).getRowsJson()[0]![0]);
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
    await this.run(`CREATE OR REPLACE TABLE src AS
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
    await this.run(`INSERT INTO clean BY NAME
      SELECT ${srcIdx} AS src_idx, line, 'csv_syntax' AS reason, string_agg(DISTINCT error_message, '; ') AS message,
             any_value(csv_line) AS raw_line
      FROM rej_errors GROUP BY line`);
    // Good records' line numbers: the k-th good record follows every refused line l_j with
    // l_j - j < k (the rejects interleave with the records DuckDB kept).
    await this.run(`CREATE OR REPLACE TABLE bad AS
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
    await this.run(`DROP TABLE src; DROP TABLE bad`);
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
    await this
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
   * A record may name its own source (`src`: the OCDS rows of every file are cleaned in one
   * pass, as one pass per file cost ~0.4 s each, 21 s for Moldova's 51 files). Returns the number
   * of records read.
   */
  async addParsed(
    srcIdx: number,
    records: AsyncIterable<({ row: JsonRow } | { reject: CsvReject }) & { src?: number }>,
  ): Promise<number> {
    const cols = [
      'src_idx INTEGER',
      'line BIGINT',
      'raw_line VARCHAR',
      ...CANONICAL_FIELDS.map((x) => `${f(x)} VARCHAR`),
    ];
    await this.run(`CREATE OR REPLACE TABLE jsrc (${cols.join(', ')});
      CREATE OR REPLACE TABLE jrej (src_idx INTEGER, line BIGINT, reason VARCHAR, message VARCHAR, raw_line VARCHAR)`);
    const app = await this.conn.createAppender('jsrc');
    const rej = await this.conn.createAppender('jrej');
    let n = 0;
    for await (const r of records) {
      n++;
      if ('reject' in r) {
        rej.appendInteger(r.src ?? srcIdx);
        rej.appendBigInt(BigInt(r.reject.line));
        rej.appendVarchar(r.reject.reason);
        rej.appendVarchar(r.reject.message);
        rej.appendVarchar(r.reject.raw);
        rej.endRow();
        continue;
      }
      app.appendInteger(r.src ?? srcIdx);
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
    await this.run(`INSERT INTO clean BY NAME
      SELECT src_idx, line, reason, message, raw_line FROM jrej`);
    const input = `(SELECT NULL::VARCHAR AS shape_error, * FROM jsrc)`;
    await this.clean(input, 'raw_line');
    await this.run(`DROP TABLE jsrc; DROP TABLE jrej`);
    return n;
  }

  /**
   * Resolve duplicates and build the published tables.
   * Rule 1: a row whose fields (ลำดับ aside) equal an earlier row's is a duplicate (the same row in
   * two parts). Rule 2: a contract (project, contract number, vendor, value) listed again in a later
   * fiscal year's file is kept once, from the latest year; the project's own fields come from its
   * latest year too (the most recent status). Both are counted as duplicates.
   */
  /**
   * Decide duplicates, then build the dimension and fact tables; returns the quality counts.
   * Each step is a stage of its own (stages/).
   */
  async build(): Promise<Record<string, number>> {
    await decideDuplicates(this.db);
    await buildDimensions(this.db);
    await buildVendors(this.db);
    await buildFacts(this.db);
    return qualityCounts(this.db);
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

  /** The first rejected rows of each reason, in source order, as `rejects.csv` has them. */
  async rejectExamples(
    sourceNames: readonly string[],
    perReason = 3,
  ): Promise<Record<string, RejectExample[]>> {
    const names = namesList(sourceNames);
    const r = await this.rows(`SELECT reason, ${names}[src_idx + 1] AS source_file, line, message,
        left(raw_line, 300) AS raw, length(raw_line) > 300 AS cut
      FROM clean WHERE reason IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY reason ORDER BY src_idx, line) <= ${Number(perReason)}
      ORDER BY reason, src_idx, line`);
    const out: Record<string, RejectExample[]> = {};
    for (const x of r) {
      (out[String(x.reason)] ??= []).push({
        source_file: String(x.source_file),
        line: Number(x.line),
        message: String(x.message ?? ''),
        raw: String(x.raw ?? ''),
        ...(x.cut ? { cut: true } : {}),
      });
    }
    return out;
  }

  /** Every rejected row: source, line, reason, message and the raw text. */
  async writeRejects(file: string, sourceNames: readonly string[]): Promise<void> {
    const names = namesList(sourceNames);
    await this.run(`COPY (
        SELECT ${names}[src_idx + 1] AS source_file, line, reason, message, raw_line AS raw FROM (
          SELECT src_idx, line, reason, message, raw_line FROM clean WHERE reason IS NOT NULL)
        ORDER BY src_idx, line
      ) TO ${sqlString(file)} (FORMAT CSV, HEADER)`);
  }

  async fiscalYears(): Promise<number[]> {
    const r = await this.rows(`SELECT DISTINCT fiscal_year AS y FROM projects ORDER BY 1`);
    return r.map((x) => Number(x.y));
  }

  /** The word index, flags, vendor copy and pre-aggregates; every table; the headline files. */
  async writeParquet(dir: string) {
    await buildSearchIndex(this.db);
    await buildFlagBits(this.db);
    const { maxRowsPerFile, ...sizes } = this.sizes;
    await buildAggregates(this.db, sizes);
    const files = await writeTables(this.db, dir, maxRowsPerFile);
    return { files, headline: await writeHeadline(this.db, path.join(dir, 'headline')) };
  }

  /** The working database, for the stages after the tables (summary, first seen: snapshot.ts). */
  get stages(): StageDb {
    return this.db;
  }
}
