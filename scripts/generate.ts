/**
 * npm run generate -- [--rows N] [--seed S] [--out DIR]
 * Writes deterministic, plausible e-GP contract CSVs in the official raw layouts, one file per
 * fiscal year 2558–2568, plus truth.json (what the ingest must find). Streams in constant memory.
 */
import { stringify } from 'csv-stringify/sync';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  LAYOUT_28,
  LAYOUT_31,
  THAI_HEADERS,
  type CanonicalField,
} from '../src/lib/schema/fields.ts';
import { THAI_MONTHS } from '../src/lib/format/thai.ts';
import { Random } from './lib/random.ts';
import { FlagTally, type FirstPass } from './lib/flag-truth.ts';
import { KNOWN_METHODS } from '../src/lib/schema/methods.ts';
import { TIN } from '../src/lib/query/filters/index.ts';
import {
  CENTRAL_AGENCIES,
  LOCAL_KINDS,
  PERSON_NAMES,
  PLACE_NAMES,
  PLACE_PREFIXES,
  PLACE_SUFFIXES,
  PROJECT_TEMPLATES,
  PROVINCES,
  VENDOR_WORDS,
} from './lib/thai-places.ts';

export const FISCAL_YEARS = [2558, 2559, 2560, 2561, 2562, 2563, 2564, 2565, 2566, 2567, 2568];
const GROUP_LABEL = 'วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง';
// Fiscal months Oct..Sep; September (year-end rush) weighs three times an ordinary month.
const MONTH_WEIGHTS = [1, 1, 0.8, 1, 1, 1, 1, 1, 1, 1.2, 1.5, 3];

