/**
 * Procurement methods (egp-data.md, "Enumerations seen"): the raw label is kept, and each label is
 * put in one of a few buckets so that years under the old and the 2560 Act can be compared.
 */
export const METHOD_BUCKETS = [
  'open',
  'selective',
  'specific',
  'consultant',
  'legacy',
  'unknown',
] as const;
export type MethodBucket = (typeof METHOD_BUCKETS)[number];

/** Known method labels, matched longest first (consultant labels contain the shorter ones). */
const METHODS: { label: string; en: string; bucket: MethodBucket }[] = [
  {
    label: 'จ้างที่ปรึกษาโดยวิธีประกาศเชิญชวนทั่วไป',
    en: 'Consultant, open invitation',
    bucket: 'consultant',
  },
  { label: 'จ้างที่ปรึกษาโดยวิธีเฉพาะเจาะจง', en: 'Consultant, specific (direct)', bucket: 'consultant' },
  { label: 'จ้างที่ปรึกษาโดยวิธีคัดเลือก', en: 'Consultant, selective', bucket: 'consultant' },
  {
    label: 'ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์',
    en: 'Electronic auction (before 2560)',
    bucket: 'legacy',
  },
  {
    label: 'ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)',
    en: 'Electronic bidding (e-bidding)',
    bucket: 'open',
  },
  { label: 'ประกวดราคาอิเล็กทรอนิกส์', en: 'Electronic bidding', bucket: 'open' },
  { label: 'ตลาดอิเล็กทรอนิกส์ (e-market)', en: 'Electronic market (e-market)', bucket: 'open' },
  { label: 'ตลาดอิเล็กทรอนิกส์', en: 'Electronic market', bucket: 'open' },
  { label: 'ประกวดราคานานาชาติ', en: 'International bidding', bucket: 'open' },
  { label: 'ประกาศเชิญชวนทั่วไป', en: 'Open invitation', bucket: 'open' },
  { label: 'เฉพาะเจาะจง', en: 'Specific (direct)', bucket: 'specific' },
  { label: 'คัดเลือก', en: 'Selective', bucket: 'selective' },
  { label: 'สอบราคา', en: 'Price inquiry', bucket: 'open' },
  { label: 'ตกลงราคา', en: 'Price agreement (before 2560)', bucket: 'legacy' },
  { label: 'กรณีพิเศษ', en: 'Special case (before 2560)', bucket: 'legacy' },
  { label: 'ประกวดราคา', en: 'Bidding (before 2560)', bucket: 'legacy' },
  { label: 'พิเศษ', en: 'Special method (before 2560)', bucket: 'legacy' },
];
export const KNOWN_METHODS = METHODS.sort((a, b) => b.label.length - a.label.length);
/** Each known label's English name (the English pages show it; exports keep the Thai). */
export const METHODS_EN: Readonly<Record<string, string>> = Object.fromEntries(
  METHODS.map((m) => [m.label, m.en]),
);
