/**
 * One SQL query turns raw canonical fields (`f_<field>`, VARCHAR, NULL when a layout lacks the
 * field) into clean typed rows, each with a reject reason or none. Used for every source type.
 */
import { CANONICAL_FIELDS, type CanonicalField } from '../../src/lib/schema/fields.ts';

export const f = (name: CanonicalField) => `f_${name}`;

/** Columns of the `clean` table (typed), in order. */
export const CLEAN_COLUMNS: [string, string][] = [
  ['src_idx', 'INTEGER'],
  ['line', 'BIGINT'],
  ['reason', 'VARCHAR'],
  ['message', 'VARCHAR'],
  ['raw_line', 'VARCHAR'],
  ['dup_key', 'VARCHAR'],
  ['project_id', 'VARCHAR'],
  ['fiscal_year', 'SMALLINT'],
  ['fy_source', 'VARCHAR'],
  ['project_name', 'VARCHAR'],
  ['had_nul', 'BOOLEAN'],
  ['type_name', 'VARCHAR'],
  ['dept_name', 'VARCHAR'],
  ['dept_sub_name', 'VARCHAR'],
  ['province', 'VARCHAR'],
  ['province_en', 'VARCHAR'],
  ['district', 'VARCHAR'],
  ['district_en', 'VARCHAR'],
  ['subdistrict', 'VARCHAR'],
  ['method_name', 'VARCHAR'],
  ['method_bucket', 'VARCHAR'],
  ['method_raw', 'VARCHAR'],
  ['method_group_raw', 'VARCHAR'],
  ['method_source', 'VARCHAR'],
  ['announce_date', 'DATE'],
  ['transaction_date', 'DATE'],
  ['project_money', 'DECIMAL(18,2)'],
  ['price_build', 'DECIMAL(18,2)'],
  ['sum_price_agree', 'DECIMAL(18,2)'],
  ['project_status', 'VARCHAR'],
  ['tenderers', 'SMALLINT'],
  ['winner_tin', 'VARCHAR'],
  ['tin_status', 'VARCHAR'],
  ['tin_restored', 'BOOLEAN'],
  ['winner', 'VARCHAR'],
  ['vendor_key', 'VARCHAR'],
  ['winner_norm', 'VARCHAR'],
  ['contract_no', 'VARCHAR'],
  ['contract_date', 'DATE'],
  ['contract_finish_date', 'DATE'],
  ['price_agree', 'DECIMAL(18,2)'],
  ['contract_status', 'VARCHAR'],
  ['has_contract', 'BOOLEAN'],
];

const AMOUNTS: CanonicalField[] = [
  'project_money',
  'price_build',
  'sum_price_agree',
  'price_agree',
];
const DATES: CanonicalField[] = [
  'announce_date',
  'transaction_date',
  'contract_date',
  'contract_finish_date',
];

/** Fields cleaned once per distinct value (dates, agencies, winners repeat across millions of rows). */
export const DICT_TEXT: CanonicalField[] = ['dept_name', 'dept_sub_name', 'province'];

/**
 * SQL that fills the lookup tables for one input: each distinct raw value is cleaned once.
 * `d_date(raw, v)`, `d_text(raw, v)`, `d_winner(raw, v, k)`, `d_tin(raw, t, s)`.
 */
export function dictionarySql(input: string): string[] {
  const distinct = (fields: CanonicalField[]) =>
    `SELECT DISTINCT unnest([${fields.map((x) => f(x)).join(', ')}]) AS raw FROM ${input}`;
  return [
    `CREATE OR REPLACE TABLE d_date AS SELECT raw, thai_date(raw) AS v FROM (${distinct(DATES)}) WHERE raw IS NOT NULL`,
    `CREATE OR REPLACE TABLE d_text AS SELECT raw, txt(raw) AS v FROM (${distinct(DICT_TEXT)}) WHERE raw IS NOT NULL`,
    `CREATE OR REPLACE TABLE d_winner AS SELECT raw, txt(raw) AS v, vendor_name_key(raw) AS k FROM (${distinct(['winner'])}) WHERE raw IS NOT NULL`,
    // tin(raw) once, in a subquery: the macros expand inline, and tin_status_of(raw, tin(raw))
    // made an expression tree that took ~50 ms to plan for any input (5 ms this way).
    `CREATE OR REPLACE TABLE d_tin AS SELECT raw, t, tin_status_of(raw, t) AS s FROM (SELECT raw, tin(raw) AS t FROM (${distinct(['winner_tin'])}) WHERE raw IS NOT NULL)`,
  ];
}

const quoted = (x: string) => `replace(coalesce(${x}, ''), '"', '""')`;

