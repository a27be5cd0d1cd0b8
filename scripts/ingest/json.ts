/**
 * JSON inputs → rows of canonical fields (then cleaned by the same SQL as CSV rows).
 * - Government Spending API: project objects keyed by the canonical names with a nested
 *   `contract[]` (egp-data.md), as `{result: [...]}`, an array, one object, or JSON Lines.
 * - OCDS: release packages, record packages, single records or releases, JSON Lines; merged by
 *   ocid across every input file, then one row per awarded supplier (egp-data.md, "OCDS mapping").
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CANONICAL_FIELDS, CONTRACT_FIELDS, type RawRow } from '../../src/lib/schema/fields.ts';
import type { JsonRow } from './rows.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const arr = (x: unknown): Obj[] => (Array.isArray(x) ? x.filter(isObj) : []);
const str = (x: unknown): string | undefined =>
  x === null || x === undefined || isObj(x) || Array.isArray(x) ? undefined : String(x);

export class JsonInputError extends Error {}

/** The documents of a file with their line (JSON Lines) or position (1 for a whole document). */
export async function readDocuments(file: string): Promise<{ line: number; doc: unknown }[]> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  if (text.trim() === '') return [];
  try {
    return [{ line: 1, doc: JSON.parse(text) }];
  } catch {
    // Not one document: JSON Lines, one document a line.
  }
  const out: { line: number; doc: unknown }[] = [];
  let n = 0;
  for await (const l of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n++;
    if (!l.trim()) continue;
    try {
      out.push({ line: n, doc: JSON.parse(l.replace(/^\uFEFF/, '')) });
    } catch (e) {
      throw new JsonInputError(`${file}: line ${n} is not JSON (${(e as Error).message})`, {
        cause: e,
      });
    }
  }
  return out;
}

// ---------- Government Spending API ----------

function isApiProject(x: unknown): x is Obj {
  return isObj(x) && 'project_id' in x;
}

/** Every API project in a document, whatever the envelope. */
function apiProjects(doc: unknown): Obj[] {
  if (Array.isArray(doc)) return doc.filter(isApiProject);
  if (isObj(doc) && Array.isArray(doc.result)) return doc.result.filter(isApiProject);
  return isApiProject(doc) ? [doc] : [];
}

function apiRows(project: Obj, line: number): JsonRow[] {
  const base: RawRow = {};
  for (const f of CANONICAL_FIELDS) if (!CONTRACT_FIELDS.includes(f)) base[f] = str(project[f]);
  const contracts = arr(project.contract);
  if (contracts.length === 0) return [{ line, raw: JSON.stringify(project), fields: base }];
  return contracts.map((c) => {
    const fields: RawRow = { ...base };
    for (const f of CONTRACT_FIELDS) fields[f] = str(c[f]);
    return { line, raw: JSON.stringify({ ...project, contract: [c] }), fields };
  });
}

// ---------- OCDS ----------

interface Release {
  release: Obj;
  src: number;
  line: number;
}

/** Releases (and compiled releases) in a document, whatever the package shape. */
function ocdsReleases(doc: unknown): { releases: Obj[]; compiled: Obj[] } {
  const releases: Obj[] = [];
  const compiled: Obj[] = [];
  const visitRecord = (r: Obj) => {
    if (isObj(r.compiledRelease)) compiled.push(r.compiledRelease);
    else releases.push(...arr(r.releases).filter((x) => typeof x.ocid === 'string'));
  };
  if (isObj(doc)) {
    if (Array.isArray(doc.records)) arr(doc.records).forEach(visitRecord);
    else if (Array.isArray(doc.releases) && !('compiledRelease' in doc))
      releases.push(...arr(doc.releases));
    else if ('compiledRelease' in doc) visitRecord(doc);
    else if (typeof doc.ocid === 'string') releases.push(doc);
  }
  return { releases, compiled };
}

