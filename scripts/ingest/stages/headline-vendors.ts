/**
 * The views of the busiest vendors in the headline files: for each, over all years and per year,
 * its facets, charts and first page (the projects it won, by budget, with the value of its own
 * contracts in each), as an agency name's (stages/headline.ts). A vendor with few contracts reads
 * little; the busiest read megabytes of their contract rows for the same view.
 */
import { agencyFileKey, headlinePath, type AgencyTuple } from '../../../src/lib/headline/files.ts';
import type { StageDb } from './db.ts';
import { BY_VENDOR, overviews } from './headline-overview.ts';
import { busyFloor, groupBy, headRow, topSql, viewFiles, type Writer } from './headline-write.ts';

/**
 * The busy vendors: the `max` vendors with the most contract rows, each with at least `share` of
 * them and at least `min`.
 */
export const BUSY_VENDORS = { max: 256, share: 0.0001, min: 25 };

/**
 * The projects each busy vendor won, as the explorer's table has them under a vendor filter: its
 * own contracts in each (their count and value) beside the project's money.
 */
const WON = `(SELECT v.vendor_key, t.project_id, any_value(t.project_seq) AS project_seq,
    any_value(t.fiscal_year) AS fiscal_year, any_value(t.agency_id) AS agency_id,
    any_value(t.method_id) AS method_id, any_value(t.budget) AS budget,
    any_value(t.agreed) AS agreed, count(*) AS contract_count, sum(t.price_agree) AS contract_value
  FROM contracts t JOIN busy_vendors v USING (vendor_id) GROUP BY ALL) p`;

const won = { from: WON, extra: 'p.contract_value::VARCHAR AS contract_value' };

/** Write the busy vendors' views; returns their vendor ids (their shard entries say so). */
export async function writeVendorViews(
  db: StageDb,
  w: Writer,
  agencies: ReadonlyMap<number, AgencyTuple>,
): Promise<Set<number>> {
  db.stage('writing the headline files of busy vendors');
  const total = await db.scalar(`SELECT count(*) FROM contracts WHERE vendor_id IS NOT NULL`);
  const min = busyFloor(BUSY_VENDORS, total);
  await db.run(`CREATE OR REPLACE TABLE busy_vendors AS
    SELECT vendor_id, v.vendor_key FROM vendors v JOIN (
      SELECT vendor_id, count(*) AS n FROM contracts WHERE vendor_id IS NOT NULL
      GROUP BY 1 HAVING count(*) >= ${min}) c USING (vendor_id)
    ORDER BY c.n DESC, vendor_id LIMIT ${BUSY_VENDORS.max}`);
  const busy = await db.rows(`SELECT vendor_id, vendor_key FROM busy_vendors`);
  const parts = await overviews(db, agencies, BY_VENDOR);
  const viewFile = viewFiles(parts, agencies);
  const top = groupBy(await db.rows(topSql(['p.vendor_key'], won)), (r) => String(r.g0), headRow);
  const topYear = groupBy(
    await db.rows(topSql(['p.vendor_key', 'p.fiscal_year'], won)),
    (r) => `${r.g1}|${r.g0}`,
    headRow,
  );
  for (const { vendor_key } of busy) {
    const key = String(vendor_key);
    w.write(headlinePath.vendorView(await agencyFileKey(key)), viewFile(key, null, top.get(key)));
  }
  for (const [k, rows] of topYear) {
    const at = k.indexOf('|');
    const [fy, key] = [Number(k.slice(0, at)), k.slice(at + 1)];
    w.write(headlinePath.vendorViewYear(await agencyFileKey(key), fy), viewFile(key, fy, rows));
  }
  await db.run(`DROP TABLE busy_vendors`);
  return new Set(busy.map((r) => Number(r.vendor_id)));
}
