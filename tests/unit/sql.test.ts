/**
 * The SQL the site sends, run on native DuckDB over real ingested Parquet and compared with
 * independent queries (Mosaic's habit: test generated SQL by running it, not by string compare).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMaps } from '../../scripts/ingest/layout';
import { ingest } from '../../scripts/ingest/run';
import { filtersToSearch, parseFilters, type Filters } from '../../src/lib/query/filters';
import {
  agencyIdsSql,
  agencySuggestSql,
  detailsSql,
  factWhere,
  parquet,
  summarySql,
  topRowsSql,
  type Sql,
} from '../../src/lib/query/sql';
import type { Manifest, ManifestFile } from '../../src/lib/schema/tables';
import { native, rows } from '../helpers/duckdb';
import { DRONE_CSV, TMP } from '../helpers/paths';

const out = path.join(TMP, 'unit-sql');
let m: Manifest;
const files = (table: string, years: number[] = []): ManifestFile[] =>
  m.files.filter(
    (f) =>
      f.table === table &&
      (years.length === 0 || f.fiscal_year === null || years.includes(f.fiscal_year)),
  );
const run = (q: Sql) => rows(q.sql, q.params);

beforeAll(async () => {
  await ingest({ files: [DRONE_CSV], out, maps: parseMaps(['_ปีงบ=budget_year']) });
  m = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
  // The site reads manifest paths relative to the data URL; native DuckDB resolves them here.
  await (await native()).run(`SET file_search_path = '${out.replace(/'/g, "''")}'`);
});

async function siteTotals(f: Filters) {
  const ids =
    f.agency === null
      ? null
      : (await run(agencyIdsSql(files('agencies'), f.agency))).map((r) => Number(r.agency_id));
  return (await run(summarySql(files('projects', f.fy), factWhere(f, ids))))[0]!;
}

describe('explorer SQL on native DuckDB', () => {
  it('counts and sums like an independent join, for years, agencies and both', async () => {
    const [busiest] = await rows(`SELECT a.dept_name AS name FROM ${parquet(files('projects'))} p
      JOIN ${parquet(files('agencies'))} a USING (agency_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const name = String(busiest!.name);
    for (const f of [
      { fy: [], agency: null },
      { fy: [2566], agency: null },
      { fy: [], agency: name },
      { fy: [2567, 2568], agency: name },
      { fy: [2565], agency: "O'Reilly'; DROP TABLE x; --" },
    ] as Filters[]) {
      const expected = await rows(
        `SELECT count(*) AS projects, coalesce(sum(budget), 0)::VARCHAR AS budget
         FROM ${parquet(files('projects'))} p JOIN ${parquet(files('agencies'))} a USING (agency_id)
         WHERE (len(?::INTEGER[]) = 0 OR list_contains(?::INTEGER[], p.fiscal_year)) AND (?::VARCHAR IS NULL OR a.dept_name = ?)`,
        [`[${f.fy.join(',')}]`, `[${f.fy.join(',')}]`, f.agency, f.agency],
      );
      expect(await siteTotals(f)).toEqual(expected[0]);
    }
  });

  it('orders the first rows by amount, not by the text of the amount', async () => {
    const top = await run(
      topRowsSql(files('projects'), factWhere({ fy: [], agency: null }, null), 50),
    );
    const budgets = top.map((r) => Number(r.budget));
    expect(budgets).toEqual([...budgets].sort((a, b) => b - a));
    expect(budgets[0]).toBeGreaterThan(1_000_000);
    const names = await run(
      detailsSql(
        files('details'),
        top.map((r) => String(r.project_id)),
      ),
    );
    expect(names).toHaveLength(50);
  });

  it('suggests agency names with LIKE wildcards in the text taken literally', async () => {
    const found = await run(agencySuggestSql(files('agencies'), 'อุทยาน', 30));
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) expect(String(r.dept_name)).toContain('อุทยาน');
    expect(await run(agencySuggestSql(files('agencies'), '%_%', 30))).toEqual([]);
  });

  it('refuses file paths that could break out of a SQL literal', () => {
    expect(() => parquet([{ ...files('agencies')[0]!, path: "x.parquet'); --" }])).toThrow(
      /unsafe/,
    );
  });
});

describe('URL filters', () => {
  it('parses years, ranges and agency, and reports what it ignores', () => {
    const { filters, invalid } = parseFilters(
      new URLSearchParams('fy=2566&fy=2560-2562&fy=x&fy=2566&agency=%20กรมทางหลวง%20'),
    );
    expect(filters).toEqual({ fy: [2560, 2561, 2562, 2566], agency: 'กรมทางหลวง' });
    expect(invalid).toEqual(['fy=x']);
    expect(parseFilters(new URLSearchParams('fy=2568-2560')).invalid).toEqual(['fy=2568-2560']);
    expect(
      parseFilters(new URLSearchParams(`agency=${'ก'.repeat(301)}`)).filters.agency,
    ).toBeNull();
  });

  it('round-trips through the query string', () => {
    const f: Filters = { fy: [2565, 2567], agency: 'เทศบาลตำบล & "หนองบัว"' };
    expect(parseFilters(new URLSearchParams(filtersToSearch(f))).filters).toEqual(f);
    expect(filtersToSearch({ fy: [], agency: null })).toBe('');
  });
});
