/**
 * npm run bench:peers -- [--rows 6000000] [--seed 1] [--dir data/bench] [--runs 3]
 *                        [--networks loopback,throttled] [--only TEXT]
 *
 * The site against its peers on the same published files and questions (year + agency, a vendor
 * across years, national totals, a common search word): this site (its headline numbers, cold from
 * a link, warm on a second visit in the same page), DuckDB-WASM with the minimal SQL, hyparquet
 * (pure-JS Parquet; zstd from hyparquet-compressors), and the floor (the column chunks and footers
 * the question needs, from native DuckDB's parquet_metadata). Engines alternate within each run;
 * the median run is printed (throttled: Lighthouse's mobile profile, one run). Every answer is checked against native DuckDB. Not a test: quote its
 * output (docs/benchmarks.md).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import type { Manifest } from '../../src/lib/schema/tables.ts';
import { clickLink, launchChromium } from '../lib/browser.ts';
import { parseCli } from '../lib/cli.ts';
import { createStaticServer, listen, type RequestLog } from '../lib/server.ts';
import { exploreViews } from './explore-views.ts';
import { answerSql, type Answer, type Question, siteView } from './peers/questions.ts';
import { benchDataset, benchFiles, buildSite, DATASET_OPTIONS, footerBytes } from './site.ts';
import { freshPage, headlineCost } from './views.ts';

const { values } = parseCli(
  `npm run bench:peers -- [--rows 6000000] [--seed 1] [--dir data/bench] [--runs 3]
                       [--networks loopback,throttled]

This site vs DuckDB-WASM (minimal SQL) vs hyparquet vs the floor, on the same files and questions.`,
  {
    ...DATASET_OPTIONS,
    runs: { type: 'string', default: '3' },
    networks: { type: 'string', default: 'loopback,throttled' },
    only: { type: 'string', default: '' },
  },
);
const rows = Number(values.rows);

const data = await benchDataset(values.dir, rows, Number(values.seed));
const { m } = benchFiles(data);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const all = async (sql: string, args: unknown[] = []) => {
  const st = await db.prepare(sql);
  st.bind(args as never);
  return (await st.runAndReadAll()).getRowObjectsJson() as Record<string, unknown>[];
};

/** The questions, with values picked as bench:explore picks them (busiest agency, 100th vendor). */
async function questions(): Promise<Question[]> {
  const views = await exploreViews(data);
  const param = (name: string, key: string) =>
    new URLSearchParams(views.find((v) => v.name === name)!.path.split('?')[1]).get(key)!;
  const fy = Math.max(...m.fiscal_years);
  return [
    { kind: 'year_agency', name: 'year + agency', fy, agency: param('year + agency', 'agency') },
    {
      kind: 'year_agency',
      name: 'year + agency (median)',
      fy,
      agency: param('year + agency name (median)', 'agency'),
    },
    {
      kind: 'vendor',
      name: 'vendor, all years (100th)',
      tin: param('vendor, all years (100th busiest)', 'vendor'),
    },
    { kind: 'national', name: 'national totals' },
    { kind: 'word', name: 'common word (ถนน)', word: 'ถนน' },
  ];
}

/** Native DuckDB over the local copies (manifest paths start with `s-<snapshot>/`). */
const nativeSql = (list: Manifest['files'], text: (from: string) => string, args: unknown[] = []) =>
  all(
    text(`read_parquet([${list.map((f) => `'${f.path}'`).join(', ')}])`).replaceAll(
      `'s-`,
      `'${data}/s-`,
    ),
    args,
  );

/** The question's answer from native DuckDB, with the same minimal SQL. */
const expected = (q: Question) => answerSql(q, m, nativeSql);

/** Column chunks a question must read: these columns of the row groups whose key may match. */
interface Need {
  table: string;
  keep?: (f: Manifest['files'][number]) => boolean;
  columns: string[];
  key: string;
  /** A numeric range, or text equal to; absent: every row group. */
  range?: [number, number];
  eq?: string;
}

/** The floor: the needed column chunks and the footers of the files they are in. */
async function floor(needs: Need[]): Promise<{ kb: number; requests: number }> {
  let bytes = 0;
  let requests = 0;
  for (const n of needs) {
    const list = m.files.filter((f) => f.table === n.table && (n.keep?.(f) ?? true));
    const pred = n.range
      ? `TRY_CAST(stats_min_value AS DOUBLE) <= ${n.range[1]} AND TRY_CAST(stats_max_value AS DOUBLE) >= ${n.range[0]}`
      : n.eq !== undefined
        ? `stats_min_value <= ? AND stats_max_value >= ?`
        : 'TRUE';
    const rows = await all(
      `WITH md AS (SELECT * FROM parquet_metadata([${list.map((f) => `'${path.join(data, f.path)}'`).join(', ')}]))
       SELECT file_name, count(*)::INTEGER AS chunks, sum(total_compressed_size)::BIGINT AS bytes FROM md
       WHERE path_in_schema IN (${n.columns.map((c) => `'${c}'`).join(', ')}) AND (file_name, row_group_id) IN (
         SELECT (file_name, row_group_id) FROM md WHERE path_in_schema = '${n.key}' AND ${pred})
       GROUP BY 1`,
      n.eq !== undefined ? [n.eq, n.eq] : [],
    );
    for (const r of rows) {
      bytes += Number(r.bytes) + footerBytes(String(r.file_name));
      requests += Number(r.chunks) + 1;
    }
  }
  return { kb: Math.round(bytes / 1024), requests };
}