/** Step d: every field cleaned once (repeated values from the lookup tables of dictionarySql). */
function cleanedSql(input: string): string {
  const typed = [
    ...AMOUNTS.map((a) => `amount(${f(a)}) AS v_${a}`),
    ...DATES.map((d) => `dd_${d}.v AS v_${d}`),
    // A count of tenderers: a whole number that fits a SMALLINT, or the row is rejected.
    `CASE WHEN amount(${f('tenderers')}) BETWEEN 0 AND 32767 AND amount(${f('tenderers')}) = floor(amount(${f('tenderers')}))
       THEN amount(${f('tenderers')})::SMALLINT END AS v_tenderers`,
  ].join(',\n      ');
  return `
    SELECT *,
      project_id_error(${f('project_id')}) AS pid_err,
      project_id_text(${f('project_id')}) AS pid,
      fiscal_year(${f('budget_year')}) AS fy_file,
      txt(${f('purchase_method_name')}) AS ma,
      txt(${f('purchase_method_group_name')}) AS mb,
      txt(${f('project_name')}) AS pname,
      dt_dept_name.v AS dept,
      dt_dept_sub_name.v AS dept_sub,
      dt_province.v AS prov,
      dw.v AS wname,
      dw.k AS wnorm,
      CASE WHEN is_missing(${f('winner_tin')}) THEN NULL ELSE dtin.t END AS wtin,
      coalesce(dtin.s, 'missing') AS wtin_status,
      label(${f('contract_no')}) AS cno,
      ${typed}
    FROM ${input} i
      ${DATES.map((d) => `LEFT JOIN d_date dd_${d} ON dd_${d}.raw = i.${f(d)}`).join('\n      ')}
      ${DICT_TEXT.map((t) => `LEFT JOIN d_text dt_${t} ON dt_${t}.raw = i.${f(t)}`).join('\n      ')}
      LEFT JOIN d_winner dw ON dw.raw = i.${f('winner')}
      LEFT JOIN d_tin dtin ON dtin.raw = i.${f('winner_tin')}`;
}

/** A row's reject reason and message (`reason` NUL `message`): the first rule it breaks, or NULL. */
function rejectSql(): string {
  const amountChecks = AMOUNTS.map(
    (a) =>
      `WHEN NOT is_missing(${f(a)}) AND v_${a} IS NULL AND amount_out_of_range(${f(a)}) THEN 'bad_amount' || chr(0) || printf('%s: "%s" is out of range (an amount is under 10,000,000,000,000,000 baht)', '${a}', ${quoted(f(a))})
        WHEN NOT is_missing(${f(a)}) AND v_${a} IS NULL THEN 'bad_amount' || chr(0) || printf('%s: "%s" is not an amount', '${a}', ${quoted(f(a))})`,
  ).join('\n        ');
  const dateChecks = DATES.map(
    (d) =>
      `WHEN NOT is_missing(${f(d)}) AND v_${d} IS NULL THEN 'bad_date' || chr(0) || printf('%s: "%s" is not a date (or not a real one)', '${d}', ${quoted(f(d))})`,
  ).join('\n        ');
  return `CASE
        WHEN shape_error IS NOT NULL THEN 'field_count' || chr(0) || shape_error
        WHEN pid_err IS NOT NULL THEN pid_err || chr(0) || printf('project_id "%s" is not a project number', ${quoted(f('project_id'))})
        WHEN NOT is_missing(${f('budget_year')}) AND fy_file IS NULL THEN 'bad_fiscal_year' || chr(0) || printf('budget_year: "%s" is not a fiscal year', ${quoted(f('budget_year'))})
        WHEN fy IS NULL THEN 'missing_fiscal_year' || chr(0) || 'no fiscal year, and none can be read from project_id'
        WHEN dept IS NULL THEN 'missing_agency' || chr(0) || 'dept_name (ชื่อหน่วยงาน) is empty'
        ${amountChecks}
        ${dateChecks}
        WHEN NOT is_missing(${f('tenderers')}) AND v_tenderers IS NULL THEN 'bad_tenderers' || chr(0) || printf('tenderers: "%s" is not a number of tenderers', ${quoted(f('tenderers'))})
      END`;
}

