/**
 * One raw row → one clean row, or a ValueError that becomes a reject. Every cleaning rule has a
 * line of reason; the counts of each rule applied go to the manifest's quality report.
 */
import type { RawRow } from '../../src/lib/schema/fields.ts';
import { cleanText, vendorNameKey } from '../../src/lib/format/thai.ts';
import {
  isMethodGroupLabel,
  methodBucket,
  methodFromProjectName,
  type MethodBucket,
} from '../../src/lib/schema/methods.ts';
import {
  classifyTin,
  fiscalYearFromProjectId,
  isMissing,
  parseAmount,
  parseDate,
  parseFiscalYear,
  parseProjectId,
  ValueError,
  type TinStatus,
} from './values.ts';

export interface CleanRow {
  project_id: string;
  fiscal_year: number;
  project_name: string | null;
  type_name: string | null;
  dept_name: string;
  dept_sub_name: string | null;
  province: string | null;
  province_en: string | null;
  district: string | null;
  subdistrict: string | null;
  method_name: string | null;
  method_bucket: MethodBucket;
  method_raw: string | null;
  method_group_raw: string | null;
  method_source: 'column' | 'swapped_column' | 'project_name' | 'none';
  announce_date: string | null;
  transaction_date: string | null;
  project_money: string | null;
  price_build: string | null;
  sum_price_agree: string | null;
  project_status: string | null;
  winner_tin: string | null;
  tin_status: TinStatus;
  winner: string | null;
  vendor_key: string | null;
  winner_norm: string | null;
  contract_no: string | null;
  contract_date: string | null;
  contract_finish_date: string | null;
  price_agree: string | null;
  contract_status: string | null;
  has_contract: boolean;
}

/** Counts of each rule applied (quality report). */
export type Quality = Map<string, number>;

function bump(q: Quality, key: string): void {
  q.set(key, (q.get(key) ?? 0) + 1);
}

function text(raw: string | undefined): string | null {
  return isMissing(raw) ? null : cleanText(raw!) || null;
}

export function normalizeRow(raw: RawRow, q: Quality): CleanRow {
  const project_id = parseProjectId(raw.project_id);
  const project_name = text(raw.project_name);

  // The fiscal year in the file is the truth; the project-id prefix is only a fallback (~5% differ).
  let fiscal_year = parseFiscalYear(raw.budget_year);
  if (fiscal_year === null) {
    fiscal_year = fiscalYearFromProjectId(project_id);
    if (fiscal_year === null) {
      throw new ValueError(
        'missing_fiscal_year',
        'no fiscal year, and none can be read from project_id',
      );
    }
    bump(q, 'fiscal_year_from_project_id');
  }

  // Trap 2: method and group columns swap between FY2564–67 and FY2568; detect by value, and fall
  // back to the method phrase at the end of the project name.
  const a = text(raw.purchase_method_name);
  const b = text(raw.purchase_method_group_name);
  let method_name: string | null = null;
  let method_source: CleanRow['method_source'] = 'none';
  if (a && !isMethodGroupLabel(a)) {
    method_name = a;
    method_source = 'column';
  } else if (b && !isMethodGroupLabel(b)) {
    method_name = b;
    method_source = 'swapped_column';
    if (a) bump(q, 'method_group_columns_swapped');
  } else if (project_name) {
    method_name = methodFromProjectName(project_name);
    if (method_name) method_source = 'project_name';
  }
  if (method_source === 'project_name') bump(q, 'method_from_project_name');
  if (method_source === 'none') bump(q, 'method_unknown');
  const method_group_raw = [a, b].find((s) => s && isMethodGroupLabel(s)) ?? null;

  const tin = classifyTin(raw.winner_tin);
  if (tin.status !== 'valid' && tin.status !== 'missing') bump(q, `tin_${tin.status}`);
  if (raw.winner_tin && /^\d{12}$/.test(raw.winner_tin.trim()) && tin.status === 'valid') {
    bump(q, 'tin_leading_zero_restored');
  }
  const winner = text(raw.winner);
  const winner_norm = winner ? vendorNameKey(winner) : null;
  // Trap 4/5: only a checksum-valid 13-digit id identifies a vendor; otherwise the name key does,
  // and a broken or masked id never merges two vendors.
  const vendor_key =
    tin.status === 'valid' ? `tin:${tin.tin}` : winner_norm ? `name:${winner_norm}` : null;

  const price_agree = parseAmount(raw.price_agree, 'price_agree');
  const contract_no = text(raw.contract_no);
  const has_contract = Boolean(vendor_key || contract_no || price_agree !== null);

  const dept_name = text(raw.dept_name);
  if (!dept_name) throw new ValueError('missing_agency', 'dept_name (ชื่อหน่วยงาน) is empty');

  return {
    project_id,
    fiscal_year,
    project_name,
    type_name: text(raw.project_type_name),
    dept_name,
    dept_sub_name: text(raw.dept_sub_name),
    province: text(raw.province),
    province_en: text(raw.province_en),
    district: text(raw.district),
    subdistrict: text(raw.subdistrict),
    method_name,
    method_bucket: method_name ? methodBucket(method_name) : 'unknown',
    method_raw: a,
    method_group_raw,
    method_source,
    announce_date: parseDate(raw.announce_date, 'announce_date'),
    transaction_date: parseDate(raw.transaction_date, 'transaction_date'),
    project_money: parseAmount(raw.project_money, 'project_money'),
    price_build: parseAmount(raw.price_build, 'price_build'),
    sum_price_agree: parseAmount(raw.sum_price_agree, 'sum_price_agree'),
    project_status: text(raw.project_status),
    winner_tin: tin.tin,
    tin_status: tin.status,
    winner,
    vendor_key,
    winner_norm,
    contract_no,
    contract_date: parseDate(raw.contract_date, 'contract_date'),
    contract_finish_date: parseDate(raw.contract_finish_date, 'contract_finish_date'),
    price_agree,
    contract_status: text(raw.status),
    has_contract,
  };
}
