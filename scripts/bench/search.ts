/**
 * npm run bench:search -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--runs 3]
 *                         [--only TEXT] [--networks loopback,throttled]
 *
 * Keyword search on the built site over generated data (the dataset and site as bench:explore
 * makes them): bytes, requests and cold / warm / repeat time for a common word across all years
 * (its first page, its second, another order; repeat: the earliest year first), a rare word, a
 * two-word query, a word within one year, and a search of all fields (agency and winner names
 * too) of a common word and of a word winners' names have. In the same run, the baseline: what a
 * naive `project_name LIKE '%…%'` scan must transfer over the same files (the name and seq column
 * chunks of every `project_names` file and their footers, read from the Parquet metadata: DuckDB
 * fetches whole column chunks), and the index's own size. Not a test: quote its output
 * (docs/benchmarks.md).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../../src/lib/schema/tables.ts';
import { footerBytes } from './site.ts';
import { runViewsCli, type Interaction } from './views.ts';

const manifestOf = (data: string) =>
  JSON.parse(readFileSync(path.join(data, 'manifest.json'), 'utf8')) as Manifest;
const filesOf = (data: string, table: string) =>
  manifestOf(data)
    .files.filter((f) => f.table === table)
    .map((f) => path.join(data, f.path));
const sqlList = (files: string[]) => `[${files.map((f) => `'${f}'`).join(', ')}]`;

async function connect() {
  return (await DuckDBInstance.create(':memory:')).connect();
}

/** The queries, with the words' project counts from the vocabulary (for the record). */
async function interactions(data: string): Promise<Interaction[]> {
  const db = await connect();
  const terms = sqlList(filesOf(data, 'search_terms'));
  const one = async (sql: string, params: string[] = []) =>
    (await db.runAndReadAll(sql, params)).getRowObjectsJson()[0] as Record<string, string>;
  const df = async (w: string) =>
    (
      await one(
        `SELECT coalesce(max(projects), 0) AS n FROM read_parquet(${terms}) WHERE term = ? AND kind = 0`,
        [w],
      )
    ).n;
  const rare = await one(`SELECT term, projects FROM read_parquet(${terms})
    WHERE kind = 0 AND length(term) >= 4 AND NOT regexp_matches(term, '^[0-9]+$')
    ORDER BY projects, term LIMIT 1`);
  const fy = Math.max(...manifestOf(data).fiscal_years);
  const q = (o: Record<string, string>) => `/explore?${new URLSearchParams(o)}`;
  console.log(
    JSON.stringify({
      words: {
        ถนน: await df('ถนน'),
        [rare.term!]: rare.projects,
        นม: await df('นม'),
        โรงเรียน: await df('โรงเรียน'),
      },
    }),
  );
  // The page keeps a search's hits: warm is each search's first visit in a running page.
  return [
    { name: 'common word, all years (ถนน)', path: q({ q: 'ถนน' }) },
    // Its other pages and orders: the page from the hits and the ordered copy (session 54).
    { name: 'common word, all years, page 2 (ถนน)', path: q({ q: 'ถนน', page: '2' }) },
    { name: 'common word, all years, by agreed (ถนน)', path: q({ q: 'ถนน', sort: '-agreed' }) },
    { name: `rare word, all years (${rare.term})`, path: q({ q: rare.term! }) },
    { name: 'two words (นม โรงเรียน)', path: q({ q: 'นม โรงเรียน' }) },
    { name: `common word, one year (ถนน, ${fy})`, path: q({ q: 'ถนน', fy: String(fy) }) },
    { name: 'common word in agency and winner names too', path: q({ q: 'ถนน', qin: 'all' }) },
    // A word that winners' names have too: its search of all fields finds more than the names.
    {
      name: 'word of winner names, in agency and winner names too (ก่อสร้าง)',
      path: q({ q: 'ก่อสร้าง', qin: 'all' }),
    },
  ].map((x) => ({ ...x, firstInPage: true }));
}

/** What a naive LIKE scan over every year's names must transfer, beside the index's size. */
async function baseline(data: string, rows: number): Promise<void> {
  const db = await connect();
  const names = filesOf(data, 'project_names');
  const [chunks] = (
    await db.runAndReadAll(`SELECT sum(total_compressed_size)::BIGINT AS bytes
      FROM parquet_metadata(${sqlList(names)})
      WHERE path_in_schema IN ('project_name', 'project_seq')`)
  ).getRowObjectsJson() as { bytes: string }[];
  const footers = names.reduce((n, f) => n + footerBytes(f), 0);
  const size = (t: string) => filesOf(data, t).reduce((n, f) => n + statSync(f).size, 0);
  const kb = (n: number) => Math.round(n / 1024);
  console.log(
    JSON.stringify({
      rows,
      baseline: 'naive LIKE over project names, all years (column chunks + footers)',
      kb: kb(Number(chunks!.bytes) + footers),
      names_files: names.length,
      index_kb: {
        search_terms: kb(size('search_terms')),
        search_postings: kb(size('search_postings')),
      },
      names_kb: kb(size('project_names')),
    }),
  );
}

await runViewsCli(
  `npm run bench:search -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--runs 3]
                        [--only TEXT] [--networks loopback,throttled]

Keyword search on the built site, against a naive LIKE scan of the same files.`,
  interactions,
  baseline,
);
