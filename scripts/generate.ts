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
import { Random } from './lib/random.ts';
import {
  CENTRAL_AGENCIES,
  LOCAL_KINDS,
  PLACE_NAMES,
  PROJECT_TEMPLATES,
  PROVINCES,
  VENDOR_WORDS,
} from './lib/thai-places.ts';

export const FISCAL_YEARS = [2558, 2559, 2560, 2561, 2562, 2563, 2564, 2565, 2566, 2567, 2568];
const GROUP_LABEL = 'วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง';
const MONTHS = [
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
];
// Fiscal months Oct..Sep; September (year-end rush) weighs three times an ordinary month.
const MONTH_WEIGHTS = [1, 1, 0.8, 1, 1, 1, 1, 1, 1, 1.2, 1.5, 3];

interface Agency {
  dept: string;
  sub: string;
  province: [string, string];
}
interface Vendor {
  tin: string;
  name: string;
}

export interface Truth {
  seed: number;
  rows: number;
  by_year: Record<
    string,
    { projects: number; contracts: number; budget_satang: number; agreed_satang: number }
  >;
}

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
  const m = MONTHS[d.getUTCMonth()]!;
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

export async function generate(opts: {
  rows: number;
  seed: number;
  out: string;
  /** Fiscal years to spread the rows over (default 2558–2568). */
  years?: readonly number[];
}): Promise<Truth> {
  const fiscalYears = opts.years ?? FISCAL_YEARS;
  const rnd = new Random(opts.seed);
  await mkdir(opts.out, { recursive: true });
  const agencies: Agency[] = [];
  for (const province of PROVINCES) {
    for (const [dept, sub] of CENTRAL_AGENCIES)
      agencies.push({ dept, sub: `${sub} ${province[0]}`, province });
    for (let i = 0; i < 6; i++) {
      const name = `${rnd.pick(LOCAL_KINDS)}${rnd.pick(PLACE_NAMES)}`;
      agencies.push({ dept: name, sub: name, province });
    }
  }
  const vendors: Vendor[] = [];
  const nVendors = Math.max(50, Math.min(50_000, Math.floor(opts.rows / 5)));
  for (let i = 0; i < nVendors; i++) {
    const words = `${rnd.pick(VENDOR_WORDS)}${rnd.pick(VENDOR_WORDS)} ${i + 1}`;
    const company = rnd.next() < 0.6;
    vendors.push({
      tin: tinWithCheck(
        (company ? '0105' : '0103') + String(rnd.int(0, 99_999_999)).padStart(8, '0'),
      ),
      name: company ? `บริษัท ${words} จำกัด` : `ห้างหุ้นส่วนจำกัด ${words}`,
    });
  }

  const truth: Truth = { seed: opts.seed, rows: opts.rows, by_year: {} };
  const perYear = Math.ceil(opts.rows / fiscalYears.length);
  let written = 0;
  let seq = 0;
  for (const fy of fiscalYears) {
    const raw28 = fy >= 2568;
    const layout: readonly CanonicalField[] = raw28 ? LAYOUT_28 : LAYOUT_31;
    const file = path.join(opts.out, `egp-demo-${fy}.csv`);
    const ws = createWriteStream(file);
    // Raw FY2568 parts carry the 31-name header over 28-field rows (egp-data.md, layout 1).
    ws.write(
      '\uFEFF' + stringify([LAYOUT_31.map((f) => THAI_HEADERS[f])], { record_delimiter: '\r\n' }),
    );
    const t = (truth.by_year[fy] = {
      projects: 0,
      contracts: 0,
      budget_satang: 0,
      agreed_satang: 0,
    });
    const target = Math.min(perYear, opts.rows - written);
    let yearRows = 0;
    while (yearRows < target) {
      const agency = agencies[rnd.zipf(agencies.length, 0.7)]!;
      const [type, template] = rnd.pick(PROJECT_TEMPLATES);
      const name = template
        .replace('{n}', String(rnd.int(1, 20)))
        .replace('{place}', rnd.pick(PLACE_NAMES));
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
      let month = 0;
      for (let r = rnd.next() * 14.5; month < 11 && r > MONTH_WEIGHTS[month]!; month++)
        r -= MONTH_WEIGHTS[month]!;
      const calYear = fy - 543 - (month < 3 ? 1 : 0);
      const calMonth = (month + 9) % 12;
      const txDate = new Date(Date.UTC(calYear, calMonth, rnd.int(1, 28)));
      const be = calYear + 543;
      const projectId = `${be % 100}${String(calMonth + 1).padStart(2, '0')}${String(++seq % 10_000_000).padStart(7, '0')}`;
      const fullName = `${name} โดยวิธี${method}`;
      t.projects++;
      t.budget_satang += budget;
      for (let c = 0; c < nContracts; c++) {
        const vendor = vendors[rnd.zipf(vendors.length)]!;
        const signed = new Date(txDate.getTime() + rnd.int(0, 30) * 86_400_000);
        const finish = new Date(signed.getTime() + rnd.int(15, 365) * 86_400_000);
        const values: Record<CanonicalField, string> = {
          seq: String(seq),
          project_id: projectId,
          project_name: fullName,
          project_type_name: type,
          dept_name: agency.dept,
          dept_sub_name: agency.sub,
          purchase_method_name: raw28 ? GROUP_LABEL : method,
          purchase_method_group_name: raw28 ? method : GROUP_LABEL,
          announce_date: rnd.next() < 0.95 ? '-' : thaiDate(txDate, fy),
          project_money: money(budget),
          price_build: money(reference),
          sum_price_agree: money(agreed),
          budget_year: String(fy),
          transaction_date: thaiDate(txDate, fy),
          province: agency.province[0],
          province_en: agency.province[1],
          district: `เมือง${agency.province[0]}`,
          district_en: `Mueang ${agency.province[1]}`,
          subdistrict: rnd.pick(PLACE_NAMES),
          subdistrict_en: '',
          project_status: finish.getTime() < Date.UTC(2025, 8, 30) ? 'สิ้นสุดสัญญา' : 'ระหว่างดำเนินการ',
          location: '',
          latitude: '',
          longitude: '',
          winner_tin: vendor.tin,
          winner: vendor.name,
          contract_no: `${rnd.int(1, 999)}/${be}`,
          contract_date: thaiDate(signed, fy),
          contract_finish_date: thaiDate(finish, fy),
          price_agree: money(parts[c]!),
          status: 'สิ้นสุดสัญญา',
        };
        const line = stringify([layout.map((f) => values[f])], { record_delimiter: '\r\n' });
        if (!ws.write(line)) await once(ws, 'drain');
        t.contracts++;
        t.agreed_satang += parts[c]!;
        yearRows++;
      }
    }
    written += yearRows;
    ws.end();
    await once(ws, 'finish');
  }
  await writeFile(path.join(opts.out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
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
      'Usage: npm run generate -- [--rows N (20000)] [--seed S (1)] [--out DIR (data/demo)]',
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
