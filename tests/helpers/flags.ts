/**
 * Integrity flags computed independently of src/lib/query/flags.ts, by native DuckDB on the same
 * Parquet: per project id (not the snapshot's project_seq), with correlated subqueries and
 * self-joins where the site uses grouped joins and window frames. Each returns the projects the
 * rule could be computed for and those it flags.
 */
import { thresholdValue, type FlagId, type Thresholds } from '../../src/lib/query/flag-defs';
import { rows } from './duckdb';
import { table } from './expected';

export interface ExpectedFlag {
  covered: number;
  flagged: string[];
}

export async function expectedFlag(
  dataDir: string,
  id: FlagId,
  th: Thresholds = {},
  fy: number[] = [],
): Promise<ExpectedFlag> {
  const v = (k: string) => thresholdValue(th, k);
  const inYears = (alias: string) =>
    fy.length ? `${alias}.fiscal_year IN (${fy.map(Number).join(', ')})` : 'TRUE';
  const P = `(SELECT x.*, m.method_bucket FROM ${table(dataDir, 'projects')} x
    LEFT JOIN ${table(dataDir, 'methods')} m ON m.method_id = x.method_id WHERE ${inYears('x')})`;
  const C = `(SELECT * FROM ${table(dataDir, 'contracts')} y WHERE ${inYears('y')})`;
  let sql: string;
  let params: (string | number)[] = [];
  switch (id) {
    case 'F1':
      sql = `SELECT project_id, method_bucket = 'specific' AND budget > ? AS flagged FROM ${P}
        WHERE budget IS NOT NULL AND method_bucket IS NOT NULL AND method_bucket != 'unknown'`;
      params = [v('f1_min')];
      break;
    case 'F2': {
      const [lo, hi] = [v('f2_lo'), v('f2_hi')];
      const width = hi - lo;
      sql = `WITH p AS ${P}
        SELECT p.project_id, p.budget >= ${lo} AND p.budget < ${hi}
          AND (SELECT count(*) FROM p q WHERE q.agency_id = p.agency_id AND q.budget >= ${lo} AND q.budget < ${hi}) >= ?
          AND (SELECT count(*) FROM p q WHERE q.agency_id = p.agency_id AND q.budget >= ${lo} AND q.budget < ${hi})
            >= ? * (SELECT count(*) FROM p q WHERE q.agency_id = p.agency_id AND q.budget >= ${hi} AND q.budget < ${hi + width})
          AS flagged
        FROM p WHERE p.budget IS NOT NULL`;
      params = [v('f2_n'), v('f2_ratio')];
      break;
    }
    case 'F3': {
      const [max, days] = [v('f3_max'), v('f3_days')];
      // Windows by self-join: each small contract as a start, the small ones within N days after it.
      sql = `WITH c AS (SELECT row_number() OVER () AS k, project_id, agency_id, vendor_id, contract_date AS d,
            price_agree AS v, price_agree < ${max} AS small
          FROM ${C} WHERE vendor_id IS NOT NULL AND contract_date IS NOT NULL AND price_agree > 0),
        s AS (SELECT * FROM c WHERE small),
        start AS (SELECT a.k, a.agency_id, a.vendor_id, a.d FROM s a JOIN s b
            ON b.agency_id = a.agency_id AND b.vendor_id = a.vendor_id AND b.d >= a.d AND b.d <= a.d + ${days}
          GROUP BY a.k, a.agency_id, a.vendor_id, a.d HAVING count(*) >= 2 AND sum(b.v) > ${max}),
        hit AS (SELECT DISTINCT m.k FROM start JOIN s m
            ON m.agency_id = start.agency_id AND m.vendor_id = start.vendor_id AND m.d >= start.d AND m.d <= start.d + ${days})
        SELECT c.project_id, bool_or(hit.k IS NOT NULL) AS flagged FROM c LEFT JOIN hit USING (k) GROUP BY c.project_id`;
      break;
    }
    case 'F4':
      sql = `SELECT project_id, agreed >= price_build * (1 - ? / 100) AS flagged FROM ${P}
        WHERE method_bucket IN ('open', 'selective') AND price_build > 0 AND agreed > 0`;
      params = [v('f4_pct')];
      break;
    case 'F5':
      sql = `SELECT project_id, (price_build > 0 AND agreed > price_build * (1 + ? / 100))
          OR (budget > 0 AND agreed > budget * (1 + ? / 100)) AS flagged
        FROM ${P} WHERE agreed > 0 AND (price_build > 0 OR budget > 0)`;
      params = [v('f5_pct'), v('f5_pct')];
      break;
    case 'F6':
      sql = `WITH p AS (SELECT p.project_id, p.method_bucket, coalesce(
            (SELECT min(c.contract_date) FROM ${C} c WHERE c.project_id = p.project_id),
            p.transaction_date, p.announce_date) AS day FROM ${P} p)
        SELECT project_id, method_bucket = 'specific' AND month(day) IN (${[9, 8, 7, 6, 5, 4].slice(0, v('f6_months')).join(', ')}) AS flagged
        FROM p WHERE day IS NOT NULL AND method_bucket IS NOT NULL AND method_bucket != 'unknown'`;
      break;
    case 'F7':
      sql = `WITH c AS (SELECT * FROM ${C} WHERE vendor_id IS NOT NULL AND price_agree > 0)
        SELECT c.project_id, bool_or(
            (SELECT sum(o.price_agree) FROM c o WHERE o.agency_id = c.agency_id AND o.vendor_id = c.vendor_id) * 100
              >= ? * (SELECT sum(o.price_agree) FROM c o WHERE o.agency_id = c.agency_id)
            AND (SELECT count(*) FROM c o WHERE o.agency_id = c.agency_id) >= ?) AS flagged
        FROM c GROUP BY c.project_id`;
      params = [v('f7_share'), v('f7_n')];
      break;
    case 'F8':
      sql = `SELECT project_id, tenderers <= ? AS flagged FROM ${P} WHERE tenderers IS NOT NULL`;
      params = [v('f8_max')];
      break;
    case 'Q1':
      sql = `SELECT DISTINCT c.project_id, EXISTS (SELECT 1 FROM ${C} c2 JOIN ${table(dataDir, 'vendors')} w USING (vendor_id)
            WHERE c2.project_id = c.project_id
              AND (c2.vendor_match IN (1, 2) OR w.tin_status IN ('broken', 'masked', 'invalid_checksum'))) AS flagged
        FROM ${C} c WHERE c.vendor_id IS NOT NULL`;
      break;
    case 'Q2':
      sql = `SELECT p.project_id, abs(s.total - p.agreed) > 1 AS flagged FROM ${P} p
        JOIN (SELECT project_id, sum(price_agree) AS total FROM ${C} GROUP BY project_id
          HAVING count(*) = count(price_agree)) s USING (project_id)
        WHERE p.agreed > 0`;
      break;
    case 'Q3':
      sql = `SELECT project_id, bool_or(contract_finish_date < contract_date) AS flagged FROM ${C}
        WHERE contract_date IS NOT NULL AND contract_finish_date IS NOT NULL GROUP BY project_id`;
      break;
  }
  const got = await rows(sql, params);
  return {
    covered: got.length,
    flagged: got
      .filter((r) => r.flagged === true)
      .map((r) => String(r.project_id))
      .sort(),
  };
}
