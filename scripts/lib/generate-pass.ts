/**
 * One pass of the generator (scripts/generate.ts) over its seeded random streams, the last one
 * writing the files. The order of the draws is the data: moving one changes every row after it.
 */
import { stringify } from 'csv-stringify/sync';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  LAYOUT_28,
  LAYOUT_31,
  THAI_HEADERS,
  type CanonicalField,
} from '../../src/lib/schema/fields.ts';
import { KNOWN_METHODS } from '../../src/lib/schema/methods.ts';
import { TIN } from '../../src/lib/query/filters/index.ts';
import { FlagTally, type FirstPass } from './flag-truth.ts';
import {
  FISCAL_YEARS,
  PLANT_RATES,
  TRAP_RATES,
  emptyTruth,
  makeAgencies,
  makeVendors,
  methodFor,
  money,
  thaiDate,
  type Agency,
  type GenerateOptions,
  type PassResult,
  type Truth,
  type Vendor,
} from './generate-world.ts';
import { Random } from './random.ts';
import { PLACE_NAMES, PROJECT_TEMPLATES } from './thai-places.ts';

const GROUP_LABEL = 'วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง';
// Fiscal months Oct..Sep; September (year-end rush) weighs three times an ordinary month.
const MONTH_WEIGHTS = [1, 1, 0.8, 1, 1, 1, 1, 1, 1, 1.2, 1.5, 3];
const LIMIT_SATANG = 500_000_00;
const DAY_MS = 86_400_000;
const bucketOf = (method: string) => KNOWN_METHODS.find((m) => m.label === method)?.bucket;
const intact = (tin: string) => TIN.test(tin);

type Row = Record<CanonicalField, string>;
type YearTruth = Truth['by_year'][string];

/** A project's values, drawn before its contracts. */
interface Project {
  ai: number;
  agency: Agency;
  type: string;
  method: string;
  budget: number;
  reference: number;
  parts: number[];
  split: boolean;
  statedAgreed: number;
  lateFinish: number;
  txDate: Date;
  be: number;
  projectId: string;
  fullName: string;
  repeat: boolean;
  /** The year that counts it: the latest whose file lists it (the ingest's rule). */
  home: YearTruth;
}

/** What a project's contracts share while they are drawn. */
interface Signing {
  first: { vi: number; signed: Date; tin?: string } | null;
  unusableTin: boolean;
  firstSigned: number;
  carried: { values: Row; budget: number; agreed: number }[];
}

export class Pass {
  private readonly rnd: Random;
  private readonly plant: Random;
  private readonly agencies = makeAgencies();
  private readonly vendors: Vendor[];
  private readonly years: readonly number[];
  private readonly truth: Truth;
  private readonly agencyIdent: number[];
  private readonly tinOwner = new Map<string, number>();
  private readonly intactVendors = new Set<number>();
  private readonly linkedKeys = new Set<number>();
  private readonly vendorKeys = new Set<string>();
  private readonly tally: FlagTally;
  private readonly captor: number[];
  /** Rows to list again in the next year's file, per project. */
  private carry: Signing['carried'][] = [];
  private seq = 0;
  private emit: (values: Row) => Promise<void> = async () => {};

  /**
   * Pass 0 (`found` and `linkable` null) and pass 1 (`found` null) write nothing; the pass with
   * `found` writes the files (scripts/generate.ts).
   */
  constructor(
    private readonly opts: GenerateOptions,
    private readonly found: FirstPass | null,
    private readonly linkable: ReadonlySet<number> | null,
  ) {
    this.years = opts.years ?? FISCAL_YEARS;
    this.rnd = new Random(opts.seed);
    this.vendors = makeVendors(this.rnd, opts.rows);
    this.truth = emptyTruth(opts.seed, opts.rows, this.years);
    this.plant = new Random(opts.seed ^ 0x9e3779b9);
    // Agencies and winners numbered as the ingest tells them apart (lib/flag-truth.ts).
    const agencyKeys = new Map<string, number>();
    this.agencyIdent = this.agencies.map((a, i) => {
      const key = `${a.dept}|${a.sub}|${a.province[0]}`;
      if (!agencyKeys.has(key)) agencyKeys.set(key, i);
      return agencyKeys.get(key)!;
    });
    this.vendors.forEach((v, i) => {
      if (intact(v.tin) && !this.tinOwner.has(v.tin)) this.tinOwner.set(v.tin, i);
    });
    this.tally = new FlagTally(this.agencies.length, 2 * this.vendors.length, found);
    // Captured agencies (planted): one winner signs every one of their contracts.
    this.captor = this.agencies.map(() =>
      this.plant.next() < PLANT_RATES.captured_agency
        ? this.plant.int(0, this.vendors.length - 1)
        : -1,
    );
    this.truth.flags.F7_captured = this.captor.filter((v) => v >= 0).length;
  }

