/**
 * Canonical field names of one e-GP contract row (the Government Spending API's names) and the
 * headers that carry them in the official files. See ../shared/docs/egp-data.md.
 * Shared by the ingest (header mapping) and the site (labels, raw-field display).
 */
export const CANONICAL_FIELDS = [
  'seq',
  'project_id',
  'project_name',
  'project_type_name',
  'dept_name',
  'dept_sub_name',
  'purchase_method_name',
  'purchase_method_group_name',
  'announce_date',
  'project_money',
  'price_build',
  'sum_price_agree',
  'budget_year',
  'transaction_date',
  'province',
  'province_en',
  'district',
  'district_en',
  'subdistrict',
  'subdistrict_en',
  'project_status',
  'location',
  'latitude',
  'longitude',
  /** How many tendered (OCDS `tender.numberOfTenderers`); no e-GP file carries it. */
  'tenderers',
  'winner_tin',
  'winner',
  'contract_no',
  'contract_date',
  'contract_finish_date',
  'price_agree',
  'status',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** The contract-level fields (the rest describe the project and repeat on each contract row). */
export const CONTRACT_FIELDS: readonly CanonicalField[] = CANONICAL_FIELDS.slice(
  CANONICAL_FIELDS.indexOf('winner_tin'),
);
export type RawRow = Partial<Record<CanonicalField, string>>;

/** Official Thai headers (data.go.th CKAN CSVs and datastore API) for each canonical field. */
export const THAI_HEADERS: Record<CanonicalField, string> = {
  seq: 'ลำดับ',
  project_id: 'รหัสโครงการ',
  project_name: 'ชื่อโครงการ',
  project_type_name: 'ชื่อประเภทโครงการ',
  dept_name: 'ชื่อหน่วยงาน',
  dept_sub_name: 'ชื่อหน่วยงานย่อย',
  purchase_method_name: 'วิธีจัดซื้อฯ',
  purchase_method_group_name: 'กลุ่มวิธีจัดซื้อฯ',
  announce_date: 'วันที่ประกาศ',
  project_money: 'งบประมาณ(บาท)',
  price_build: 'ราคากลาง(บาท)',
  sum_price_agree: 'ราคาตกลงซื้อ/จ้าง',
  budget_year: 'ปีงบประมาณ',
  transaction_date: 'วันที่เกิดรายการ',
  province: 'จังหวัด',
  province_en: 'จังหวัด (Eng)',
  district: 'เขต/อำเภอ',
  district_en: 'เขต/อำเภอ (Eng)',
  subdistrict: 'แขวง/ตำบล',
  subdistrict_en: 'แขวง/ตำบล (Eng)',
  project_status: 'สถานะโครงการ',
  location: 'พิกัดของโครงการ',
  latitude: 'ละติจูดโครงการ',
  longitude: 'ลองจิจูดโครงการ',
  tenderers: 'จำนวนผู้เสนอราคา', // not an official e-GP header: for mapped and third-party CSVs
  winner_tin: 'เลขนิติบุคคล',
  winner: 'ชื่อผู้ชนะ',
  contract_no: 'เลขที่สัญญา',
  contract_date: 'วันที่ลงนามสัญญา',
  contract_finish_date: 'วันที่สิ้นสุดสัญญา',
  price_agree: 'งบสัญญา(บาท)',
  status: 'สถานะสัญญา',
};

/** Fields no official e-GP file layout has (they come from OCDS, the API or a mapped column). */
const NOT_IN_EGP_FILES: readonly CanonicalField[] = ['tenderers'];

/** The 31-field layout of FY2565–2567 parts: the header matches the data. */
export const LAYOUT_31: readonly CanonicalField[] = CANONICAL_FIELDS.filter(
  (f) => !NOT_IN_EGP_FILES.includes(f),
);

/**
 * The 28-field rows of raw FY2568 parts: no English location columns. Their header row is wrong
 * (26 names in part 1, 31 in parts 2–10), so these rows are mapped by position, never by header.
 */
export const LAYOUT_28: readonly CanonicalField[] = LAYOUT_31.filter(
  (f) => f !== 'province_en' && f !== 'district_en' && f !== 'subdistrict_en',
);

/** Columns that CKAN or third parties add and that carry no procurement data. */
export const IGNORED_HEADERS = new Set(['_id', 'rank']);
