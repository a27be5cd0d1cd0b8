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
const METHODS: { label: string; bucket: MethodBucket }[] = [
  { label: 'จ้างที่ปรึกษาโดยวิธีประกาศเชิญชวนทั่วไป', bucket: 'consultant' },
  { label: 'จ้างที่ปรึกษาโดยวิธีเฉพาะเจาะจง', bucket: 'consultant' },
  { label: 'จ้างที่ปรึกษาโดยวิธีคัดเลือก', bucket: 'consultant' },
  { label: 'ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์', bucket: 'legacy' },
  { label: 'ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)', bucket: 'open' },
  { label: 'ประกวดราคาอิเล็กทรอนิกส์', bucket: 'open' },
  { label: 'ตลาดอิเล็กทรอนิกส์ (e-market)', bucket: 'open' },
  { label: 'ตลาดอิเล็กทรอนิกส์', bucket: 'open' },
  { label: 'ประกวดราคานานาชาติ', bucket: 'open' },
  { label: 'ประกาศเชิญชวนทั่วไป', bucket: 'open' },
  { label: 'เฉพาะเจาะจง', bucket: 'specific' },
  { label: 'คัดเลือก', bucket: 'selective' },
  { label: 'สอบราคา', bucket: 'open' },
  { label: 'ตกลงราคา', bucket: 'legacy' },
  { label: 'กรณีพิเศษ', bucket: 'legacy' },
  { label: 'ประกวดราคา', bucket: 'legacy' },
  { label: 'พิเศษ', bucket: 'legacy' },
];
export const KNOWN_METHODS = METHODS.sort((a, b) => b.label.length - a.label.length);
