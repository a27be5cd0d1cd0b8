/**
 * The engine's warm-up (src/lib/query/warmup.ts) on native DuckDB: its file is written with the
 * data's column types, and every statement reads rows, so each shape runs its operators on data
 * (a statement that matched nothing would leave their code uncompiled in the browser). The
 * browser test (tests/e2e/explorer.test.ts) checks that the page runs it to the end, sending no
 * request.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WARMUP, WARMUP_FILE } from '../../src/lib/query/warmup';
import { lit, ownConnection, rowsOn } from '../helpers/duckdb';
import { TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-warmup');

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('engine warm-up', () => {
  it("writes a file of the data's column types, and every statement reads rows of it", async () => {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, WARMUP_FILE);
    const conn = await ownConnection();
    // (The page writes it in the engine's memory under its bare name.)
    const at = (sql: string) => sql.replaceAll(`'${WARMUP_FILE}'`, lit(file));
    const [write, ...reads] = WARMUP;
    await rowsOn(conn, at(write!.sql), write!.params);
    const types = await rowsOn(
      conn,
      `SELECT DISTINCT column_type FROM (DESCRIBE SELECT * FROM read_parquet(${lit(file)}))`,
    );
    expect(types.map((t) => t.column_type).sort()).toEqual([
      'BIGINT',
      'DATE',
      'DECIMAL(18,2)',
      'DECIMAL(38,2)',
      'INTEGER',
      'SMALLINT',
      'TINYINT',
      'VARCHAR',
    ]);
    const groups = await rowsOn(
      conn,
      `SELECT count(*) AS n FROM parquet_metadata(${lit(file)}) WHERE column_id = 0`,
    );
    expect(Number(groups[0]!.n)).toBeGreaterThan(1);
    for (const q of reads) {
      const got = await rowsOn(conn, at(q.sql), q.params);
      expect(got.length, q.sql.slice(0, 80)).toBeGreaterThan(0);
    }
  });
});