  async run(): Promise<PassResult> {
    if (this.found) await mkdir(this.opts.out, { recursive: true });
    const perYear = Math.ceil(this.opts.rows / this.years.length);
    let written = 0;
    for (const fy of this.years) {
      written += await this.year(fy, Math.min(perYear, this.opts.rows - written));
      // No later year signs a contract before this one's last October.
      this.tally.endYear(new Date(Date.UTC(fy - 543, 9, 1)));
    }
    const truth = this.truth;
    truth.vendors.keys = this.vendorKeys.size;
    truth.vendors.linked_keys = this.linkedKeys.size;
    Object.assign(truth.flags, this.tally.counts());
    if (this.found)
      await writeFile(
        path.join(this.opts.out, 'truth.json'),
        JSON.stringify(truth, null, 2) + '\n',
      );
    const first = this.found ?? this.tally.firstPass();
    return { truth, first, intactVendors: this.intactVendors };
  }

  /** A fiscal year's file: last year's repeated projects, then `target` new contract rows. */
  private async year(fy: number, target: number): Promise<number> {
    const layout: readonly CanonicalField[] = fy >= 2568 ? LAYOUT_28 : LAYOUT_31;
    const ws = this.found
      ? createWriteStream(path.join(this.opts.out, `egp-demo-${fy}.csv`))
      : null;
    // Raw FY2568 parts carry the 31-name header over 28-field rows (egp-data.md, layout 1).
    ws?.write(
      '\uFEFF' + stringify([LAYOUT_31.map((f) => THAI_HEADERS[f])], { record_delimiter: '\r\n' }),
    );
    this.emit = (values) => writeRow(ws, layout, values);
    // Projects carried from last year's file are listed again here, now with this fiscal year;
    // the ingest keeps their contracts once and counts the project in this, the latest, year.
    for (const project of this.carry) {
      for (const r of project)
        await this.emit({ ...r.values, budget_year: String(fy), seq: String(++this.seq) });
      this.truth.repeated_contracts += project.length;
    }
    this.carry = [];
    let yearRows = 0;
    while (yearRows < target) yearRows += await this.project(fy, target - yearRows);
    ws?.end();
    if (ws) await once(ws, 'finish');
    return yearRows;
  }

  /** One project and its contracts (at most `room` of them); the rows it wrote. */
  private async project(fy: number, room: number): Promise<number> {
    const p = this.drawProject(fy, room);
    p.home.projects++;
    p.home.budget_satang += p.budget;
    this.tally.startProject(this.agencyIdent[p.ai]!, p.projectId, p.budget);
    const s: Signing = { first: null, unusableTin: false, firstSigned: Infinity, carried: [] };
    for (let c = 0; c < p.parts.length; c++) await this.contract(fy, p, c, s);
    if (p.repeat) this.carry.push(s.carried);
    this.tally.endProject();
    this.countFlags(p, s);
    return p.parts.length;
  }