/**
 * OCDS by shape: a package, record or release. A record package may hold only linked releases
 * (URLs, no data); its processes then come from the release files given beside it.
 */
export function isOcds(doc: unknown): boolean {
  return isObj(doc) && ['records', 'releases', 'compiledRelease', 'ocid'].some((k) => k in doc);
}

/** OCDS merge: later releases override fields; arrays of objects with ids merge by id. */
function merge(a: unknown, b: unknown): unknown {
  if (b === undefined || b === null) return a;
  if (isObj(a) && isObj(b)) {
    const out: Obj = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.every((x) => isObj(x) && 'id' in x)) {
    const byId = new Map<string, unknown>(arr(a).map((x) => [String(x.id), x]));
    for (const x of arr(b)) byId.set(String(x.id), merge(byId.get(String(x.id)), x));
    return [...byId.values()];
  }
  return b;
}

const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((x, k) => (isObj(x) ? x[k] : undefined), o);

/** Thai fiscal year (BE, October start) of an ISO date: the fallback for non-Thai OCDS data. */
function fiscalYearOf(date: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})/.exec(date ?? '');
  return m ? String(Number(m[1]) + 543 + (Number(m[2]) >= 10 ? 1 : 0)) : undefined;
}

function ocdsRows(rel: Obj, line: number): JsonRow[] {
  const parties = arr(rel.parties);
  const party = (role: string) =>
    parties.find((p) => Array.isArray(p.roles) && p.roles.includes(role));
  const buyer = isObj(rel.buyer)
    ? rel.buyer
    : (party('buyer') ?? party('procuringEntity') ?? get(rel, 'tender', 'procuringEntity'));
  const tender = isObj(rel.tender) ? rel.tender : {};
  const awards = arr(rel.awards);
  const contracts = arr(rel.contracts);
  const firstDate =
    str(contracts.find((c) => c.dateSigned)?.dateSigned) ??
    str(awards.find((a) => a.date)?.date) ??
    str(get(tender, 'tenderPeriod', 'startDate')) ??
    str(rel.date);
  const base: RawRow = {
    project_id: str(rel.ocid),
    project_name: str(tender.title) ?? str(get(rel, 'planning', 'project')) ?? str(rel.title),
    dept_name: str(get(buyer, 'name')),
    purchase_method_name: str(tender.procurementMethodDetails) ?? str(tender.procurementMethod),
    project_money:
      str(get(rel, 'planning', 'budget', 'amount', 'amount')) ??
      str(get(tender, 'value', 'amount')),
    price_build: str(get(tender, 'value', 'amount')),
    budget_year: fiscalYearOf(firstDate),
    transaction_date: str(rel.date),
    province: str(get(buyer, 'address', 'region')),
    project_status: str(tender.status),
    tenderers:
      str(tender.numberOfTenderers) ??
      (Array.isArray(tender.tenderers) ? String(tender.tenderers.length) : undefined),
  };
  const raw = JSON.stringify({ ocid: rel.ocid, date: rel.date });
  // The currency of the row's amounts: the contract's or award's value, else the tender's/budget's.
  const projectCurrency =
    str(get(tender, 'value', 'currency')) ??
    str(get(rel, 'planning', 'budget', 'amount', 'currency'));
  const currencyOf = (...values: unknown[]) =>
    values.map((v) => str(get(v, 'currency'))).find(Boolean) ?? projectCurrency;
  const rows: JsonRow[] = [];
  for (const award of awards) {
    const contract = contracts.find((c) => String(c.awardID) === String(award.id));
    for (const s of arr(award.suppliers).length ? arr(award.suppliers) : [{}]) {
      const p = parties.find((x) => x.id !== undefined && x.id === s.id);
      rows.push({
        line,
        raw,
        currency: currencyOf(get(contract, 'value'), get(award, 'value')),
        fields: {
          ...base,
          winner: str(s.name) ?? str(p?.name),
          winner_tin: str(get(s, 'identifier', 'id')) ?? str(get(p, 'identifier', 'id')),
          contract_no: str(contract?.id),
          contract_date: str(contract?.dateSigned) ?? str(award.date),
          contract_finish_date: str(get(contract, 'period', 'endDate')),
          price_agree: str(get(contract, 'value', 'amount')) ?? str(get(award, 'value', 'amount')),
          status: str(contract?.status) ?? str(award.status),
        },
      });
    }
  }
  // Contracts without a matching award still count.
  for (const c of contracts.filter(
    (c) => !awards.some((a) => String(a.id) === String(c.awardID)),
  )) {
    rows.push({
      line,
      raw,
      currency: currencyOf(get(c, 'value')),
      fields: {
        ...base,
        contract_no: str(c.id),
        contract_date: str(c.dateSigned),
        price_agree: str(get(c, 'value', 'amount')),
        status: str(c.status),
      },
    });
  }
  return rows.length ? rows : [{ line, raw, fields: base, currency: projectCurrency }];
}

