/**
 * Stage: decide duplicates. An exact repeat of a row (same source fields) is dropped; a contract
 * seen in several years' files is kept from the latest year. `kept` are the surviving rows and
 * `first_rows` one row per project (its latest year's), both views over `clean`.
 */
import type { StageDb } from './db.ts';

export async function decideDuplicates(db: StageDb): Promise<void> {
  db.stage('resolving duplicates');
  // Decide on narrow columns only (row id and keys); the wide rows stay where they are, and
  // every table below reads just the columns it needs through the views. (Copying the kept
  // rows once instead saved 9 s of 109 at 6M rows, but at 21M its spill filled the 45 GB of
  // free disk the run had: docs/benchmarks.md.)
  await db.run(`CREATE TABLE keep AS
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
  await db.run(
    `CREATE TEMP VIEW kept AS SELECT c.*, k.is_first FROM clean c JOIN keep k ON c.rowid = k.rid`,
  );
  await db.run(`CREATE TEMP VIEW first_rows AS SELECT * FROM kept WHERE is_first`);
}