  private drawProject(fy: number, room: number): Project {
    const { rnd, plant } = this;
    const ai = rnd.zipf(this.agencies.length, 0.7);
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
    const nContracts = Math.min(room, rnd.next() < 0.07 ? rnd.int(2, 4) : 1);
    const parts: number[] = [];
    for (let c = 0; c < nContracts; c++)
      parts.push(Math.round((reference * (0.85 + 0.15 * rnd.next())) / nContracts));
    const agreed = parts.reduce((a, b) => a + b, 0);
    // Planted anomalies (PLANT_RATES): they change this project's own values only.
    const splittable =
      nContracts >= 2 && agreed > LIMIT_SATANG && parts.every((v) => v < LIMIT_SATANG);
    const split = splittable && plant.next() < PLANT_RATES.split_purchase;
    // (Not on a planted split, whose contracts must stay under the limit.)
    if (!split && plant.next() < PLANT_RATES.no_discount) parts[0]! += reference - agreed;
    else if (!split && plant.next() < PLANT_RATES.above_budget)
      parts[0]! += Math.round(budget * 1.05) - agreed;
    const total = parts.reduce((a, b) => a + b, 0);
    const statedAgreed =
      plant.next() < PLANT_RATES.sum_mismatch ? total + plant.int(2, 1000) * 100 : total;
    const lateFinish =
      plant.next() < PLANT_RATES.finish_before_start ? plant.int(0, nContracts - 1) : -1;
    let month = 0;
    for (let r = rnd.next() * 14.5; month < 11 && r > MONTH_WEIGHTS[month]!; month++)
      r -= MONTH_WEIGHTS[month]!;
    const calYear = fy - 543 - (month < 3 ? 1 : 0);
    const calMonth = (month + 9) % 12;
    const txDate = new Date(Date.UTC(calYear, calMonth, rnd.int(1, 28)));
    const be = calYear + 543;
    const projectId = `${be % 100}${String(calMonth + 1).padStart(2, '0')}${String(++this.seq % 10_000_000).padStart(7, '0')}`;
    const nextYear = this.years[this.years.indexOf(fy) + 1];
    const repeat = nextYear !== undefined && rnd.next() < TRAP_RATES.repeated_project;
    const home = this.truth.by_year[repeat ? nextYear! : fy]!;
    const fullName = `${name} โดยวิธี${method}`;
    return {
      ai,
      agency: this.agencies[ai]!,
      type,
      method,
      budget,
      reference,
      parts,
      split,
      statedAgreed,
      lateFinish,
      txDate,
      be,
      projectId,
      fullName,
      repeat,
      home,
    };
  }

  /** Contract `c` of project `p`: its row, and the duplicate and rejected rows planted beside it. */
  private async contract(fy: number, p: Project, c: number, s: Signing): Promise<void> {
    const { rnd, plant } = this;
    let vi = rnd.zipf(this.vendors.length);
    if (this.captor[p.ai]! >= 0) vi = this.captor[p.ai]!;
    let signed = new Date(p.txDate.getTime() + rnd.int(0, 30) * DAY_MS);
    // A split purchase: every contract with the first one's winner, on the same day.
    if (p.split && s.first) ({ vi, signed } = s.first);
    s.first ??= { vi, signed };
    const vendor = this.vendors[vi]!;
    s.firstSigned = Math.min(s.firstSigned, signed.getTime());
    let finish = new Date(signed.getTime() + rnd.int(15, 365) * DAY_MS);
    if (c === p.lateFinish) finish = new Date(signed.getTime() - plant.int(1, 60) * DAY_MS);
    // FY2558–2567 files passed through spreadsheets: many ids are now 1.0556E+11.
    const brokenDraw = rnd.next();
    let tin =
      fy <= 2567 && intact(vendor.tin) && brokenDraw < TRAP_RATES.broken_tin
        ? Number(vendor.tin).toExponential(4).toUpperCase()
        : vendor.tin;
    // (A split's rows share their id's state too: a broken id is another vendor identity.)
    if (p.split) tin = s.first.tin ??= tin;
    this.tally.contract(this.winnerOf(vi, tin), signed, p.parts[c]!);
    s.unusableTin ||= !intact(tin);
    const values = this.rowValues(fy, p, c, { vendor, tin, signed, finish });
    await this.emit(values);
    this.countContract(p, vi, tin, p.parts[c]!);
    if (p.repeat) s.carried.push({ values, budget: p.budget, agreed: p.parts[c]! });
    if (rnd.next() < TRAP_RATES.duplicate_row) {
      // The same row again (another ลำดับ): a duplicate, dropped and counted.
      await this.emit({ ...values, seq: String(this.seq + 1_000_000_000) });
      this.truth.duplicate_rows++;
    }
    if (rnd.next() < TRAP_RATES.bad_date) {
      // An extra row with an impossible date: rejected with its reason, never in the totals.
      await this.emit({
        ...values,
        project_id: `9${p.projectId.slice(1)}`,
        contract_date: fy >= 2568 ? '31 ก.พ. 68' : '31-ก.พ.-64',
      });
      this.truth.rejected++;
    }
  }

