/**
 * The integrity flags and data-quality checks as data: names, plain-language rules, thresholds
 * (URL keys, defaults, bounds) and sources (docs/flags.md). Their SQL is in flags.ts.
 */
export const RISK_FLAGS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8'] as const;
export const QUALITY_CHECKS = ['Q1', 'Q2', 'Q3'] as const;
export const FLAG_IDS = [...RISK_FLAGS, ...QUALITY_CHECKS] as const;
export type FlagId = (typeof FLAG_IDS)[number];

type Text = { th: string; en: string };

export interface Threshold {
  /** Its URL parameter name. */
  key: string;
  default: number;
  min: number;
  max: number;
  /** Whole numbers only (days, months, counts). */
  integer: boolean;
  unit: 'baht' | 'days' | 'months' | 'percent' | 'count' | 'times';
  label: Text;
}

export interface Reference {
  title: string;
  url: string;
}

export interface FlagDef {
  id: FlagId;
  kind: 'risk' | 'quality';
  name: Text;
  /** The rule in plain words; `{key}` stands for a threshold's value. */
  rule: Text;
  /** Which projects it can be computed for. */
  coverage: Text;
  thresholds: Threshold[];
  refs: Reference[];
}

const OCP_RED_FLAGS: Reference = {
  title:
    'Open Contracting Partnership, Red flags for integrity: giving the green light to open data solutions (2016)',
  url: 'https://www.open-contracting.org/resources/red-flags-integrity-giving-green-light-open-data-solutions/',
};
const OCP_GUIDE: Reference = {
  title: 'Open Contracting Partnership, Red flags in public procurement: a guide (2024)',
  url: 'https://www.open-contracting.org/resources/red-flags-in-public-procurement-a-guide-to-using-data-to-detect-and-mitigate-risks/',
};
const CARDINAL: Reference = {
  title: 'Cardinal (Open Contracting Partnership), indicators',
  url: 'https://cardinal.readthedocs.io/en/latest/cli/indicators/',
};
const ACT_2560: Reference = {
  title:
    'พระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560 มาตรา 56(2)(ข) และกฎกระทรวงกำหนดวงเงินการจัดซื้อจัดจ้างพัสดุโดยวิธีเฉพาะเจาะจง',
  url: 'https://www.gprocurement.go.th/',
};

const baht = (key: string, d: number, th: string, en: string): Threshold => ({
  key,
  default: d,
  min: 0,
  max: 1e12,
  integer: false,
  unit: 'baht',
  label: { th, en },
});
const whole = (
  key: string,
  d: number,
  min: number,
  max: number,
  unit: Threshold['unit'],
  th: string,
  en: string,
): Threshold => ({ key, default: d, min, max, integer: true, unit, label: { th, en } });
const pct = (key: string, d: number, min: number, max: number, th: string, en: string) => ({
  ...whole(key, d, min, max, 'percent', th, en),
  integer: false,
});

