/**
 * Stage: the fact tables (projects, their contracts) and the projects' text (details, names),
 * with the dimension ids.
 */
import type { StageDb } from './db.ts';

export async function buildFacts(db: StageDb): Promise<void> {
  db.stage('building projects and contracts');
  // project_seq: the projects' order (year, agency, project), which is also the order of the
  // fact files, so a range of it prunes their row groups.
  await db.run(`CREATE TABLE projects AS
    SELECT (row_number() OVER (ORDER BY f.fiscal_year, a.agency_id, f.project_id))::INTEGER AS project_seq,
           f.project_id, f.fiscal_year, a.agency_id, m.method_id, t.type_id, p.province_id,
           d.district_id, s.status_id, f.project_money AS budget, f.price_build, f.sum_price_agree AS agreed,
           coalesce(n.contract_count, 0)::SMALLINT AS contract_count,
           f.announce_date, f.transaction_date, f.tenderers
    FROM first_rows f
    JOIN agencies a ON a.dept_name = f.dept_name AND a.dept_sub_name IS NOT DISTINCT FROM f.dept_sub_name
                   AND a.province IS NOT DISTINCT FROM f.province
    LEFT JOIN (SELECT project_id, count(*) AS contract_count FROM kept WHERE has_contract GROUP BY 1) n USING (project_id)
    LEFT JOIN methods m ON m.method_name = f.method_name
    LEFT JOIN project_types t ON t.type_name = f.type_name
    LEFT JOIN provinces p ON p.province_name = f.province
    LEFT JOIN districts d ON d.province_id = p.province_id AND d.district_name = f.district
    LEFT JOIN statuses s ON s.status_name = f.project_status`);
  // Contracts carry their project's filter columns and money, so a view filtered by vendor or
  // contract date needs no join (and the vendor copy is self-sufficient).
  await db.run(`CREATE TABLE contracts AS
    SELECT c.project_id, p.project_seq, p.fiscal_year, p.agency_id, v.vendor_id, p.method_id, p.type_id,
           p.province_id, p.district_id, p.status_id AS project_status_id, p.budget, p.price_build, p.agreed,
           c.contract_no, c.contract_date, c.contract_finish_date, c.price_agree, s.status_id,
           (CASE WHEN NOT c.by_name THEN 0 WHEN c.tin_status = 'broken' THEN 1 ELSE 2 END)::TINYINT AS vendor_match
    FROM vendor_rows c JOIN projects p USING (project_id)
    LEFT JOIN vendors v ON v.vendor_key = c.link_key
    LEFT JOIN statuses s ON s.status_name = c.contract_status
    WHERE c.has_contract`);
  await db.run(`CREATE TABLE details AS
    SELECT f.project_id, p.project_seq, p.agency_id, f.fiscal_year, f.project_name, f.method_raw,
           f.method_group_raw, f.method_source, f.district, f.subdistrict
    FROM first_rows f JOIN projects p USING (project_id)`);
  // Names are written apart from the rest of the text, split and sorted as details.
  await db.run(`CREATE TEMP VIEW project_names AS
    SELECT project_seq, project_name, project_id, agency_id, fiscal_year FROM details`);
  // A project's id as a number, for the id → seq lookup (src/lib/query/lookups.ts projectIdNumber).
  await db.run(`CREATE TEMP VIEW project_ids AS
    SELECT CASE WHEN regexp_full_match(project_id, '[0-9]{1,15}') THEN project_id::BIGINT ELSE 0 END
             AS id_number, project_id, project_seq, fiscal_year FROM projects`);
}

/** What the cleaning and the duplicate rules did, counted for the manifest's `quality`. */
export async function qualityCounts(db: StageDb): Promise<Record<string, number>> {
  const q = (
    await db.rows(`SELECT
      (SELECT count(*) FROM clean WHERE reason IS NULL) - (SELECT any_value(distinct_rows) FROM keep) AS duplicate_rows,
      (SELECT any_value(distinct_rows) FROM keep) - (SELECT count(*) FROM keep) AS repeated_contracts,
      (SELECT count(*) FROM (SELECT project_id FROM kept GROUP BY 1 HAVING count(DISTINCT fiscal_year) > 1)) AS projects_in_several_years,
      (SELECT count(*) FROM (SELECT project_id FROM kept GROUP BY 1 HAVING count(DISTINCT project_money) > 1)) AS project_money_conflicts,
      (SELECT count(*) FROM projects WHERE contract_count > 1) AS multi_contract_projects,
      count(*) FILTER (WHERE fy_source = 'project_id') AS fiscal_year_from_project_id,
      count(*) FILTER (WHERE fy_source = 'dates') AS fiscal_year_from_dates,
      count(*) FILTER (WHERE had_nul) AS nul_bytes_removed,
      count(*) FILTER (WHERE project_money < 0 OR price_build < 0 OR sum_price_agree < 0 OR price_agree < 0) AS negative_amounts,
      count(*) FILTER (WHERE method_source = 'swapped_column' AND method_raw IS NOT NULL) AS method_group_columns_swapped,
      count(*) FILTER (WHERE method_source = 'project_name') AS method_from_project_name,
      count(*) FILTER (WHERE method_source = 'none') AS method_unknown,
      count(*) FILTER (WHERE tin_status = 'broken') AS tin_broken,
      count(*) FILTER (WHERE tin_status = 'masked') AS tin_masked,
      count(*) FILTER (WHERE tin_status = 'invalid_checksum') AS tin_invalid_checksum,
      count(*) FILTER (WHERE tin_status = 'other') AS tin_other,
      count(*) FILTER (WHERE tin_restored) AS tin_leading_zero_restored,
      (SELECT count(*) FROM contracts WHERE vendor_match > 0) AS vendor_linked_by_name
    FROM clean WHERE reason IS NULL`)
  )[0]!;
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Number(v)]));
}