/** Steps e0, e and r: the fiscal year, the method and the vendor key decided, and the reason. */
function decisionsSql(): string {
  return `
  e0 AS (
    SELECT *,
      -- A CE year that names another fiscal year than the row's dates (1999 on a 2023 row) is
      -- a mistake: the dates' fiscal year is taken instead (counted: fiscal_year_from_dates).
      CASE WHEN fy_file IS NOT NULL AND fy_is_ce(${f('budget_year')})
                AND abs(fy_file - fy_of_date(coalesce(v_contract_date, v_transaction_date, v_announce_date))) > 1
           THEN fy_of_date(coalesce(v_contract_date, v_transaction_date, v_announce_date)) END AS fy_dates
    FROM d
  ),
  e AS (
    SELECT *,
      coalesce(fy_dates, fy_file, fy_from_project_id(pid)) AS fy,
      method_from_name(pname) AS mfromname,
      ma IS NOT NULL AND NOT is_group_label(ma) AS ma_ok,
      mb IS NOT NULL AND NOT is_group_label(mb) AS mb_ok
    FROM e0
  ),
  r AS (
    SELECT *,
      -- Trap 2: take the method from whichever column holds a method, else from the name.
      CASE WHEN ma_ok THEN ma WHEN mb_ok THEN mb ELSE mfromname END AS mname,
      CASE WHEN ma_ok THEN 'column' WHEN mb_ok THEN 'swapped_column'
           WHEN mfromname IS NOT NULL THEN 'project_name' ELSE 'none' END AS msource,
      -- Only a checksum-valid id identifies a vendor; otherwise the normalised name does.
      CASE WHEN wtin_status = 'valid' THEN 'tin:' || wtin WHEN wnorm IS NOT NULL THEN 'name:' || wnorm END AS vkey,
      ${rejectSql()} AS why
    FROM e
  )`;
}

/** The `clean` table's columns (CLEAN_COLUMNS) from the decided values of step r. */
function columnsSql(rawExpr: string): string {
  // Exact duplicates are the same fields (the row number ลำดับ aside) seen again.
  const dupKey = `md5(concat_ws(chr(31), ${CANONICAL_FIELDS.filter((x) => x !== 'seq')
    .map((x) => `coalesce(${f(x)}, chr(1))`)
    .join(', ')}))`;
  return `
    src_idx, line,
    split_part(why, chr(0), 1) AS reason,
    split_part(why, chr(0), 2) AS message,
    CASE WHEN why IS NOT NULL THEN ${rawExpr} END AS raw_line,
    CASE WHEN why IS NULL THEN ${dupKey} END AS dup_key,
    pid AS project_id,
    fy AS fiscal_year,
    CASE WHEN fy_dates IS NOT NULL THEN 'dates' WHEN fy_file IS NOT NULL THEN 'file' ELSE 'project_id' END AS fy_source,
    pname AS project_name,
    -- NUL bytes removed from a name (txt drops them): counted as nul_bytes_removed.
    strpos(concat(${f('project_name')}, ${f('winner')}, ${f('dept_name')}, ${f('dept_sub_name')}), chr(0)) > 0 AS had_nul,
    label(${f('project_type_name')}) AS type_name,
    dept AS dept_name,
    dept_sub AS dept_sub_name,
    prov AS province,
    label(${f('province_en')}) AS province_en,
    label(${f('district')}) AS district,
    label(${f('district_en')}) AS district_en,
    label(${f('subdistrict')}) AS subdistrict,
    mname AS method_name,
    CASE WHEN mname IS NULL THEN 'unknown' ELSE method_bucket(mname) END AS method_bucket,
    ma AS method_raw,
    CASE WHEN is_group_label(ma) THEN ma WHEN is_group_label(mb) THEN mb END AS method_group_raw,
    msource AS method_source,
    v_announce_date AS announce_date,
    v_transaction_date AS transaction_date,
    v_project_money AS project_money,
    v_price_build AS price_build,
    v_sum_price_agree AS sum_price_agree,
    label(${f('project_status')}) AS project_status,
    v_tenderers AS tenderers,
    wtin AS winner_tin,
    wtin_status AS tin_status,
    wtin_status = 'valid' AND regexp_full_match(tin_text(${f('winner_tin')}), '\\d{12}') AS tin_restored,
    wname AS winner,
    vkey AS vendor_key,
    wnorm AS winner_norm,
    cno AS contract_no,
    v_contract_date AS contract_date,
    v_contract_finish_date AS contract_finish_date,
    v_price_agree AS price_agree,
    label(${f('status')}) AS contract_status,
    vkey IS NOT NULL OR cno IS NOT NULL OR v_price_agree IS NOT NULL AS has_contract`;
}

/**
 * `input` has src_idx, line, shape_error and every f_<field>; `rawExpr` rebuilds the input line
 * (evaluated for rejected rows only). Each rule runs once per value: computed columns first (d),
 * decisions on them after (e0, e, r), then the clean columns.
 */
export function normalizeSql(input: string, rawExpr: string): string {
  return `
  WITH d AS (${cleanedSql(input)}
  ),${decisionsSql()}
  SELECT ${columnsSql(rawExpr)}
  FROM r`;
}