export const FLAGS: Record<FlagId, FlagDef> = {
  F1: {
    id: 'F1',
    kind: 'risk',
    name: { th: 'วิธีเฉพาะเจาะจงวงเงินสูง', en: 'Specific method above the limit' },
    rule: {
      th: 'โครงการวิธีเฉพาะเจาะจงที่มีงบประมาณเกิน {f1_min} บาท',
      en: 'A specific-method (direct) project with a budget above {f1_min} THB',
    },
    coverage: {
      th: 'โครงการที่ทราบงบประมาณและวิธีจัดซื้อ',
      en: 'projects with a budget and a known method',
    },
    thresholds: [baht('f1_min', 500_000, 'งบประมาณเกิน (บาท)', 'budget above (THB)')],
    refs: [ACT_2560, OCP_RED_FLAGS],
  },
  F2: {
    id: 'F2',
    kind: 'risk',
    name: { th: 'งบประมาณกระจุกใต้เพดาน', en: 'Bunching just under a threshold' },
    rule: {
      th: 'งบประมาณอยู่ในช่วง {f2_lo}–{f2_hi} บาท (ไม่รวม {f2_hi}) ในหน่วยงานที่มีโครงการในช่วงนี้อย่างน้อย {f2_n} โครงการ และมากกว่าช่วงกว้างเท่ากันเหนือ {f2_hi} บาทอย่างน้อย {f2_ratio} เท่า',
      en: 'A budget from {f2_lo} up to (not including) {f2_hi} THB, in an agency with at least {f2_n} projects in that band and at least {f2_ratio} times as many as in the band of the same width just above {f2_hi}',
    },
    coverage: { th: 'โครงการที่ทราบงบประมาณ', en: 'projects with a budget' },
    thresholds: [
      baht('f2_lo', 450_000, 'ช่วงเริ่มที่ (บาท)', 'band from (THB)'),
      baht('f2_hi', 500_000, 'เพดาน (บาท)', 'threshold (THB)'),
      whole('f2_n', 3, 1, 1_000_000, 'count', 'อย่างน้อย (โครงการ)', 'at least (projects)'),
      {
        ...whole('f2_ratio', 2, 1, 1000, 'times', 'อัตราส่วนอย่างน้อย', 'ratio at least'),
        integer: false,
      },
    ],
    refs: [OCP_GUIDE],
  },
  F3: {
    id: 'F3',
    kind: 'risk',
    name: { th: 'อาจแบ่งซื้อแบ่งจ้าง', en: 'Possible split purchase' },
    rule: {
      th: 'หน่วยงานเดียวกันทำสัญญากับผู้ชนะรายเดียวกันตั้งแต่ 2 สัญญาขึ้นไป แต่ละสัญญาต่ำกว่า {f3_max} บาท ลงนามห่างกันไม่เกิน {f3_days} วัน และรวมกันเกิน {f3_max} บาท',
      en: 'The same agency and winner sign two or more contracts, each under {f3_max} THB, within {f3_days} days of each other, together over {f3_max} THB',
    },
    coverage: {
      th: 'โครงการที่มีสัญญาซึ่งทราบผู้ชนะ วันที่ลงนาม และมูลค่า',
      en: 'projects with a contract that has a winner, a signing date and a value',
    },
    thresholds: [
      baht('f3_max', 500_000, 'เพดานต่อสัญญา (บาท)', 'limit per contract (THB)'),
      whole(
        'f3_days',
        0,
        0,
        365,
        'days',
        'ภายใน (วัน; 0 = วันเดียวกัน)',
        'within (days; 0 = same day)',
      ),
    ],
    refs: [ACT_2560, OCP_RED_FLAGS],
  },
  F4: {
    id: 'F4',
    kind: 'risk',
    name: { th: 'ไม่มีส่วนลดในวิธีแข่งขัน', en: 'No discount in a competitive method' },
    rule: {
      th: 'โครงการวิธีประกาศเชิญชวนทั่วไปหรือคัดเลือกที่ราคาตกลงไม่ต่ำกว่าราคากลาง (หักด้วย {f4_pct}%)',
      en: 'An open or selective project whose agreed price is at or above the reference price (less {f4_pct}%)',
    },
    coverage: {
      th: 'โครงการวิธีแข่งขันที่ทราบราคากลางและราคาตกลง',
      en: 'competitive projects with a reference price and an agreed price',
    },
    thresholds: [pct('f4_pct', 0, 0, 100, 'ส่วนลดไม่ถึง (%)', 'discount below (%)')],
    refs: [OCP_RED_FLAGS, OCP_GUIDE],
  },
  F5: {
    id: 'F5',
    kind: 'risk',
    name: {
      th: 'ราคาตกลงสูงกว่าราคากลางหรืองบประมาณ',
      en: 'Agreed price above the reference price or the budget',
    },
    rule: {
      th: 'ราคาตกลงสูงกว่าราคากลางหรืองบประมาณเกิน {f5_pct}%',
      en: 'The agreed price is more than {f5_pct}% above the reference price or the budget',
    },
    coverage: {
      th: 'โครงการที่ทราบราคาตกลงและราคากลางหรืองบประมาณ',
      en: 'projects with an agreed price and a reference price or budget',
    },
    thresholds: [pct('f5_pct', 0, 0, 1000, 'สูงกว่าเกิน (%)', 'above by more than (%)')],
    refs: [OCP_GUIDE],
  },
  F6: {
    id: 'F6',
    kind: 'risk',
    name: { th: 'ซื้อเฉพาะเจาะจงช่วงปลายปีงบประมาณ', en: 'Year-end specific purchase' },
    rule: {
      th: 'โครงการวิธีเฉพาะเจาะจงที่เกิดใน {f6_months} เดือนสุดท้ายของปีงบประมาณ (ปีงบประมาณสิ้นสุด 30 กันยายน) ตามวันลงนามสัญญาแรก หรือวันที่เกิดรายการ หรือวันประกาศ',
      en: 'A specific-method project dated in the last {f6_months} months of the fiscal year (which ends 30 September), by its first contract signing date, else its transaction date, else its announcement date',
    },
    coverage: {
      th: 'โครงการที่ทราบวิธีจัดซื้อและวันที่',
      en: 'projects with a known method and a date',
    },
    thresholds: [whole('f6_months', 2, 1, 6, 'months', 'เดือนสุดท้าย', 'last months')],
    refs: [OCP_GUIDE],
  },
  F7: {
    id: 'F7',
    kind: 'risk',
    name: { th: 'ผู้ขายรายเดียวครองหน่วยงาน', en: 'Vendor concentration in an agency' },
    rule: {
      th: 'ผู้ชนะที่ได้ตั้งแต่ {f7_share}% ของมูลค่าสัญญาทั้งหมดของหน่วยงาน ในหน่วยงานที่มีสัญญาอย่างน้อย {f7_n} สัญญาในปีที่เลือก',
      en: 'A winner holding {f7_share}% or more of the agency’s contract value, in an agency with at least {f7_n} contracts in the chosen years',
    },
    coverage: {
      th: 'โครงการที่มีสัญญาซึ่งทราบผู้ชนะและมูลค่า',
      en: 'projects with a contract that has a winner and a value',
    },
    thresholds: [
      pct('f7_share', 50, 1, 100, 'ส่วนแบ่งอย่างน้อย (%)', 'share at least (%)'),
      whole('f7_n', 10, 1, 1_000_000, 'count', 'หน่วยงานมีสัญญาอย่างน้อย', 'agency contracts at least'),
    ],
    refs: [OCP_RED_FLAGS, OCP_GUIDE],
  },
  F8: {
    id: 'F8',
    kind: 'risk',
    name: { th: 'ผู้เสนอราคาน้อยราย', en: 'Few tenderers' },
    rule: {
      th: 'มีผู้เสนอราคาไม่เกิน {f8_max} ราย (เฉพาะข้อมูลที่มีจำนวนผู้เสนอราคา เช่น OCDS numberOfTenderers)',
      en: 'At most {f8_max} tenderers (only where the data has them, e.g. OCDS numberOfTenderers)',
    },
    coverage: {
      th: 'โครงการที่ทราบจำนวนผู้เสนอราคา',
      en: 'projects with a number of tenderers',
    },
    thresholds: [whole('f8_max', 1, 0, 1000, 'count', 'ผู้เสนอราคาไม่เกิน', 'tenderers at most')],
    refs: [CARDINAL, OCP_RED_FLAGS],
  },
  Q1: {
    id: 'Q1',
    kind: 'quality',
    name: { th: 'เลขผู้เสียภาษีผู้ชนะใช้ไม่ได้', en: 'Winner tax id unusable' },
    rule: {
      th: 'ผู้ชนะมีเลขประจำตัวผู้เสียภาษีที่เสียจากโปรแกรมตารางคำนวณ (E+) ถูกปิดบัง (xxxx) หรือเลขตรวจสอบไม่ถูกต้อง',
      en: 'A winner’s tax id was destroyed by spreadsheet software (E+), is masked (xxxx) or fails its check digit',
    },
    coverage: { th: 'โครงการที่มีผู้ชนะ', en: 'projects with a winner' },
    thresholds: [],
    refs: [],
  },
  Q2: {
    id: 'Q2',
    kind: 'quality',
    name: {
      th: 'ผลรวมสัญญาไม่เท่าราคาตกลง',
      en: 'Contract sum differs from the agreed total',
    },
    rule: {
      th: 'ผลรวมงบสัญญาของโครงการต่างจากราคาตกลงซื้อ/จ้างของโครงการเกิน 1 บาท',
      en: 'The project’s contract values add up to more than 1 THB away from its agreed total',
    },
    coverage: {
      th: 'โครงการที่ทราบราคาตกลงและมูลค่าทุกสัญญา',
      en: 'projects with an agreed total and a value on every contract',
    },
    thresholds: [],
    refs: [],
  },
  Q3: {
    id: 'Q3',
    kind: 'quality',
    name: { th: 'สัญญาสิ้นสุดก่อนลงนาม', en: 'Contract ends before it is signed' },
    rule: {
      th: 'วันสิ้นสุดสัญญาอยู่ก่อนวันลงนามสัญญา',
      en: 'A contract’s finish date is before its signing date',
    },
    coverage: {
      th: 'โครงการที่มีสัญญาซึ่งทราบวันลงนามและวันสิ้นสุด',
      en: 'projects with a contract that has both dates',
    },
    thresholds: [],
    refs: [],
  },
};

export const THRESHOLDS: readonly Threshold[] = FLAG_IDS.flatMap((id) => FLAGS[id].thresholds);
/** Threshold values by URL key; a missing key takes its default. */
export type Thresholds = Readonly<Record<string, number>>;

export function thresholdValue(t: Thresholds, key: string): number {
  const def = THRESHOLDS.find((x) => x.key === key);
  if (!def) throw new Error(`unknown threshold ${key}`);
  return t[key] ?? def.default;
}

/** Parse one threshold from its URL text: null (with a reason) when out of range or not a number. */
export function parseThreshold(def: Threshold, raw: string): number | null {
  const v = raw.trim().replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(v)) return null;
  const n = Number(v);
  if (def.integer && !Number.isInteger(n)) return null;
  return n >= def.min && n <= def.max ? n : null;
}

/** The rule's words with its thresholds filled in (`format` writes each number). */
export function ruleText(
  def: FlagDef,
  t: Thresholds,
  lang: 'th' | 'en',
  format: (n: number) => string,
): string {
  return def.rule[lang].replace(/\{(\w+)\}/g, (_, key: string) => format(thresholdValue(t, key)));
}