  /** A contract row in the official fields (the draws in it come in this order). */
  private rowValues(
    fy: number,
    p: Project,
    c: number,
    k: { vendor: Vendor; tin: string; signed: Date; finish: Date },
  ): Row {
    const rnd = this.rnd;
    const raw28 = fy >= 2568;
    const spaced = (x: string) => (rnd.next() < TRAP_RATES.double_space ? x.replace(' ', '  ') : x);
    return {
      seq: String(this.seq),
      project_id: p.projectId,
      project_name: p.fullName,
      project_type_name: p.type,
      dept_name: spaced(p.agency.dept),
      dept_sub_name: p.agency.sub,
      purchase_method_name: raw28 ? GROUP_LABEL : p.method,
      purchase_method_group_name: raw28 ? p.method : GROUP_LABEL,
      announce_date: rnd.next() < 0.95 ? '-' : thaiDate(p.txDate, fy),
      project_money: money(p.budget),
      price_build: money(p.reference),
      sum_price_agree: money(p.statedAgreed),
      budget_year: String(fy),
      transaction_date: thaiDate(p.txDate, fy),
      province: p.agency.province[0],
      province_en: p.agency.province[1],
      district: p.agency.district[0],
      district_en: p.agency.district[1],
      subdistrict: rnd.pick(PLACE_NAMES),
      subdistrict_en: '',
      project_status: k.finish.getTime() < Date.UTC(2025, 8, 30) ? 'สิ้นสุดสัญญา' : 'ระหว่างดำเนินการ',
      location: '',
      latitude: '',
      longitude: '',
      tenderers: '', // not in the e-GP layouts written here
      winner_tin: k.tin,
      winner: spaced(k.vendor.name),
      contract_no: `${rnd.int(1, 999)}/${p.be}`,
      contract_date: thaiDate(k.signed, fy),
      contract_finish_date: thaiDate(k.finish, fy),
      price_agree: money(p.parts[c]!),
      status: 'สิ้นสุดสัญญา',
    };
  }

  // The identity a row is counted under: its intact tax id, or (broken) its vendor's by name.
  private linked(vi: number, tin: string): boolean {
    return !intact(tin) && this.linkable?.has(vi) === true;
  }

  private winnerOf(vi: number, tin: string): number {
    if (intact(tin)) return this.tinOwner.get(tin)!;
    if (this.linked(vi, tin)) return this.tinOwner.get(this.vendors[vi]!.tin)!;
    return this.vendors.length + vi;
  }

  /** A written contract in the truth: its year's counts and its vendor identity. */
  private countContract(p: Project, vi: number, tin: string, value: number): void {
    const v = this.truth.vendors;
    p.home.contracts++;
    p.home.agreed_satang += value;
    if (intact(tin)) this.intactVendors.add(vi);
    const idTin = intact(tin) ? tin : this.linked(vi, tin) ? this.vendors[vi]!.tin : null;
    this.vendorKeys.add(idTin ? `tin:${idTin}` : `name:${vi}`);
    if (idTin) v.contracts_by_tin[idTin] = (v.contracts_by_tin[idTin] ?? 0) + 1;
    if (this.linked(vi, tin)) {
      v.linked_by_name++;
      this.linkedKeys.add(vi);
    }
  }

  /** The flags this project must raise (counted once, like the project). */
  private countFlags(p: Project, s: Signing): void {
    const flags = this.truth.flags;
    const bucket = bucketOf(p.method);
    const agreed = p.parts.reduce((a, b) => a + b, 0);
    const competitive = bucket === 'open' || bucket === 'selective';
    if (bucket === 'specific' && p.budget > LIMIT_SATANG) flags.F1++;
    const lastMonths = [7, 8].includes(new Date(s.firstSigned).getUTCMonth()); // Aug, Sep
    if (bucket === 'specific' && lastMonths) flags.F6++;
    if (p.split) flags.F3_planted.push(p.projectId);
    // F4 and F5 read the project's agreed total as published (sum_price_agree).
    if (competitive && p.statedAgreed >= p.reference) flags.F4.push(p.projectId);
    if (p.statedAgreed > p.reference || p.statedAgreed > p.budget) flags.F5.push(p.projectId);
    if (Math.abs(p.statedAgreed - agreed) > 100) flags.Q2.push(p.projectId);
    if (p.lateFinish >= 0) flags.Q3.push(p.projectId);
    if (s.unusableTin) flags.Q1++;
  }
}

async function writeRow(
  ws: WriteStream | null,
  layout: readonly CanonicalField[],
  values: Row,
): Promise<void> {
  if (!ws) return;
  const line = stringify([layout.map((f) => values[f])], { record_delimiter: '\r\n' });
  if (!ws.write(line)) await once(ws, 'drain');
}
