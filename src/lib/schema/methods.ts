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

/**
 * The "group" strings that FY2564–67 files put in กลุ่มวิธีจัดซื้อฯ and FY2568 files put in
 * วิธีจัดซื้อฯ (trap 2): `วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง`, and for consultant
 * work `งานจ้างที่ปรึกษา` (6 real FY2565–67 rows of the drone set). Never a method themselves.
 */
export function isMethodGroupLabel(s: string): boolean {
  return (
    s.startsWith('วิธีการจัดหา') ||
    s === 'งานจ้างที่ปรึกษา' ||
    /ประกาศเชิญชวนทั่วไป\s+คัดเลือก\s+เฉพาะเจาะจง/.test(s)
  );
}

export function methodBucket(label: string): MethodBucket {
  const s = label.replace(/\s+/g, '');
  for (const m of KNOWN_METHODS) if (s === m.label.replace(/\s+/g, '')) return m.bucket;
  for (const m of KNOWN_METHODS) if (s.includes(m.label.replace(/\s+/g, ''))) return m.bucket;
  return 'unknown';
}

/**
 * Project names usually end with the method (`…โดยวิธีเฉพาะเจาะจง`,
 * `…ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)`): the fallback when no column holds it.
 */
export function methodFromProjectName(name: string): string | null {
  const m = /(?:โดย|ด้วย)วิธี\s*(.+?)\s*$/.exec(name.replace(/\s+/g, ' '));
  if (!m) return null;
  const tail = m[1]!;
  for (const k of KNOWN_METHODS) if (tail.startsWith(k.label)) return k.label;
  return null;
}
