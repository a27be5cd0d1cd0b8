/**
 * Each integrity flag's rule as SQL (docs/flags.md): one row per project it could be computed
 * for, `(project_seq, flagged)`. `{p}` and `{c}` stand for the scope's project and contract rows
 * (the text shown to users has them written out as "projects" and "contracts"); thresholds are
 * bound parameters, read through `v`. Data: the definitions, one entry per flag.
 */
import type { FlagId } from './flag-defs';
import type { Param } from './sql';

export type Rule = (v: (key: string) => number) => { sql: string; params: Param[] };

export const RULES: Record<FlagId, Rule> = {
  F1: (v) => ({
    sql: `SELECT project_seq, (method_bucket = 'specific' AND budget > ?) AS flagged
FROM {p} WHERE budget IS NOT NULL AND method_bucket IS NOT NULL AND method_bucket <> 'unknown'`,
    params: [v('f1_min')],
  }),
  // The band below the threshold against the band of the same width above it, per agency.
  F2: (v) => ({
    sql: `WITH b AS (
  SELECT project_seq, agency_id,
    budget >= ?::DECIMAL(18,2) AND budget < ?::DECIMAL(18,2) AS below,
    budget >= ?::DECIMAL(18,2) AND budget < 2 * ?::DECIMAL(18,2) - ?::DECIMAL(18,2) AS above
  FROM {p} WHERE budget IS NOT NULL),
a AS (SELECT agency_id, count(*) FILTER (WHERE below) AS n_below, count(*) FILTER (WHERE above) AS n_above
  FROM b GROUP BY agency_id)
SELECT project_seq, (below AND n_below >= ? AND n_below >= ? * n_above) AS flagged
FROM b JOIN a USING (agency_id)`,
    params: [v('f2_lo'), v('f2_hi'), v('f2_hi'), v('f2_hi'), v('f2_lo'), v('f2_n'), v('f2_ratio')],
  }),
  F3: (v) => {
    // (A named WINDOW would repeat its parameter: the frame is written out at each use.)
    const ahead =
      'PARTITION BY agency_id, vendor_id ORDER BY d RANGE BETWEEN CURRENT ROW AND ?::INTEGER FOLLOWING';
    // Each small contract starts a window of the next N days with the same agency and winner;
    // a window of 2+ small contracts that together pass the limit marks every contract in it.
    return {
      sql: `WITH s AS (
  SELECT project_seq, agency_id, vendor_id, datediff('day', DATE '2000-01-01', contract_date) AS d,
    price_agree < ?::DECIMAL(18,2) AS small, price_agree AS v
  FROM {c} WHERE vendor_id IS NOT NULL AND contract_date IS NOT NULL AND price_agree > 0),
w AS (
  SELECT *, small
    AND count(CASE WHEN small THEN 1 END) OVER (${ahead}) >= 2
    AND sum(CASE WHEN small THEN v END) OVER (${ahead}) > ?::DECIMAL(18,2) AS starts
  FROM s),
g AS (
  SELECT project_seq, small AND bool_or(starts) OVER (PARTITION BY agency_id, vendor_id ORDER BY d
    RANGE BETWEEN ?::INTEGER PRECEDING AND CURRENT ROW) AS hit
  FROM w)
SELECT project_seq, bool_or(hit) AS flagged FROM g GROUP BY project_seq`,
      params: [v('f3_max'), v('f3_days'), v('f3_days'), v('f3_max'), v('f3_days')],
    };
  },
  F4: (v) => ({
    sql: `SELECT project_seq, agreed >= price_build * (1 - ?::DOUBLE / 100) AS flagged
FROM {p} WHERE method_bucket IN ('open', 'selective') AND price_build > 0 AND agreed > 0`,
    params: [v('f4_pct')],
  }),
  F5: (v) => ({
    sql: `SELECT project_seq,
  coalesce(price_build > 0 AND agreed > price_build * (1 + ?::DOUBLE / 100), FALSE)
  OR coalesce(budget > 0 AND agreed > budget * (1 + ?::DOUBLE / 100), FALSE) AS flagged
FROM {p} WHERE agreed > 0 AND (price_build > 0 OR budget > 0)`,
    params: [v('f5_pct'), v('f5_pct')],
  }),
  F6: (v) => ({
    sql: `WITH d AS (
  SELECT p.project_seq, p.method_bucket,
    coalesce(c.first_date, p.transaction_date, p.announce_date) AS day
  FROM {p} AS p
  LEFT JOIN (SELECT project_seq, min(contract_date) AS first_date FROM {c} GROUP BY project_seq) AS c
    USING (project_seq))
SELECT project_seq, (method_bucket = 'specific' AND month(day) BETWEEN 10 - ?::INTEGER AND 9) AS flagged
FROM d WHERE day IS NOT NULL AND method_bucket IS NOT NULL AND method_bucket <> 'unknown'`,
    params: [v('f6_months')],
  }),
  F7: (v) => ({
    sql: `WITH won AS (
  SELECT agency_id, vendor_id, sum(price_agree) AS value FROM {c}
  WHERE vendor_id IS NOT NULL AND price_agree > 0 GROUP BY agency_id, vendor_id),
agency AS (
  SELECT agency_id, sum(value) AS total FROM won GROUP BY agency_id),
n AS (
  SELECT agency_id, count(*) AS contracts FROM {c}
  WHERE vendor_id IS NOT NULL AND price_agree > 0 GROUP BY agency_id)
SELECT c.project_seq, bool_or(won.value * 100 >= ?::DOUBLE * agency.total AND n.contracts >= ?) AS flagged
FROM {c} AS c JOIN won USING (agency_id, vendor_id) JOIN agency USING (agency_id) JOIN n USING (agency_id)
WHERE c.price_agree > 0
GROUP BY c.project_seq`,
    params: [v('f7_share'), v('f7_n')],
  }),
  F8: (v) => ({
    sql: `SELECT project_seq, tenderers <= ? AS flagged FROM {p} WHERE tenderers IS NOT NULL`,
    params: [v('f8_max')],
  }),
  Q1: () => ({
    // A record linked by name (vendor_match > 0) was published with a broken or masked id.
    sql: `SELECT c.project_seq,
  bool_or(c.vendor_match > 0 OR v.tin_status IN ('broken', 'masked', 'invalid_checksum')) AS flagged
FROM {c} AS c JOIN (SELECT vendor_id, tin_status FROM {vendors}) AS v USING (vendor_id)
GROUP BY c.project_seq`,
    params: [],
  }),
  Q2: () => ({
    sql: `SELECT project_seq, abs(sum(price_agree) - any_value(agreed)) > 1 AS flagged
FROM {c} WHERE agreed > 0
GROUP BY project_seq HAVING count(price_agree) = count(*)`,
    params: [],
  }),
  Q3: () => ({
    sql: `SELECT project_seq, bool_or(contract_finish_date < contract_date) AS flagged
FROM {c} WHERE contract_date IS NOT NULL AND contract_finish_date IS NOT NULL
GROUP BY project_seq`,
    params: [],
  }),
};