async function needs(q: Question): Promise<Need[]> {
  const one = async (sql: string, args: unknown[] = []) =>
    (await nativeSql([], () => sql, args))[0]!;
  const list = (t: string) =>
    `read_parquet([${m.files
      .filter((f) => f.table === t)
      .map((f) => `'${path.join(data, f.path)}'`)
      .join(', ')}])`;
  if (q.kind === 'year_agency') {
    const r = await one(
      `SELECT min(agency_id)::INTEGER AS lo, max(agency_id)::INTEGER AS hi FROM ${list('agencies')} WHERE dept_name = ?`,
      [q.agency],
    );
    return [
      { table: 'agencies', columns: ['agency_id', 'dept_name'], key: 'dept_name', eq: q.agency },
      {
        table: 'projects',
        keep: (f) => f.fiscal_year === q.fy,
        columns: ['agency_id', 'budget'],
        key: 'agency_id',
        range: [Number(r.lo), Number(r.hi)],
      },
    ];
  }
  if (q.kind === 'vendor') {
    const tin = Number(q.tin);
    const r = await one(`SELECT vendor_id FROM ${list('vendor_keys')} WHERE tin_number = ${tin}`);
    const id = Number(r.vendor_id);
    return [
      {
        table: 'vendor_keys',
        columns: ['vendor_id', 'tin_number'],
        key: 'tin_number',
        range: [tin, tin],
      },
      {
        table: 'contracts_by_vendor',
        columns: ['vendor_id', 'price_agree'],
        key: 'vendor_id',
        range: [id, id],
      },
    ];
  }
  if (q.kind === 'national')
    return [{ table: 'agg_cube', columns: ['projects', 'budget'], key: 'projects' }];
  const r = await one(`SELECT term_id FROM ${list('search_terms')} WHERE term = ? AND kind = 0`, [
    q.word,
  ]);
  const id = Number(r.term_id);
  return [
    { table: 'search_terms', columns: ['term', 'term_id', 'kind'], key: 'term', eq: q.word },
    {
      table: 'search_postings',
      columns: ['term_id', 'project_seq'],
      key: 'term_id',
      range: [id, id],
    },
    { table: 'projects', columns: ['project_seq', 'budget'], key: 'project_seq' },
  ];
}

interface Net {
  origin: string;
  throttle: boolean;
}

interface Cost {
  ms: number;
  kb: number;
  requests: number;
}
interface Result {
  answer: Answer | null;
  cold: Cost;
  warm: Cost;
}

const kbOf = (log: RequestLog[], from: number) => ({
  kb: Math.round(log.slice(from).reduce((n, e) => n + e.bytes, 0) / 1024),
  requests: log.length - from,
});

/** A peer engine: the question cold in a fresh profile, then again in the same page (warm). */
async function peer(
  browser: Browser,
  net: Net,
  log: RequestLog[],
  engine: string,
  q: Question,
): Promise<Result> {
  const { context, page } = await freshPage(browser, net.throttle);
  const origin = net.origin;
  try {
    let from = log.length;
    const b64 = Buffer.from(JSON.stringify(q)).toString('base64');
    await page.goto(`${origin}/peers/index.html?engine=${engine}&q=${encodeURIComponent(b64)}`);
    await page.waitForFunction(() => '__run' in globalThis);
    const run = () =>
      page.evaluate(async () => {
        const r = await (
          globalThis as unknown as { __run(): Promise<{ answer: Answer; ms: number }> }
        ).__run();
        return { ...r, at: performance.now() };
      });
    const c = await run();
    const cold = { ms: Math.round(c.at), ...kbOf(log, from) };
    from = log.length;
    const w = await run();
    return { answer: c.answer, cold, warm: { ms: Math.round(w.ms), ...kbOf(log, from) } };
  } finally {
    await context.close();
  }
}

