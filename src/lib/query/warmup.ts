/**
 * The engine's warm-up: statements over a small Parquet file the engine writes in its own memory,
 * in the shapes of the explorer's queries (grouping sets ranked by a window, the table's pages,
 * lookups by id, an agency's ranks, the month chart, a search of names) and over the data's
 * column types (SMALLINT, INTEGER, TINYINT, BIGINT, DECIMAL(18,2), DECIMAL(38,2), DATE, VARCHAR).
 *
 * Why: DuckDB-WASM's code is compiled by the browser function by function on its first call, then
 * optimised once hot, so a page's first query of each shape runs several times slower than the
 * same query again (the explorer's overview of a vendor past the busy ones: ~1,050 ms the first
 * time, ~80 ms the second, with its file already open; docs/benchmarks.md, session 52). Run while
 * the page is idle after its first view, these make the reader's next view start from compiled
 * code. They read no data file and send no request. Pure: no DuckDB, no Svelte.
 */
import type { Sql } from './sql';

/** The warm-up's file, in the engine's memory only (never a manifest path). */
export const WARMUP_FILE = 'warmup.parquet';

const FROM = `read_parquet(['${WARMUP_FILE}'])`;

/** Rows of the file: enough for a few row groups, dictionary pages and several groups per key. */
const ROWS = 6_000;

/** Writes the file (the first statement), with the data's column names and types. */
const WRITE = `COPY (SELECT
    'p' || lpad((i * 7919 % 100000)::VARCHAR, 11, '0') AS project_id,
    i::INTEGER AS project_seq,
    (2560 + i % 9)::SMALLINT AS fiscal_year,
    (i % 11)::SMALLINT AS method_id,
    (i % 5)::SMALLINT AS type_id,
    (i % 4)::SMALLINT AS status_id,
    (i % 77)::SMALLINT AS province_id,
    (i % 300)::INTEGER AS agency_id,
    (i % 997)::INTEGER AS vendor_id,
    (i % 3)::TINYINT AS vendor_match,
    (1000000000000 + i % 997)::BIGINT AS tin_number,
    CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 1234.5)::DECIMAL(18,2) END AS budget,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 1000.25)::DECIMAL(18,2) END AS agreed,
    (i * 99.75)::DECIMAL(38,2) AS total,
    DATE '2017-10-01' + (i % 2500)::INTEGER AS contract_date,
    'โครงการก่อสร้างถนน หมู่ ' || (i % 250)::VARCHAR AS project_name
  FROM range(${ROWS}) t(i)) TO '${WARMUP_FILE}' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 2048)`;

/** A view's totals, facets and charts as one batch (aggregate.ts `aggregateBatch`'s shape). */
const BATCH = `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY grouping_set ORDER BY
    CASE WHEN grouping_set = 3 THEN order_projects ELSE NULL END DESC NULLS LAST,
    CASE WHEN grouping_set = 1 THEN order_budget ELSE NULL END DESC NULLS LAST,
    CASE WHEN grouping_set = 3 THEN fiscal_year WHEN grouping_set = 1 THEN agency_id ELSE NULL END NULLS LAST,
    CASE WHEN grouping_set = 2 THEN method_id ELSE NULL END NULLS LAST) AS rank_in_set
  FROM (SELECT fiscal_year, method_id, agency_id,
      grouping(fiscal_year, method_id, agency_id)::INTEGER AS grouping_set,
      count(*)::BIGINT::DOUBLE AS projects, coalesce(sum(budget), 0)::VARCHAR AS budget,
      coalesce(sum(budget) FILTER (WHERE budget > 0 AND agreed IS NOT NULL), 0)::VARCHAR AS ref_price,
      coalesce(sum(n), 0)::BIGINT::DOUBLE AS contracts, coalesce(sum(v), 0)::VARCHAR AS agreed,
      coalesce(sum(total), 0)::VARCHAR AS total,
      count(*) AS order_projects, coalesce(sum(budget), 0) AS order_budget
    FROM (SELECT project_id, fiscal_year, method_id, type_id, agency_id, any_value(budget) AS budget,
        any_value(agreed) AS agreed, any_value(total) AS total, count(*) AS n, sum(agreed) AS v
      FROM ${FROM}
      WHERE fiscal_year BETWEEN 2560 AND 2568 AND fiscal_year IN (?, ?, ?)
        AND agency_id BETWEEN 0 AND 299 GROUP BY ALL)
    GROUP BY GROUPING SETS ((), (fiscal_year), (method_id), (type_id), (fiscal_year, method_id), (agency_id))))
  WHERE rank_in_set <= CASE WHEN grouping_set = 6 THEN 10 ELSE 9007199254740991 END`;

