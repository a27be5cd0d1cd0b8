/**
 * The cleaning rules of the ingest, as DuckDB SQL macros generated from the shared TypeScript
 * constants (../shared/docs/egp-data.md, "Value formats" and "Traps"). They run inside DuckDB so
 * that 21M rows never cross into JavaScript one value at a time. Every rule has a line of reason.
 */
import { LEGAL_FORMS, MISSING_VALUES, THAI_MONTHS } from '../../src/lib/format/thai.ts';
import { KNOWN_METHODS } from '../../src/lib/schema/methods.ts';

/** A string literal for SQL text; only for constants we own and paths we made. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const list = (xs: readonly string[]) => `[${xs.map(sqlString).join(', ')}]`;
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Macros, created once per connection. Order matters: later ones use earlier ones. */
export function ruleMacros(): string[] {
  const methodsLongestFirst = KNOWN_METHODS.map((m) => m.label);
  const startsWithMethod = methodsLongestFirst
    .map((l) => `WHEN starts_with(t, ${sqlString(l)}) THEN ${sqlString(l)}`)
    .join(' ');
  const squash = (l: string) => sqlString(l.replace(/\s+/g, ''));
  const bucketExact = KNOWN_METHODS.map(
    (m) => `WHEN s = ${squash(m.label)} THEN ${sqlString(m.bucket)}`,
  ).join(' ');
  const bucketContains = KNOWN_METHODS.map(
    (m) => `WHEN contains(s, ${squash(m.label)}) THEN ${sqlString(m.bucket)}`,
  ).join(' ');
  const legal = LEGAL_FORMS.map(reEscape).join('|');
  return [
    // Thai digits ๐–๙ appear in names and sometimes in numbers.
    `CREATE OR REPLACE MACRO th_digits(s) AS translate(s, '๐๑๒๓๔๕๖๗๘๙', '0123456789')`,
    // `-` and empty mean "no value" in the official files.
    `CREATE OR REPLACE MACRO is_missing(s) AS s IS NULL OR (strlen(s) <= 8 AND list_contains(${list(MISSING_VALUES)}, trim(s)))`,
    // NFC, zero-width characters removed, white space collapsed. Most values need none of it:
    // one regex test decides, and only the rest pay for the replacements.
    // NUL bytes (seen in damaged exports) are removed like zero-width characters.
    `CREATE OR REPLACE MACRO squash_space(s) AS CASE
       WHEN NOT regexp_matches(s, '\\s\\s|^\\s|\\s$|[\\t\\n\\r\\x00\\x{200B}-\\x{200D}\\x{FEFF}]') THEN nullif(s, '')
       ELSE nullif(trim(regexp_replace(regexp_replace(s, '[\\x00\\x{200B}-\\x{200D}\\x{FEFF}]', '', 'g'), '\\s+', ' ', 'g')), '') END`,
    // NFC changes Thai text only where a tone mark precedes a below-vowel (canonical reordering)
    // and Latin text only around combining diacritics: test for those, normalise only then.
    `CREATE OR REPLACE MACRO clean_text(s) AS squash_space(CASE
       WHEN regexp_matches(s, '[\\x{0300}-\\x{036F}]|[\\x{0E48}-\\x{0E4B}][\\x{0E38}-\\x{0E3A}]') THEN nfc_normalize(s) ELSE s END)`,
    `CREATE OR REPLACE MACRO txt(s) AS CASE WHEN is_missing(s) THEN NULL ELSE clean_text(s) END`,
    // Descriptive fields (statuses, districts, types) are not identity keys: spaces only, no NFC.
    `CREATE OR REPLACE MACRO label(s) AS CASE WHEN is_missing(s) THEN NULL ELSE squash_space(s) END`,
    // Amounts: plain decimals, or thousands separators (web export); never through a float.
    `CREATE OR REPLACE MACRO amount_text(s) AS replace(th_digits(trim(s)), ' ', '')`,
    `CREATE OR REPLACE MACRO amount_shape_ok(s) AS regexp_full_match(amount_text(s), '-?\\d+(\\.\\d+)?') OR regexp_full_match(amount_text(s), '-?\\d{1,3}(,\\d{3})+(\\.\\d+)?')`,
    // Fast path for the plain decimals of the CSVs; the rest goes through the full shape test.
    `CREATE OR REPLACE MACRO amount(s) AS CASE
       WHEN regexp_full_match(s, '-?\\d+(\\.\\d+)?') THEN TRY_CAST(s AS DECIMAL(18,2))
       WHEN is_missing(s) OR NOT amount_shape_ok(s) THEN NULL
       ELSE TRY_CAST(replace(amount_text(s), ',', '') AS DECIMAL(18,2)) END`,
    `CREATE OR REPLACE MACRO amount_bad(s) AS NOT is_missing(s) AND amount(s) IS NULL`,
    // A number too large for an amount (DECIMAL(18,2): under 10^16 baht), plain or written as 1e30.
    `CREATE OR REPLACE MACRO amount_out_of_range(s) AS (amount_shape_ok(s) OR regexp_full_match(amount_text(s), '-?\\d+(\\.\\d+)?[eE][+-]?\\d+'))
       AND abs(TRY_CAST(replace(amount_text(s), ',', '') AS DOUBLE)) >= 1e16`,
    // Dates: `15-ก.ย.-64` (FY2564–67), `29 พ.ย. 67` (FY2568), `15 ก.ย. 2568`, ISO, `29/11/2567`.
    // Split once on spaces and hyphens; the list is bound once with the list_transform trick.
    `CREATE OR REPLACE MACRO year_ce(y) AS CASE WHEN length(y) = 2 THEN y::INTEGER + 1957 WHEN y::INTEGER >= 2400 THEN y::INTEGER - 543 ELSE y::INTEGER END`,
    `CREATE OR REPLACE MACRO ymd(y, m, d) AS CASE WHEN y BETWEEN 1950 AND 2150 AND m BETWEEN 1 AND 12 THEN TRY_CAST(printf('%04d-%02d-%02d', y, m, d::INTEGER) AS DATE) END`,
    `CREATE OR REPLACE MACRO date_from_parts(p) AS CASE
       WHEN len(p) = 3 AND regexp_full_match(p[1], '\\d{1,2}') AND regexp_full_match(p[3], '\\d{2}|\\d{4}') AND list_position(${list(THAI_MONTHS)}, p[2]) > 0
         THEN ymd(year_ce(p[3]), list_position(${list(THAI_MONTHS)}, p[2]), p[1])
       WHEN len(p) = 3 AND regexp_full_match(p[1], '\\d{4}') AND regexp_full_match(p[2], '\\d{1,2}') AND regexp_full_match(p[3], '\\d{1,2}')
         THEN ymd(year_ce(p[1]), p[2]::INTEGER, p[3])
       WHEN len(p) = 1 AND regexp_full_match(p[1], '\\d{1,2}/\\d{1,2}/\\d{4}')
         THEN ymd(year_ce(split_part(p[1], '/', 3)), split_part(p[1], '/', 2)::INTEGER, split_part(p[1], '/', 1))
       WHEN len(p) >= 1 AND regexp_full_match(p[1], '\\d{4}-\\d{2}-\\d{2}[T ][\\d:.]+(Z|[+-]\\d{2}:?\\d{2})?')
         THEN ymd(year_ce(p[1][1:4]), p[1][6:7]::INTEGER, p[1][9:10])
     END`,
    `CREATE OR REPLACE MACRO thai_date(s) AS CASE WHEN is_missing(s) THEN NULL ELSE
       list_transform([regexp_split_to_array(regexp_replace(th_digits(trim(s)), '^(\\d{4}-\\d{2}-\\d{2})(?:[T ].*)?$', '\\1'), '[\\s-]+(?:[\\s-]*)')], p -> date_from_parts(p))[1] END`,
    `CREATE OR REPLACE MACRO date_bad(s) AS NOT is_missing(s) AND thai_date(s) IS NULL`,
    // Fiscal years are Buddhist era; CE years are converted; anything else is an error.
    `CREATE OR REPLACE MACRO fy_text(s) AS regexp_replace(th_digits(trim(s)), '\\.0+$', '')`,
    `CREATE OR REPLACE MACRO fiscal_year(s) AS CASE WHEN NOT regexp_full_match(fy_text(s), '\\d{4}') THEN NULL
       WHEN fy_text(s)::INTEGER BETWEEN 2540 AND 2700 THEN fy_text(s)::INTEGER
       WHEN fy_text(s)::INTEGER BETWEEN 1997 AND 2157 THEN fy_text(s)::INTEGER + 543 END`,
    // Fallback only: a project id starts with the BE year and month it was created (~5% differ
    // from the file's fiscal year on the drone set), October onwards belongs to the next year.
    // The fiscal year a date falls in (October starts the next one), Buddhist era.
    `CREATE OR REPLACE MACRO fy_of_date(d) AS year(d) + 543 + CASE WHEN month(d) >= 10 THEN 1 ELSE 0 END`,
    // A year written in CE is read as CE only when it is the Thai fiscal year as the CE one
    // names it; a stray CE year (1999 on a row dated 2023) is taken from the row's dates.
    `CREATE OR REPLACE MACRO fy_is_ce(s) AS regexp_full_match(fy_text(s), '\\d{4}') AND fy_text(s)::INTEGER BETWEEN 1997 AND 2157`,
    `CREATE OR REPLACE MACRO fy_from_project_id(p) AS CASE WHEN regexp_full_match(p, '\\d{2}(0[1-9]|1[0-2])\\d{7}')
       THEN 2500 + p[1:2]::INTEGER + CASE WHEN p[3:4]::INTEGER >= 10 THEN 1 ELSE 0 END END`,
    // Project ids are 11-digit text; spreadsheets destroy them as `6.7E+10`.
    `CREATE OR REPLACE MACRO project_id_text(s) AS CASE WHEN regexp_full_match(trim(s), '(?i)ocds-.+') THEN trim(s)
       ELSE regexp_replace(th_digits(trim(s)), '\\.0+$', '') END`,
    `CREATE OR REPLACE MACRO project_id_error(s) AS CASE WHEN is_missing(s) THEN 'missing_project_id'
       WHEN regexp_full_match(project_id_text(s), '\\d{6,15}') THEN NULL
       -- OCDS processes are identified by their ocid (prefix ocds-xxxxxx-).
       WHEN regexp_full_match(trim(s), '(?i)ocds-[a-z0-9]{6}-.+') THEN NULL
       WHEN regexp_matches(lower(s), 'e\\+') THEN 'broken_project_id' ELSE 'bad_project_id' END`,
    // Thai tax ids: 13 digits, check digit (11 − Σ dᵢ·(13−i) mod 11) mod 10.
    `CREATE OR REPLACE MACRO tin_checksum_ok(t) AS regexp_full_match(t, '\\d{13}')
       AND (11 - (${Array.from({ length: 12 }, (_, i) => `t[${i + 1}]::INTEGER * ${13 - i}`).join(' + ')}) % 11) % 10 = t[13]::INTEGER`,
    `CREATE OR REPLACE MACRO tin_text(s) AS th_digits(trim(s))`,
    // A 12-digit id is a 13-digit one whose leading zero a spreadsheet dropped, if the checksum holds.
    `CREATE OR REPLACE MACRO tin(s) AS CASE WHEN is_missing(s) THEN NULL
       WHEN regexp_full_match(tin_text(s), '\\d{12}') AND tin_checksum_ok('0' || tin_text(s)) THEN '0' || tin_text(s)
       ELSE tin_text(s) END`,
    // Broken (E+) and masked (xxxx, natural persons) ids are kept but never identify a vendor.
    `CREATE OR REPLACE MACRO tin_status_of(s, t) AS CASE WHEN is_missing(s) THEN 'missing'
       WHEN tin_checksum_ok(t) THEN 'valid'
       WHEN regexp_full_match(tin_text(s), '\\d{13}') THEN 'invalid_checksum'
       WHEN regexp_full_match(tin_text(s), '\\d+(\\.\\d+)?[eE]\\+\\d+') THEN 'broken'
       WHEN regexp_full_match(tin_text(s), '\\d{5,12}[xX]+') THEN 'masked' ELSE 'other' END`,
    `CREATE OR REPLACE MACRO tin_status(s) AS tin_status_of(s, tin(s))`,
    // Vendor name key: case-folded, Thai digits, legal forms removed longest first (trap 6).
    `CREATE OR REPLACE MACRO vendor_name_key(s) AS nullif(trim(regexp_replace(regexp_replace(lower(th_digits(clean_text(s))), '${legal.replace(/'/g, "''")}', ' ', 'g'), '\\s+', ' ', 'g')), '')`,
    // Trap 2: the group strings are never a method.
    `CREATE OR REPLACE MACRO is_group_label(s) AS starts_with(s, 'วิธีการจัดหา') OR s = 'งานจ้างที่ปรึกษา' OR regexp_matches(s, 'ประกาศเชิญชวนทั่วไป\\s+คัดเลือก\\s+เฉพาะเจาะจง')`,
    // Plain expressions, not subqueries: a correlated subquery macro becomes a join that copies
    // every column of every row (measured: 40% of the cleaning query).
    `CREATE OR REPLACE MACRO method_from_name(n) AS list_transform([regexp_extract(regexp_replace(n, '\\s+', ' ', 'g'), '(?:โดย|ด้วย)วิธี\\s*(.+?)\\s*$', 1)], t -> CASE ${startsWithMethod} END)[1]`,
    `CREATE OR REPLACE MACRO method_bucket(m) AS list_transform([regexp_replace(m, '\\s+', '', 'g')], s -> CASE ${bucketExact} ${bucketContains} ELSE 'unknown' END)[1]`,
  ];
}