/** Collects OCDS releases from every JSON input, then merges them by ocid. */
export class OcdsCollector {
  private byOcid = new Map<string, Release[]>();
  private compiled = new Map<string, Release>();
  releasesRead = 0;
  /** Releases (and compiled records) read from each input. */
  readFrom = new Map<number, number>();
  /** Each input's publisher and licence, as its first package states them. */
  published = new Map<number, { publisher?: string; licence?: string }>();

  add(doc: unknown, src: number, line: number): void {
    const { releases, compiled } = ocdsReleases(doc);
    if (!this.published.has(src) && isObj(doc)) {
      const publisher = str(get(doc, 'publisher', 'name'));
      const licence = str(doc.license);
      if (publisher || licence)
        this.published.set(src, {
          ...(publisher ? { publisher } : {}),
          ...(licence ? { licence } : {}),
        });
    }
    this.readFrom.set(src, (this.readFrom.get(src) ?? 0) + releases.length + compiled.length);
    for (const release of releases) {
      this.releasesRead++;
      const key = String(release.ocid);
      this.byOcid.set(key, [...(this.byOcid.get(key) ?? []), { release, src, line }]);
    }
    for (const release of compiled) {
      this.releasesRead++;
      this.compiled.set(String(release.ocid), { release, src, line });
    }
  }

  /** One merged release per ocid (a compiled release wins), attributed to the input of its latest part. */
  rows(): Map<number, JsonRow[]> {
    const out = new Map<number, JsonRow[]>();
    const ocids = new Set([...this.byOcid.keys(), ...this.compiled.keys()]);
    for (const ocid of [...ocids].sort()) {
      let merged: Release | undefined = this.compiled.get(ocid);
      if (!merged) {
        const parts = [...(this.byOcid.get(ocid) ?? [])].sort((a, b) =>
          String(a.release.date ?? '').localeCompare(String(b.release.date ?? '')),
        );
        merged = parts.reduce<Release | undefined>(
          (acc, r) => ({
            release: merge(acc?.release, r.release) as Obj,
            src: r.src,
            line: r.line,
          }),
          undefined,
        );
      }
      if (!merged) continue;
      out.set(merged.src, [
        ...(out.get(merged.src) ?? []),
        ...ocdsRows(merged.release, merged.line),
      ]);
    }
    return out;
  }

  get ocidCount(): number {
    return new Set([...this.byOcid.keys(), ...this.compiled.keys()]).size;
  }
}

/** Rows of a Government Spending API file, or null when the file is not that shape. */
export function apiRowsOf(docs: { line: number; doc: unknown }[]): JsonRow[] | null {
  const rows: JsonRow[] = [];
  let projects = 0;
  for (const { line, doc } of docs) {
    const ps = apiProjects(doc);
    projects += ps.length;
    ps.forEach((p, i) => rows.push(...apiRows(p, docs.length === 1 ? i + 1 : line)));
  }
  return projects > 0 ? rows : null;
}