/** A pre-aggregate's facet (DECIMAL(38,2) sums) and the month chart of contracts. */
const MONTHS = `SELECT month, vendor_id, grouping(month, vendor_id)::INTEGER AS grouping_set,
    coalesce(sum(n), 0)::BIGINT::DOUBLE AS contracts, coalesce(sum(v), 0)::VARCHAR AS agreed,
    coalesce(sum(t), 0)::VARCHAR AS total
  FROM (SELECT month(contract_date) AS month, vendor_id, count(*) AS n, sum(agreed) AS v,
      sum(total) AS t
    FROM ${FROM} WHERE vendor_id BETWEEN 0 AND 996 AND vendor_id IN (?, ?, ?, ?) GROUP BY ALL)
  GROUP BY GROUPING SETS ((month), (vendor_id))`;

/** A page of the table in a money order, and the same projects grouped from contract rows. */
const PAGE = `SELECT project_id, project_seq, fiscal_year, agency_id, method_id,
    budget::VARCHAR AS budget, agreed::VARCHAR AS agreed, contracts::INTEGER AS contracts,
    contract_value::VARCHAR AS contract_value
  FROM (SELECT project_id, any_value(project_seq) AS project_seq,
      any_value(fiscal_year) AS fiscal_year, any_value(agency_id) AS agency_id,
      any_value(method_id) AS method_id, any_value(budget) AS budget, any_value(agreed) AS agreed,
      count(*) AS contracts, sum(total) AS contract_value
    FROM ${FROM} WHERE province_id BETWEEN 0 AND 76 AND province_id IN (?, ?) GROUP BY project_id) AS q
  ORDER BY q.budget DESC NULLS LAST, q.project_id LIMIT 50 OFFSET 50`;

/** An agency's page: its ranks counted and numbered by windows (agency-page.ts's shape). */
const RANKS = `SELECT agency_id, project_seq, n, i FROM (SELECT agency_id, project_seq,
    count(*) OVER (PARTITION BY agency_id) AS n,
    row_number() OVER (ORDER BY agreed DESC NULLS LAST, project_id) AS i
  FROM ${FROM} WHERE agency_id IN (?, ?, ?) AND agreed >= 0) WHERE i <= least(?, 100)
  ORDER BY i`;

/** Names by id, joined and unioned, as the view's lookups are. */
const NAMES = `(SELECT n.project_seq, n.project_name, v.tin_number::VARCHAR AS tin, v.vendor_match
    FROM ${FROM} n LEFT JOIN (SELECT DISTINCT vendor_id, tin_number, vendor_match FROM ${FROM}
      WHERE vendor_id BETWEEN 0 AND 50) v USING (vendor_id)
    WHERE n.project_seq BETWEEN 0 AND ${ROWS} AND n.project_seq IN (?, ?, ?, ?))
  UNION ALL
  (SELECT agency_id, lower(project_name), NULL, NULL FROM ${FROM}
    WHERE contains(project_name, ?) OR project_name LIKE ? LIMIT 5)`;

/** A search's counts: distinct values, a median, lists and text joined. */
const SEARCH = `SELECT fiscal_year, count(DISTINCT project_id) AS projects, median(project_seq) AS mid,
    list(DISTINCT type_id ORDER BY type_id) AS types, string_agg(DISTINCT method_id::VARCHAR, ',') AS methods,
    year(max(contract_date)) AS last_year
  FROM ${FROM} WHERE contains(project_name, ?) GROUP BY fiscal_year ORDER BY fiscal_year`;

/**
 * The statements, in order: the file is written first (`WARMUP_FILE`, registered in the engine's
 * memory beforehand), then read in each shape. Each is short (tens of ms once compiled), so a
 * reader's query waits behind at most one of them.
 */
export const WARMUP: readonly Sql[] = [
  { sql: WRITE, params: [] },
  { sql: BATCH, params: [2561, 2565, 2567] },
  { sql: MONTHS, params: [1, 2, 3, 500] },
  { sql: PAGE, params: [3, 40] },
  { sql: RANKS, params: [1, 2, 299, 60] },
  { sql: NAMES, params: [1, 2, 3, 5_999, 'ถนน', '%หมู่ 1%'] },
  { sql: SEARCH, params: ['ก่อสร้าง'] },
];