interface Agency {
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

interface Vendor {
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

const LIMIT_SATANG = 500_000_00;
const bucketOf = (method: string) => KNOWN_METHODS.find((m) => m.label === method)?.bucket;

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

function money(satang: number): string {
  return (satang / 100).toFixed(2);
}

/** `15-ก.ย.-64` in FY2558–2567 files, `29 พ.ย. 67` in FY2568 files. */
function thaiDate(d: Date, fy: number): string {
  const yy = String((d.getUTCFullYear() + 543) % 100).padStart(2, '0');
  const m = THAI_MONTHS[d.getUTCMonth()]!;
  return fy >= 2568 ? `${d.getUTCDate()} ${m} ${yy}` : `${d.getUTCDate()}-${m}-${yy}`;
}

function methodFor(rnd: Random, fy: number, budget: number): string {
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

interface Options {
  rows: number;
  seed: number;
  out: string;
  /** Fiscal years to spread the rows over (default 2558–2568). */
  years?: readonly number[];
}

export async function generate(opts: Options): Promise<Truth> {
  // Pass 0 writes nothing: it finds the vendors with rows carrying their intact tax id (their
  // broken-id rows join them by name). Pass 1 writes nothing either: it finds what F3 and F7
  // must flag, which depends on rows to come (lib/flag-truth.ts). Pass 2 draws the same rows
  // again and writes them.
  const { intactVendors } = await pass(opts, null, null);
  return (await pass(opts, (await pass(opts, null, intactVendors)).first, intactVendors)).truth;
}

async function pass(
  opts: Options,
  found: FirstPass | null,
  linkable: ReadonlySet<number> | null,
): Promise<{ truth: Truth; first: FirstPass; intactVendors: Set<number> }> {
  const write = found !== null;
  const fiscalYears = opts.years ?? FISCAL_YEARS;
  const rnd = new Random(opts.seed);
  if (write) await mkdir(opts.out, { recursive: true });
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
  const vendors: Vendor[] = [];
  const nVendors = Math.max(50, Math.min(50_000, Math.floor(opts.rows / 5)));
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

  const truth: Truth = {
    seed: opts.seed,
    rows: opts.rows,
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
  const plant = new Random(opts.seed ^ 0x9e3779b9);
  // Agencies and winners numbered as the ingest tells them apart (lib/flag-truth.ts).
  const agencyKeys = new Map<string, number>();
  const agencyIdent = agencies.map((a, i) => {
    const key = `${a.dept}|${a.sub}|${a.province[0]}`;
    if (!agencyKeys.has(key)) agencyKeys.set(key, i);
    return agencyKeys.get(key)!;
  });
  const intact = (tin: string) => TIN.test(tin);
  const tinOwner = new Map<string, number>();
  vendors.forEach((v, i) => {
    if (intact(v.tin) && !tinOwner.has(v.tin)) tinOwner.set(v.tin, i);
  });
  // The identity a row is counted under: its intact tax id, or (broken) its vendor's by name.
  const linked = (vi: number, tin: string) => !intact(tin) && linkable?.has(vi) === true;
  const winnerOf = (vi: number, tin: string) =>
    intact(tin)
      ? tinOwner.get(tin)!
      : linked(vi, tin)
        ? tinOwner.get(vendors[vi]!.tin)!
        : vendors.length + vi;
  const intactVendors = new Set<number>();
  const linkedKeys = new Set<number>();
  const tally = new FlagTally(agencies.length, 2 * vendors.length, found);
  // Captured agencies (planted): one winner signs every one of their contracts.
  const captor = agencies.map(() =>
    plant.next() < PLANT_RATES.captured_agency ? plant.int(0, vendors.length - 1) : -1,
  );
  truth.flags.F7_captured = captor.filter((v) => v >= 0).length;
  const vendorKeys = new Set<string>();
  for (const fy of fiscalYears)
    truth.by_year[fy] = { projects: 0, contracts: 0, budget_satang: 0, agreed_satang: 0 };
  /** Rows to list again in the next year's file: [values, budget, contract value][] per project. */
  let carry: { values: Record<CanonicalField, string>; budget: number; agreed: number }[][] = [];
  const perYear = Math.ceil(opts.rows / fiscalYears.length);
  let written = 0;
  let seq = 0;
  for (const fy of fiscalYears) {
    const raw28 = fy >= 2568;
    const layout: readonly CanonicalField[] = raw28 ? LAYOUT_28 : LAYOUT_31;
    const file = path.join(opts.out, `egp-demo-${fy}.csv`);
    const ws = write ? createWriteStream(file) : null;
    // Raw FY2568 parts carry the 31-name header over 28-field rows (egp-data.md, layout 1).
    ws?.write(
      '\uFEFF' + stringify([LAYOUT_31.map((f) => THAI_HEADERS[f])], { record_delimiter: '\r\n' }),
    );
    const t = truth.by_year[fy]!;
    const emit = async (values: Record<CanonicalField, string>) => {
      if (!ws) return;
      const line = stringify([layout.map((f) => values[f])], { record_delimiter: '\r\n' });
      if (!ws.write(line)) await once(ws, 'drain');
    };
    // Projects carried from last year's file are listed again here, now with this fiscal year;
    // the ingest keeps their contracts once and counts the project in this, the latest, year.
    for (const project of carry) {
      for (const r of project)
        await emit({ ...r.values, budget_year: String(fy), seq: String(++seq) });
      truth.repeated_contracts += project.length;
    }
    carry = [];
    const nextYear = fiscalYears[fiscalYears.indexOf(fy) + 1];
    const target = Math.min(perYear, opts.rows - written);
    let yearRows = 0;
    while (yearRows < target) {
      const ai = rnd.zipf(agencies.length, 0.7);
      const agency = agencies[ai]!;
      const [type, template] = rnd.pick(PROJECT_TEMPLATES);
      let name = template
        .replace('{n}', String(rnd.int(1, 20)))
        .replace('{place}', rnd.pick(PLACE_NAMES));
      if (rnd.next() < TRAP_RATES.thai_digits)
        name = name.replace(/\d/g, (d) => String.fromCharCode(0x0e50 + Number(d)));
      // Log-normal budgets, bunched below the 100k and 500k thresholds as in the real data.
      let budget = Math.round(Math.exp(11 + 1.7 * rnd.normal())) * 100;
      if (rnd.next() < 0.05) budget = rnd.int(450_000, 499_999) * 100;
      budget = Math.max(150_000, Math.min(budget, 5_000_000_000_00));
      const method = methodFor(rnd, fy, budget / 100);
      const reference = Math.round(budget * (0.9 + 0.1 * rnd.next()));
      const nContracts = Math.min(target - yearRows, rnd.next() < 0.07 ? rnd.int(2, 4) : 1);
      const parts: number[] = [];
      let agreed = 0;
      for (let c = 0; c < nContracts; c++) {
        const v = Math.round((reference * (0.85 + 0.15 * rnd.next())) / nContracts);
        parts.push(v);
        agreed += v;
      }
      // Planted anomalies (PLANT_RATES): they change this project's own values only.
      const bucket = bucketOf(method);
      const splittable =
        nContracts >= 2 && agreed > LIMIT_SATANG && parts.every((v) => v < LIMIT_SATANG);
      const split = splittable && plant.next() < PLANT_RATES.split_purchase;
      // (Not on a planted split, whose contracts must stay under the limit.)
      if (!split && plant.next() < PLANT_RATES.no_discount) parts[0]! += reference - agreed;
      else if (!split && plant.next() < PLANT_RATES.above_budget)
        parts[0]! += Math.round(budget * 1.05) - agreed;
      agreed = parts.reduce((a, b) => a + b, 0);
      const statedAgreed =
        plant.next() < PLANT_RATES.sum_mismatch ? agreed + plant.int(2, 1000) * 100 : agreed;
      const lateFinish =
        plant.next() < PLANT_RATES.finish_before_start ? plant.int(0, nContracts - 1) : -1;
      let month = 0;
      for (let r = rnd.next() * 14.5; month < 11 && r > MONTH_WEIGHTS[month]!; month++)
        r -= MONTH_WEIGHTS[month]!;
      const calYear = fy - 543 - (month < 3 ? 1 : 0);
      const calMonth = (month + 9) % 12;
      const txDate = new Date(Date.UTC(calYear, calMonth, rnd.int(1, 28)));
      const be = calYear + 543;
      const projectId = `${be % 100}${String(calMonth + 1).padStart(2, '0')}${String(++seq % 10_000_000).padStart(7, '0')}`;
      const fullName = `${name} โดยวิธี${method}`;
      const spaced = (x: string) =>
        rnd.next() < TRAP_RATES.double_space ? x.replace(' ', '  ') : x;
      const repeat = nextYear !== undefined && rnd.next() < TRAP_RATES.repeated_project;
      // Counted in the latest year that lists it (the ingest's rule).
      const home = repeat ? truth.by_year[nextYear!]! : t;
      home.projects++;
      home.budget_satang += budget;
      const carried: (typeof carry)[number] = [];
      tally.startProject(agencyIdent[ai]!, projectId, budget);
      let first: { vi: number; signed: Date; tin?: string } | null = null;
      let unusableTin = false;
      let firstSigned = Infinity;
      for (let c = 0; c < nContracts; c++) {
        let vi = rnd.zipf(vendors.length);
        if (captor[ai]! >= 0) vi = captor[ai]!;
        let signed = new Date(txDate.getTime() + rnd.int(0, 30) * 86_400_000);
        // A split purchase: every contract with the first one's winner, on the same day.
        if (split && first) ({ vi, signed } = first);
        first ??= { vi, signed };
        const vendor = vendors[vi]!;
        firstSigned = Math.min(firstSigned, signed.getTime());
        let finish = new Date(signed.getTime() + rnd.int(15, 365) * 86_400_000);
        if (c === lateFinish) finish = new Date(signed.getTime() - plant.int(1, 60) * 86_400_000);
        // FY2558–2567 files passed through spreadsheets: many ids are now 1.0556E+11.
        const brokenDraw = rnd.next();
        let tin =
          fy <= 2567 && intact(vendor.tin) && brokenDraw < TRAP_RATES.broken_tin
            ? Number(vendor.tin).toExponential(4).toUpperCase()
            : vendor.tin;
        // (A split's rows share their id's state too: a broken id is another vendor identity.)
        if (split) tin = first!.tin ??= tin;
        tally.contract(winnerOf(vi, tin), signed, parts[c]!);
        unusableTin ||= !intact(tin);
        const values: Record<CanonicalField, string> = {
          seq: String(seq),
          project_id: projectId,
          project_name: fullName,
          project_type_name: type,
          dept_name: spaced(agency.dept),
          dept_sub_name: agency.sub,
          purchase_method_name: raw28 ? GROUP_LABEL : method,
          purchase_method_group_name: raw28 ? method : GROUP_LABEL,
          announce_date: rnd.next() < 0.95 ? '-' : thaiDate(txDate, fy),
          project_money: money(budget),
          price_build: money(reference),
          sum_price_agree: money(statedAgreed),
          budget_year: String(fy),
          transaction_date: thaiDate(txDate, fy),
          province: agency.province[0],
          province_en: agency.province[1],
          district: agency.district[0],
          district_en: agency.district[1],
          subdistrict: rnd.pick(PLACE_NAMES),
          subdistrict_en: '',
          project_status: finish.getTime() < Date.UTC(2025, 8, 30) ? 'สิ้นสุดสัญญา' : 'ระหว่างดำเนินการ',
          location: '',
          latitude: '',
          longitude: '',
          tenderers: '', // not in the e-GP layouts written here
          winner_tin: tin,
          winner: spaced(vendor.name),
          contract_no: `${rnd.int(1, 999)}/${be}`,
          contract_date: thaiDate(signed, fy),
          contract_finish_date: thaiDate(finish, fy),
          price_agree: money(parts[c]!),
          status: 'สิ้นสุดสัญญา',
        };
        await emit(values);
        home.contracts++;
        if (intact(tin)) intactVendors.add(vi);
        const idTin = intact(tin) ? tin : linked(vi, tin) ? vendor.tin : null;
        vendorKeys.add(idTin ? `tin:${idTin}` : `name:${vi}`);
        if (idTin)
          truth.vendors.contracts_by_tin[idTin] = (truth.vendors.contracts_by_tin[idTin] ?? 0) + 1;
        if (linked(vi, tin)) {
          truth.vendors.linked_by_name++;
          linkedKeys.add(vi);
        }
        home.agreed_satang += parts[c]!;
        yearRows++;
        if (repeat) carried.push({ values, budget, agreed: parts[c]! });
        if (rnd.next() < TRAP_RATES.duplicate_row) {
          // The same row again (another ลำดับ): a duplicate, dropped and counted.
          await emit({ ...values, seq: String(seq + 1_000_000_000) });
          truth.duplicate_rows++;
        }
        if (rnd.next() < TRAP_RATES.bad_date) {
          // An extra row with an impossible date: rejected with its reason, never in the totals.
          await emit({
            ...values,
            project_id: `9${projectId.slice(1)}`,
            contract_date: fy >= 2568 ? '31 ก.พ. 68' : '31-ก.พ.-64',
          });
          truth.rejected++;
        }
      }
      if (repeat) carry.push(carried);
      tally.endProject();
      // The flags this project must raise (counted once, like the project).
      const competitive = bucket === 'open' || bucket === 'selective';
      if (bucket === 'specific' && budget > LIMIT_SATANG) truth.flags.F1++;
      const lastMonths = [7, 8].includes(new Date(firstSigned).getUTCMonth()); // Aug, Sep
      if (bucket === 'specific' && lastMonths) truth.flags.F6++;
      if (split) truth.flags.F3_planted.push(projectId);
      // F4 and F5 read the project's agreed total as published (sum_price_agree).
      if (competitive && statedAgreed >= reference) truth.flags.F4.push(projectId);
      if (statedAgreed > reference || statedAgreed > budget) truth.flags.F5.push(projectId);
      if (Math.abs(statedAgreed - agreed) > 100) truth.flags.Q2.push(projectId);
      if (lateFinish >= 0) truth.flags.Q3.push(projectId);
      if (unusableTin) truth.flags.Q1++;
    }
    written += yearRows;
    ws?.end();
    if (ws) await once(ws, 'finish');
    // No later year signs a contract before this one's last October.
    tally.endYear(new Date(Date.UTC(fy - 543, 9, 1)));
  }
  truth.vendors.keys = vendorKeys.size;
  truth.vendors.linked_keys = linkedKeys.size;
  Object.assign(truth.flags, tally.counts());
  if (write)
    await writeFile(path.join(opts.out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return { truth, first: found ?? tally.firstPass(), intactVendors };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      rows: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'data/demo' },
      years: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run generate -- [--rows N (20000)] [--seed S (1)] [--out DIR (data/demo)] [--years 2566,2567]\n' +
        'Writes e-GP contract CSVs in the official raw layouts with the traps of egp-data.md planted at the rates in\n' +
        'TRAP_RATES, and truth.json: what the ingest must find.',
    );
    return;
  }
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(seed)) {
    console.error('--rows must be a positive whole number and --seed a whole number');
    process.exitCode = 2;
    return;
  }
  const years = values.years?.split(',').map(Number);
  if (years?.some((y) => !FISCAL_YEARS.includes(y))) {
    console.error(`--years must be fiscal years from ${FISCAL_YEARS[0]} to ${FISCAL_YEARS.at(-1)}`);
    process.exitCode = 2;
    return;
  }
  const truth = await generate({ rows, seed, out: values.out, years });
  const projects = Object.values(truth.by_year).reduce((n, y) => n + y.projects, 0);
  console.log(
    `wrote ${rows} contract rows (${projects} projects), FY ${(years ?? FISCAL_YEARS).join(', ')}, to ${values.out}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