/** The site: a link to the view, cold, until its headline numbers are final; then a warm visit. */
async function site(browser: Browser, net: Net, log: RequestLog[], q: Question): Promise<Result> {
  const v = siteView(q);
  const { context, page } = await freshPage(browser, net.throttle);
  const origin = net.origin;
  const headline = '[data-testid="explorer"][data-headline="ready"]';
  try {
    let from = log.length;
    await page.goto(`${origin}${v.path}`);
    await page.waitForSelector(headline, { timeout: 600_000 });
    const cold = { ...(await pageCost(page, log, from)) };
    const answer = await siteAnswer(page, v);
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', {
      timeout: 600_000,
    });
    await clickLink(page, '/explore?fy=2500');
    await page.waitForFunction(() => performance.getEntriesByName('explorer:data').length > 0);
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]');
    from = log.length;
    await clickLink(page, v.path);
    // (Strings, not functions: tsx would wrap named inner functions in a helper the page lacks.)
    const at = `((n) => performance.getEntriesByName(n).at(-1)?.startTime ?? -1)`;
    await page.waitForFunction(`${at}('explorer:headline') > ${at}('bench:click')`);
    const ms = Math.round(
      (await page.evaluate<number>(`${at}('explorer:headline') - ${at}('bench:click')`)) as number,
    );
    return { answer, cold, warm: { ms, ...kbOf(log, from) } };
  } finally {
    await context.close();
  }
}

/**
 * A cold visit's cost until its headline: when the headline files answered, what the page itself
 * received by then (Resource Timing; the engine starts only after); else the server's log, since
 * the engine's worker fetched the rest.
 */
async function pageCost(page: Page, log: RequestLog[], from: number): Promise<Cost> {
  const h = await headlineCost(page);
  const ms = h.headline_ms ?? -1;
  if (h.headline_from === 'shown')
    return { ms, kb: h.headline_kb!, requests: h.headline_requests! };
  return { ms, ...kbOf(log, from) };
}

async function siteAnswer(page: Page, v: ReturnType<typeof siteView>): Promise<Answer> {
  const get = async (id: string) =>
    Number(await page.getAttribute(`[data-testid="result-${id}"]`, 'data-value'));
  return { a: await get(v.a), b: Math.round((await get(v.b)) * 100) / 100 };
}

const median = (xs: Result[]) =>
  [...xs].sort((a, b) => a.cold.ms - b.cold.ms)[Math.floor(xs.length / 2)]!;

const siteDir = buildSite(values.dir, rows, data);
await build({
  root: path.join(import.meta.dirname, 'peers'),
  base: '/peers/',
  configFile: false,
  logLevel: 'warn',
  build: { outDir: path.join(siteDir, 'peers'), emptyOutDir: true, target: 'es2022' },
});
const log: RequestLog[] = [];
const server = createStaticServer({ root: siteDir, gzip: true, onRequest: (e) => log.push(e) });
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await launchChromium();
const ENGINES = ['site', 'duckdb', 'hyparquet'] as const;
try {
  for (const network of values.networks.split(',')) {
    const net = { origin, throttle: network === 'throttled' };
    const runs = net.throttle ? 1 : Number(values.runs);
    console.log(
      `\n## ${rows.toLocaleString('en')} contract rows (${data}), ${network}: ${runs} run(s), the median by cold time\n`,
    );
    console.log(
      '| question | engine | answer | cold ms | cold KB | requests | warm ms | warm KB |',
    );
    console.log('|---|---|---|---:|---:|---:|---:|---:|');
    for (const q of (await questions()).filter((x) => x.name.includes(values.only))) {
      await compare(browser, net, q, runs);
    }
  }
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}

/** One question: every engine `runs` times (alternating which goes first), then the floor. */
async function compare(b: Browser, net: Net, q: Question, runs: number): Promise<void> {
  const want = await expected(q);
  const got: Record<string, Result[]> = { site: [], duckdb: [], hyparquet: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate which engine goes first, so no engine always meets a warmer machine.
    for (const e of [...ENGINES.slice(i % 3), ...ENGINES.slice(0, i % 3)]) {
      got[e]!.push(e === 'site' ? await site(b, net, log, q) : await peer(b, net, log, e, q));
    }
  }
  const f = await floor(await needs(q));
  for (const e of ENGINES) {
    const r = median(got[e]!);
    const ok = r.answer && r.answer.a === want.a && Math.abs(r.answer.b - want.b) < 0.01;
    const answer = ok ? 'equal' : `DIFFERS ${JSON.stringify(r.answer)} vs ${JSON.stringify(want)}`;
    console.log(
      `| ${q.name} | ${e} | ${answer} | ${r.cold.ms} | ${r.cold.kb} | ${r.cold.requests} | ${r.warm.ms} | ${r.warm.kb} |`,
    );
  }
  console.log(`| ${q.name} | floor (chunks + footers) | | | ${f.kb} | ${f.requests} | | |`);
}
