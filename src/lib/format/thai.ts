/**
 * Pure text helpers and Thai constants. The ingest compiles the same constants into SQL
 * (scripts/ingest/rules.ts); tests check that both sides agree on the real rows.
 */

/** Thai short month names, January first, as the e-GP files write them. */
export const THAI_MONTHS = [
  'ม.ค.',
  'ก.พ.',
  'มี.ค.',
  'เม.ย.',
  'พ.ค.',
  'มิ.ย.',
  'ก.ค.',
  'ส.ค.',
  'ก.ย.',
  'ต.ค.',
  'พ.ย.',
  'ธ.ค.',
] as const;

/** Values the official files use for "no value". */
export const MISSING_VALUES = ['', '-', '–', 'N/A', 'null', 'NULL'] as const;

const THAI_ZERO = 0x0e50; // ๐

/** Thai digits ๐–๙ → 0–9 (they appear in names and sometimes in numbers). */
export function toArabicDigits(s: string): string {
  return s.replace(/[๐-๙]/g, (c) => String(c.charCodeAt(0) - THAI_ZERO));
}

/** NFC, zero-width characters removed, runs of white space collapsed, trimmed. */
export function cleanText(s: string): string {
  return s
    .normalize('NFC')
    .replaceAll('\0', '') // NUL bytes of damaged exports
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Legal forms stripped from vendor names to build a name key, longest first so that
 * "ห้างหุ้นส่วนจำกัด" is removed before "ห้างหุ้นส่วน" (egp-data.md trap 6).
 */
export const LEGAL_FORMS = [
  'บริษัทมหาชนจำกัด',
  'ห้างหุ้นส่วนจำกัด',
  'ห้างหุ้นส่วนสามัญนิติบุคคล',
  'ห้างหุ้นส่วนสามัญ',
  'ห้างหุ้นส่วน',
  '(มหาชน)',
  'บริษัท',
  'บจก.',
  'หจก.',
  'จำกัด',
  'company limited',
  'co., ltd.',
  'co.,ltd.',
  'limited',
  'ltd.',
].sort((a, b) => b.length - a.length);

/** A vendor name key: cleaned, Latin case-folded, legal forms removed, spaces collapsed. */
export function vendorNameKey(name: string): string {
  let s = toArabicDigits(cleanText(name)).toLowerCase();
  for (const form of LEGAL_FORMS) s = s.split(form).join(' ');
  return s.replace(/\s+/g, ' ').trim();
}
