/**
 * The generator's world (scripts/generate.ts): the agencies and vendors rows are drawn from, the
 * rates at which traps and anomalies are planted, and the ground truth it writes (truth.json).
 */
import { THAI_MONTHS } from '../../src/lib/format/thai.ts';
import type { FirstPass } from './flag-truth.ts';
import { Random } from './random.ts';
import {
  CENTRAL_AGENCIES,
  LOCAL_KINDS,
  PERSON_NAMES,
  PLACE_NAMES,
  PLACE_PREFIXES,
  PLACE_SUFFIXES,
  PROVINCES,
  VENDOR_WORDS,
} from './thai-places.ts';

export const FISCAL_YEARS = [2558, 2559, 2560, 2561, 2562, 2563, 2564, 2565, 2566, 2567, 2568];

export interface Agency {
  dept: string;
  sub: string;
  province: [string, string];
  /** Where the agency is: the province's seat or one of a few district names (they repeat across provinces, as real ones do). */
  district: [string, string];
}
/** A province's seat district (อำเภอเมือง). */
function seat([th, en]: [string, string]): [string, string] {
  return [`เมือง${th}`, `Mueang ${en}`];
}

export interface Vendor {
  tin: string;
  name: string;
}

/**
 * What the ingest must find. `by_year` counts each project once, in the latest year's file that
 * lists it (the ingest's rule), after duplicates and rejected rows are set aside.
 */
export interface Truth {
  seed: number;
  rows: number;
  by_year: Record<
    string,
    { projects: number; contracts: number; budget_satang: number; agreed_satang: number }
  >;
  /** Rows written on top of `rows`: rejects (impossible dates), verbatim duplicates, repeats. */
  rejected: number;
  duplicate_rows: number;
  repeated_contracts: number;
  /**
   * Vendor identities the ingest must find: one key per vendor for its rows with an intact,
   * valid tax id (`tin:…`); its rows with a broken id join it by name (names are unique per
   * vendor) when it has rows with the intact id anywhere in the files, else they are a vendor of
   * their own (`name:…`), as are natural persons' masked ids. `contracts_by_tin`: contracts per
   * intact tax id, linked ones included; `linked_by_name`: contracts linked.
   */
  vendors: {
    keys: number;
    contracts_by_tin: Record<string, number>;
    linked_by_name: number;
    /** Name keys whose every row was linked: `vendor_keys` still finds them. */
    linked_keys: number;
  };
  /** Trap rates, for the record. */
  traps: Record<string, number>;
  /**
   * Integrity flags (docs/flags.md) at their default thresholds over all years: the projects
   * F3, F4, F5, Q2 and Q3 flag (F4, F5, Q2 and Q3 only where planted; F3 where planted and where
   * a busy winner signed small contracts with one agency on one day), and how many projects F1,
   * F2, F6 and F7 flag (the distributions produce them; F7 also in the captured agencies).
   * F2, F3 and F7 compare an agency with itself: see lib/flag-truth.ts.
   */
  flags: {
    F1: number;
    /** Specific-method projects whose first contract was signed in August or September. */
    F6: number;
    /** Budgets bunched under 500,000 in agencies that bunch (chance: 5% of budgets are drawn there). */
    F2: number;
    /** The planted splits and those chance made (a busy winner, one agency, one day). */
    F3: string[];
    F3_planted: string[];
    F4: string[];
    F5: string[];
    Q2: string[];
    Q3: string[];
    /** Projects with a winner whose tax id is broken or masked. */
    Q1: number;
    /** The projects of captured agencies (planted) and of agencies whose value one winner dominates by chance. */
    F7: number;
    /** Agencies planted as captured: one winner signs every contract. */
    F7_captured: number;
  };
  plant_rates: Record<string, number>;
}

/**
 * How often an anomaly is planted (per project), drawn from a second random stream so the rest
 * of the data is the same as without them.
 */
export const PLANT_RATES = {
  split_purchase: 0.3, // of the projects whose 2–4 contracts could be a split (each < 500k, sum > 500k)
  no_discount: 0.003, // agreed total = reference price exactly
  above_budget: 0.002, // agreed total 5% above the budget
  sum_mismatch: 0.002, // the project's agreed total differs from its contracts' sum
  finish_before_start: 0.002, // one contract ends before it is signed
  captured_agency: 0.01, // of agencies: one winner signs every one of its contracts
} as const;

/** How often each trap of egp-data.md is planted (per row unless said). */
export const TRAP_RATES = {
  broken_tin: 0.4, // FY2558–2567 rows whose tax id a spreadsheet turned into 1.0556E+11
  person_vendor: 0.08, // vendors that are natural persons, with masked ids (130990115xxxx)
  duplicate_row: 0.004, // a row repeated verbatim in the same part (another ลำดับ)
  repeated_project: 0.01, // a project listed again in the next year's file
  bad_date: 0.0005, // an extra row with an impossible date, to be rejected
  thai_digits: 0.1, // project names written with Thai digits
  double_space: 0.05, // agency and vendor names with doubled spaces
} as const;

