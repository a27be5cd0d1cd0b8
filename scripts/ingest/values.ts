/**
 * Parsers for the value formats of the official files (../shared/docs/egp-data.md, "Value formats").
 * Each returns a canonical string (or null for "missing") or throws a ValueError naming the problem,
 * which the ingest turns into a reject with that reason.
 */
import { cleanText, toArabicDigits } from '../../src/lib/format/thai.ts';

export class ValueError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `-`, empty and the usual spreadsheet blanks mean "no value" in the official files. */
export function isMissing(raw: string | undefined): boolean {
  if (raw === undefined) return true;
  const s = raw.trim();
  return s === '' || s === '-' || s === '–' || s.toLowerCase() === 'null' || s === 'N/A';
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const GROUPED_DECIMAL = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * An amount in baht as an exact decimal string. CSVs hold plain decimals (`48735000.0`); the web
 * export adds thousands separators (`3,498,760,900.00`); Thai digits occur. Never parsed to a float.
 */
export function parseAmount(raw: string | undefined, field: string): string | null {
  if (isMissing(raw)) return null;
  const s = toArabicDigits(raw!.trim()).replace(/\s/g, '');
  if (PLAIN_DECIMAL.test(s)) return s;
  if (GROUPED_DECIMAL.test(s)) return s.replace(/,/g, '');
  throw new ValueError('bad_amount', `${field}: "${raw}" is not an amount`);
}

const THAI_MONTHS: Record<string, number> = {
  'ม.ค.': 1,
  'ก.พ.': 2,
  'มี.ค.': 3,
  'เม.ย.': 4,
  'พ.ค.': 5,
  'มิ.ย.': 6,
  'ก.ค.': 7,
  'ส.ค.': 8,
  'ก.ย.': 9,
  'ต.ค.': 10,
  'พ.ย.': 11,
  'ธ.ค.': 12,
};

/** A year as written (2-digit BE, 4-digit BE or 4-digit CE) → CE. */
function yearToCE(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n + 2500 - 543; // `68` → 2568 BE → 2025 CE
  if (n >= 2400) return n - 543; // 4-digit BE
  return n;
}

function isoDate(y: number, m: number, d: number, raw: string, field: string): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (
    m < 1 ||
    m > 12 ||
    dt.getUTCMonth() !== m - 1 ||
    dt.getUTCDate() !== d ||
    y < 1950 ||
    y > 2150
  ) {
    throw new ValueError('bad_date', `${field}: "${raw}" is not a real date`);
  }
  return dt.toISOString().slice(0, 10);
}

/**
 * Dates: `15-ก.ย.-64` (FY2564–67 files), `29 พ.ย. 67` (FY2568), `15 ก.ย. 2568`, ISO `2024-11-29`,
 * `29/11/2567`. Returns ISO (CE) `YYYY-MM-DD`.
 */
export function parseDate(raw: string | undefined, field: string): string | null {
  if (isMissing(raw)) return null;
  const s = toArabicDigits(cleanText(raw!));
  let m = /^(\d{1,2})[\s-]*([ก-๙.]+?)[\s-]*(\d{2}|\d{4})$/.exec(s);
  if (m) {
    const month = THAI_MONTHS[m[2]!.replace(/\s/g, '')];
    if (!month) throw new ValueError('bad_date', `${field}: unknown Thai month in "${raw}"`);
    return isoDate(yearToCE(m[3]!), month, Number(m[1]), raw!, field);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return isoDate(yearToCE(m[1]!), Number(m[2]), Number(m[3]), raw!, field);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return isoDate(yearToCE(m[3]!), Number(m[2]), Number(m[1]), raw!, field);
  throw new ValueError('bad_date', `${field}: "${raw}" is not a date format seen in e-GP files`);
}

/** A Buddhist-era fiscal year. CE years are converted (+543); anything else is an error. */
export function parseFiscalYear(raw: string | undefined): number | null {
  if (isMissing(raw)) return null;
  const s = toArabicDigits(raw!.trim()).replace(/\.0+$/, '');
  if (/^\d{4}$/.test(s)) {
    const n = Number(s);
    if (n >= 2540 && n <= 2700) return n;
    if (n >= 1997 && n <= 2157) return n + 543;
  }
  throw new ValueError('bad_fiscal_year', `budget_year: "${raw}" is not a fiscal year`);
}

/**
 * Fallback only: the first four digits of a project id are the BE year and month it was created
 * (`6709…` = Sep 2567, so FY2567; `6710…` = Oct 2567, so FY2568). Disagrees with the file's fiscal
 * year for ~5% of rows (measured on the drone set), hence used only when the file has none.
 */
export function fiscalYearFromProjectId(projectId: string): number | null {
  const m = /^(\d{2})(\d{2})\d{7}$/.exec(projectId);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return 2500 + Number(m[1]) + (month >= 10 ? 1 : 0);
}

/** e-GP project ids are 11 digits (sometimes written with Thai digits or as `6.7E+10`). */
export function parseProjectId(raw: string | undefined): string {
  if (isMissing(raw)) throw new ValueError('missing_project_id', 'project_id is empty');
  const s = toArabicDigits(raw!.trim()).replace(/\.0+$/, '');
  if (/^\d{6,15}$/.test(s)) return s;
  if (/e\+/i.test(s)) {
    throw new ValueError('broken_project_id', `project_id "${raw}" was destroyed by a spreadsheet`);
  }
  throw new ValueError('bad_project_id', `project_id "${raw}" is not a project number`);
}

export type TinStatus = 'valid' | 'invalid_checksum' | 'broken' | 'masked' | 'missing' | 'other';

/** Thai 13-digit tax id check digit: (11 − Σ dᵢ·(13−i) mod 11) mod 10. */
export function tinChecksumOk(tin: string): boolean {
  if (!/^\d{13}$/.test(tin)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(tin[i]) * (13 - i);
  return (11 - (sum % 11)) % 10 === Number(tin[12]);
}

/**
 * Classify a winner tax id (egp-data.md traps 4 and 5). Spreadsheet-destroyed ids (`1.05559E+11`)
 * and masked natural persons (`130990115xxxx`) are kept as written but must never be used to merge
 * vendors. A 12-digit id whose leading zero a spreadsheet dropped is restored when the restored id
 * passes the checksum.
 */
export function classifyTin(raw: string | undefined): { tin: string | null; status: TinStatus } {
  if (isMissing(raw)) return { tin: null, status: 'missing' };
  const s = toArabicDigits(raw!.trim());
  if (/^\d{13}$/.test(s))
    return { tin: s, status: tinChecksumOk(s) ? 'valid' : 'invalid_checksum' };
  if (/^\d{12}$/.test(s) && tinChecksumOk('0' + s)) return { tin: '0' + s, status: 'valid' };
  if (/^\d+(\.\d+)?e\+\d+$/i.test(s)) return { tin: s, status: 'broken' };
  if (/^\d{5,12}x+$/i.test(s)) return { tin: s, status: 'masked' };
  return { tin: s, status: 'other' };
}
