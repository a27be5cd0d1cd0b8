/**
 * The SQL console's guard (src/lib/query/sql-guard.ts): what a shared /sql link may run. The
 * browser test (tests/e2e/console.test.ts) runs the refused statements through the page and
 * checks no request leaves the site; here, each rule and its position.
 */
import { describe, expect, it } from 'vitest';
import { checkReadOnly, lineCol, namedTables, tokenize } from '../../src/lib/query/sql-guard';

const refused = (sql: string) => {
  const r = checkReadOnly(sql);
  return r.ok ? null : { reason: r.reason, detail: r.detail, at: r.at };
};

describe('SQL console guard', () => {
  it('lets one reading statement through, without its trailing semicolons', () => {
    for (const sql of [
      'SELECT count(*) FROM projects',
      'select fiscal_year, sum(budget) from projects group by all order by 1;',
      'WITH y AS (SELECT 2566 AS fy) SELECT * FROM projects, y WHERE fiscal_year = y.fy',
      'FROM projects SELECT project_id LIMIT 5',
      '(SELECT 1) UNION ALL (SELECT 2)',
      'VALUES (1, 2)',
      "SELECT * FROM project_names WHERE project_name LIKE '%ถนน%'",
      // Words that are refused elsewhere are only text inside a string, a quoted name or a comment.
      'SELECT \'COPY x TO y; ATTACH\' AS note, 1 AS "set" -- DROP TABLE projects',
      'SELECT /* INSTALL httpfs; */ 1',
      'SELECT * FROM range(10) r, unnest([1, 2]) u',
      "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table'",
      "SELECT replace(project_name, 'ก', 'ข') FROM project_names",
    ]) {
      expect(refused(sql), sql).toBeNull();
    }
    expect(checkReadOnly('SELECT 1 ;; ')).toEqual({ ok: true, sql: 'SELECT 1' });
  });

  it('refuses statements that write, attach, install, load or set, naming the word and where', () => {
    expect(refused("COPY projects TO 'out.csv'")).toEqual({
      reason: 'statement',
      detail: 'COPY',
      at: 0,
    });
    expect(refused("ATTACH 'x.db'")?.reason).toBe('statement');
    expect(refused('INSTALL httpfs')?.reason).toBe('statement');
    expect(refused('LOAD httpfs')?.reason).toBe('statement');
    expect(refused('SET threads = 1')?.reason).toBe('statement');
    expect(refused('PRAGMA version')?.reason).toBe('statement');
    expect(refused('CREATE TABLE t AS SELECT 1')?.reason).toBe('statement');
    // Hidden behind a reading start: still refused, at the word.
    expect(refused('WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t')).toEqual({
      reason: 'word',
      detail: 'INSERT',
      at: 21,
    });
    expect(refused('SELECT 1; SET threads = 1')).toEqual({
      reason: 'multiple',
      detail: ';',
      at: 8,
    });
    expect(refused('SELECT 1; SELECT 2')?.reason).toBe('multiple');
  });

  it('refuses every function that reads files or URLs, and any string or name that is a file or URL', () => {
    expect(refused("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')")).toMatchObject({
      reason: 'function',
      detail: 'read_csv',
      at: 14,
    });
    expect(refused("SELECT * FROM READ_PARQUET ('s-x/projects/fy2566.parquet')")?.reason).toBe(
      'function',
    );
    expect(refused('SELECT * FROM "read_csv_auto"(\'x\')')?.reason).toBe('function');
    expect(refused("SELECT * FROM glob('*')")?.reason).toBe('function');
    expect(refused("SELECT * FROM parquet_metadata('x')")?.reason).toBe('function');
    expect(refused("SELECT * FROM read_json_auto('x')")?.reason).toBe('function');
    // DuckDB reads a string (or a quoted name) that stands for a table as a file.
    expect(refused("SELECT * FROM 'http://127.0.0.1:9/x'")).toMatchObject({
      reason: 'file',
      at: 14,
    });
    expect(refused('SELECT * FROM "x.parquet"')?.reason).toBe('file');
    expect(refused("SELECT * FROM 'data.csv.gz'")?.reason).toBe('file');
    expect(refused("SELECT * FROM '/etc/passwd'")?.reason).toBe('file');
    expect(refused("SELECT * FROM 's3://bucket/x'")?.reason).toBe('file');
  });

  it('finds the dataset tables a query names, in any case or quoted, not in strings or comments', () => {
    const tables = ['projects', 'contracts', 'vendors', 'methods'] as const;
    expect(
      namedTables(
        `SELECT * FROM PROJECTS p JOIN "vendors" v ON true -- methods
         WHERE p.project_id = 'contracts'`,
        tables,
      ),
    ).toEqual(['projects', 'vendors']);
  });

  it('refuses what it cannot read to the end, and says where', () => {
    expect(refused("SELECT 'open")).toEqual({ reason: 'unterminated', detail: '', at: 7 });
    expect(refused('SELECT 1 /* open')?.reason).toBe('unterminated');
    expect(refused('  ;  ')?.reason).toBe('empty');
    expect(lineCol('SELECT 1\nFROM x\nWHERE', 16)).toEqual({ line: 3, col: 1 });
    expect(tokenize("SELECT 'it''s'")).toEqual([
      { kind: 'word', text: 'SELECT', at: 0 },
      { kind: 'string', text: "it's", at: 7 },
    ]);
  });
});