function tinWithCheck(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return first12 + String((11 - (sum % 11)) % 10);
}

export interface GenerateOptions {
  rows: number;
  seed: number;
  out: string;
  /** Fiscal years to spread the rows over (default 2558–2568). */
  years?: readonly number[];
}

export interface PassResult {
  truth: Truth;
  first: FirstPass;
  intactVendors: Set<number>;
}

/** Central agencies' provincial units and 260 local administrations in each province. */
export function makeAgencies(): Agency[] {
  const agencies: Agency[] = [];
  for (const province of PROVINCES) {
    for (const [dept, sub] of CENTRAL_AGENCIES)
      agencies.push({ dept, sub: `${sub} ${province[0]}`, province, district: seat(province) });
    // 260 local administrations a province (~7,800 over 30 provinces); names repeat across
    // provinces, as real ones do.
    for (let i = 0; i < 260; i++) {
      const place =
        PLACE_PREFIXES[i % PLACE_PREFIXES.length]! +
        PLACE_SUFFIXES[Math.floor(i / PLACE_PREFIXES.length) % PLACE_SUFFIXES.length]!;
      const name = `${LOCAL_KINDS[i % LOCAL_KINDS.length]}${place}`;
      const district: [string, string] = i % 3 ? [PLACE_NAMES[i % 4]!, ''] : seat(province);
      agencies.push({ dept: name, sub: name, province, district });
    }
  }
  return agencies;
}

/** One vendor per five rows (50 to 50,000): companies, partnerships and natural persons. */
export function makeVendors(rnd: Random, rows: number): Vendor[] {
  const vendors: Vendor[] = [];
  const nVendors = Math.max(50, Math.min(50_000, Math.floor(rows / 5)));
  for (let i = 0; i < nVendors; i++) {
    const words = `${rnd.pick(VENDOR_WORDS)}${rnd.pick(VENDOR_WORDS)} ${i + 1}`;
    if (rnd.next() < TRAP_RATES.person_vendor) {
      // Natural persons: the files mask the last four digits of their id.
      vendors.push({
        tin: `${String(rnd.int(1_000_000_00, 3_999_999_99))}xxxx`,
        name: `${rnd.pick(PERSON_NAMES)} ${i + 1}`,
      });
      continue;
    }
    const company = rnd.next() < 0.6;
    vendors.push({
      tin: tinWithCheck(
        (company ? '0105' : '0103') + String(rnd.int(0, 99_999_999)).padStart(8, '0'),
      ),
      name: company ? `บริษัท ${words} จำกัด` : `ห้างหุ้นส่วนจำกัด ${words}`,
    });
  }
  return vendors;
}

/** The truth before any row: zero counts for each of `years`. */
export function emptyTruth(seed: number, rows: number, years: readonly number[]): Truth {
  const truth: Truth = {
    seed,
    rows,
    by_year: {},
    rejected: 0,
    duplicate_rows: 0,
    repeated_contracts: 0,
    vendors: { keys: 0, contracts_by_tin: {}, linked_by_name: 0, linked_keys: 0 },
    traps: { ...TRAP_RATES },
    flags: {
      F1: 0,
      F2: 0,
      F3: [],
      F3_planted: [],
      F4: [],
      F5: [],
      F6: 0,
      F7: 0,
      F7_captured: 0,
      Q2: [],
      Q3: [],
      Q1: 0,
    },
    plant_rates: { ...PLANT_RATES },
  };
  for (const fy of years)
    truth.by_year[fy] = { projects: 0, contracts: 0, budget_satang: 0, agreed_satang: 0 };
  return truth;
}

export function money(satang: number): string {
  return (satang / 100).toFixed(2);
}

/** `15-ก.ย.-64` in FY2558–2567 files, `29 พ.ย. 67` in FY2568 files. */
export function thaiDate(d: Date, fy: number): string {
  const yy = String((d.getUTCFullYear() + 543) % 100).padStart(2, '0');
  const m = THAI_MONTHS[d.getUTCMonth()]!;
  return fy >= 2568 ? `${d.getUTCDate()} ${m} ${yy}` : `${d.getUTCDate()}-${m}-${yy}`;
}

export function methodFor(rnd: Random, fy: number, budget: number): string {
  if (fy <= 2560) {
    if (budget <= 100_000) return 'ตกลงราคา';
    if (budget <= 2_000_000) return rnd.next() < 0.8 ? 'สอบราคา' : 'กรณีพิเศษ';
    return 'ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์';
  }
  if (budget <= 500_000) return rnd.next() < 0.96 ? 'เฉพาะเจาะจง' : 'ตลาดอิเล็กทรอนิกส์ (e-market)';
  const r = rnd.next();
  if (r < 0.12) return 'เฉพาะเจาะจง';
  if (r < 0.25) return 'คัดเลือก';
  return 'ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)';
}
