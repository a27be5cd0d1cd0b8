/**
 * Stage: the dimension tables (agencies, methods, types, provinces, districts, statuses) and the
 * vendors, with their ids, from the kept rows.
 */
import type { StageDb } from './db.ts';

export async function buildDimensions(db: StageDb): Promise<void> {
  db.stage('building agencies and labels');
  await db.run(`CREATE TABLE agencies AS
    SELECT (row_number() OVER (ORDER BY dept_name, dept_sub_name NULLS FIRST, province NULLS FIRST))::INTEGER AS agency_id,
           substr(sha256(concat_ws(chr(31), dept_name, coalesce(dept_sub_name, ''), coalesce(province, ''))), 1, 12) AS agency_key,
           dept_name, dept_sub_name, province
    FROM (SELECT DISTINCT dept_name, dept_sub_name, province FROM first_rows)`);
  await db.run(`CREATE TABLE methods AS
    SELECT (row_number() OVER (ORDER BY method_name))::SMALLINT AS method_id, method_name, method_bucket
    FROM (SELECT DISTINCT method_name, method_bucket FROM first_rows WHERE method_name IS NOT NULL)`);
  await db.run(`CREATE TABLE project_types AS
    SELECT (row_number() OVER (ORDER BY type_name))::SMALLINT AS type_id, type_name
    FROM (SELECT DISTINCT type_name FROM first_rows WHERE type_name IS NOT NULL)`);
  await db.run(`CREATE TABLE provinces AS
    SELECT (row_number() OVER (ORDER BY province))::SMALLINT AS province_id, province AS province_name,
           max(province_en) AS province_name_en
    FROM kept WHERE province IS NOT NULL GROUP BY province`);
  // A district is named within its province (one name may be a district of two provinces).
  await db.run(`CREATE TABLE districts AS
    SELECT (row_number() OVER (ORDER BY province, district))::SMALLINT AS district_id, district AS district_name,
           max(district_en) AS district_name_en, any_value(p.province_id) AS province_id
    FROM kept k JOIN provinces p ON p.province_name = k.province
    WHERE district IS NOT NULL GROUP BY province, district`);
  await db.run(`CREATE TABLE statuses AS
    SELECT (row_number() OVER (ORDER BY s))::SMALLINT AS status_id, s AS status_name
    FROM (SELECT project_status AS s FROM kept UNION SELECT contract_status FROM kept) WHERE s IS NOT NULL`);
}

export async function buildVendors(db: StageDb): Promise<void> {
  db.stage('building vendors');
  // A record whose tax id is broken or masked belongs to the vendor of the one valid tax id its
  // normalised winner name is used with in the dataset; a name used with two or more valid ids is
  // never linked (docs/data-schema.md, "Vendors linked by name"). `link_key` is the key a record
  // is counted under, `by_name` says it was linked.
  await db.run(`CREATE TABLE name_tins AS
    SELECT winner_norm, min(vendor_key) AS tin_key, count(DISTINCT vendor_key)::INTEGER AS tins
    FROM kept WHERE vendor_key LIKE 'tin:%' AND winner_norm IS NOT NULL GROUP BY winner_norm`);
  // The join is on the name alone: a condition on the left row inside ON made DuckDB compare
  // every row with every name (a nested-loop join, 8 s at 130k rows).
  await db.run(`CREATE TEMP VIEW vendor_rows AS
    SELECT k.*, coalesce(l.tin_key, k.vendor_key) AS link_key, l.tin_key IS NOT NULL AS by_name
    FROM kept k LEFT JOIN (
      SELECT winner_norm, tin_key, unnest(['broken', 'masked']) AS tin_status FROM name_tins WHERE tins = 1
    ) l USING (winner_norm, tin_status)`);
  // Vendors: one per key; the name shown is the spelling seen most often (ties: smallest). Ids
  // follow activity (most contract rows first), so the names a page shows share row groups.
  await db.run(`CREATE TABLE vendors AS
    SELECT (row_number() OVER (ORDER BY count(*) DESC, vendor_key))::INTEGER AS vendor_id, vendor_key,
           CASE WHEN vendor_key LIKE 'tin:%' THEN substr(vendor_key, 5) END AS tin,
           CASE WHEN vendor_key LIKE 'tin:%' THEN 'valid' ELSE max(tin_status) END AS tin_status,
           first(winner ORDER BY n DESC, winner) AS name, max(winner_norm) AS name_norm,
           count(*) FILTER (WHERE by_name AND has_contract)::INTEGER AS linked_contracts,
           CASE WHEN vendor_key LIKE 'name:%'
                THEN coalesce((SELECT t.tins FROM name_tins t WHERE t.winner_norm = max(r.winner_norm)), 0)
           END::INTEGER AS name_tins
    FROM (SELECT link_key AS vendor_key, winner, winner_norm, tin_status, by_name, has_contract,
                 count(*) OVER (PARTITION BY link_key, winner) AS n
          FROM vendor_rows WHERE link_key IS NOT NULL) r
    GROUP BY vendor_key`);
  // Every spelling seen (trimmed and NFC as cleaned, otherwise as written) per vendor.
  await db.run(`CREATE TABLE vendor_names AS
    SELECT v.vendor_id, k.winner AS name, count(*)::INTEGER AS contracts
    FROM vendor_rows k JOIN vendors v ON v.vendor_key = k.link_key WHERE k.winner IS NOT NULL
    GROUP BY v.vendor_id, k.winner`);
  // A name key whose records were all linked still finds its vendor (links keep working).
  await db.run(`CREATE TABLE vendor_keys AS
    SELECT vendor_key, vendor_id, coalesce(tin::BIGINT, 0) AS tin_number FROM vendors
    UNION ALL
    SELECT DISTINCT r.vendor_key, v.vendor_id, 0 FROM vendor_rows r JOIN vendors v ON v.vendor_key = r.link_key
    WHERE r.by_name AND r.vendor_key NOT IN (SELECT vendor_key FROM vendors)`);
}
