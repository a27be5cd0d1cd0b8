/**
 * A project's headline before the engine (`/project?id=`, schema 26): its name, agency, budget
 * and the value of its contracts, read from the same Parquet the engine reads, with hyparquet
 * (pure JS) and range requests: the id's group of `project_ids`, then that `project_seq`'s group
 * of `projects`, `contracts`, `project_names` and the small `agencies`. The engine then loads
 * for the contracts' rows and the flags and replaces it. A project has no file of its own:
 * millions of them would not fit on a static host (docs/benchmarks.md).
 */
import { decompress } from 'fzstd';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import type { Agency, Vendor } from '../db/lookup';
import type { Row } from '../query/aggregate';
import { flagsWithBits, projectBits } from '../query/flag-bits';
import { FLAG_IDS, type Thresholds } from '../query/flag-defs';
import { bitFlags } from '../query/flags';
import {
  AS_TEXT,
  BY_ID_COLUMNS,
  PROJECT_CONTRACT_COLUMNS,
  projectIdNumber,
} from '../query/lookups';
import { likelyYears } from '../query/project';
import { detailOf, toResultRow, winnerIds, type ProjectProfile } from '../query/project-profile';
import { holdsSeq, tableFiles, type Manifest, type ManifestFile } from '../schema/tables';

/** Opens a data file for range reads (the site: over HTTP; the tests: from disk). */
export type Opener = (f: ManifestFile) => AsyncBuffer;

export interface EarlyProject {
  project_id: string;
  project_seq: number;
  fiscal_year: number;
  /** As DuckDB writes a DECIMAL(18,2) as text ("1500000.00"), or null. */
  budget: string | null;
  /** The sum of its contracts' values, as the profile adds them (`moneySum`). */
  agreed: string;
  contracts: number;
  project_name: string | null;
  agency: {
    agency_key: string;
    dept_name: string;
    dept_sub_name: string | null;
    province: string | null;
  } | null;
}

/** The first version whose files this reader knows (the id index). */
const SINCE = 26;
/** Bytes read from a file's end for its footer first (the footers read are 33–57 KB at 6M rows). */
const FOOTER_FETCH = 64 * 1024;

/**
 * Amounts added exactly, in satang, as DuckDB's DECIMAL(18,2) text: "0.00" for none. (A float
 * from Parquet holds a budget's satang exactly below 2^53 satang.)
 */
export function moneySum(values: readonly (number | string | null | undefined)[]): string {
  const satang = values.reduce<bigint>(
    (s, v) => (v === null || v === undefined ? s : s + BigInt(Math.round(Number(v) * 100))),
    0n,
  );
  const sign = satang < 0n ? '-' : '';
  const digits = (satang < 0n ? -satang : satang).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A date as DuckDB writes a DATE as text ("2024-01-31"). */
const isoDate = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);

type Filter = Record<string, { $eq: number | bigint } | { $in: number[] }>;

/** Columns to read: these, or every column of the file but these (a file of older data has fewer). */
type Columns = readonly string[] | { except: readonly string[] };

/**
 * The rows of `f` that pass `filter`, reading only the row groups its statistics allow. Values as
 * the engine's lookups give them (lookups.ts): dates and money as text, integers as numbers.
 */
async function read(
  open: Opener,
  f: ManifestFile,
  columns: Columns,
  filter: Filter,
): Promise<Record<string, unknown>[]> {
  const file = open(f);
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
  const names =
    'except' in columns
      ? metadata.schema.slice(1).flatMap((e) => (columns.except.includes(e.name) ? [] : [e.name]))
      : [...columns];
  const rows = await parquetReadObjects({
    file,
    metadata,
    columns: names,
    filter,
    parsers: { dateFromDays: isoDate },
    compressors: { ZSTD: (input: Uint8Array) => decompress(input) },
  });
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint'
          ? Number(v)
          : AS_TEXT.has(k) && typeof v === 'number'
            ? moneySum([v])
            : v,
      ]),
    ),
  );
}

async function readAll(
  open: Opener,
  files: readonly ManifestFile[],
  columns: Columns,
  filter: Filter,
): Promise<Record<string, unknown>[]> {
  return (await Promise.all(files.map((f) => read(open, f, columns, filter)))).flat();
}

/** Where a project's rows are: its year and `project_seq`, from the year's id index. */
async function locate(
  m: Manifest,
  id: string,
  fy: number | null,
  open: Opener,
): Promise<{ y: number; seq: number } | null> {
  const n = BigInt(projectIdNumber(id));
  for (const y of fy ? [fy] : likelyYears(id, m.fiscal_years)) {
    const ids = await readAll(
      open,
      tableFiles(m, 'project_ids', [y]),
      ['project_id', 'project_seq'],
      { id_number: { $eq: n } },
    );
    const hit = ids.find((r) => r.project_id === id);
    if (hit) return { y, seq: Number(hit.project_seq) };
  }
  return null;
}

/**
 * The columns read for the headline only, and for the whole page (the id is known: its column, the
 * largest of a row group, is not read).
 */
const READ = {
  early: {
    projects: ['project_seq', 'agency_id', 'budget'],
    contracts: ['project_seq', 'price_agree'],
  },
  whole: {
    projects: { except: ['project_id'] },
    contracts: ['project_seq', ...PROJECT_CONTRACT_COLUMNS],
  },
} as const;

/** What `lightProject` found: the headline, and the whole page where no engine is needed. */
export interface LightProject {
  early: EarlyProject;
  /** Null where the flags need the engine (other thresholds, data without the bits). */
  profile: ProjectProfile | null;
}

/**
 * The project `id` (in `fy`, or the years its id makes likely first), or null if not found: its
 * headline, and with thresholds `th` whose flags the ingest computed (flag-bits.ts), its whole
 * page, read with the columns and in the order of the engine's lookups (query/project-profile.ts
 * puts both together): its row of `projects`, its contracts and their winners, its text and name,
 * its agency. `th` null: the headline's few columns only.
 */
export async function lightProject(
  m: Manifest,
  id: string,
  fy: number | null,
  open: Opener,
  th: Thresholds | null,
): Promise<LightProject | null> {
  if (m.schema_version < SINCE) return null;
  const at = await locate(m, id, fy, open);
  if (!at) return null;
  const { y, seq } = at;
  const whole = th !== null && flagsWithBits(m, th).length === FLAG_IDS.length;
  const cols = whole ? READ.whole : READ.early;
  const bySeq = { project_seq: { $eq: seq } };
  const inYear = (t: 'projects' | 'contracts' | 'project_names' | 'details') =>
    tableFiles(m, t, [y]).filter((f) => holdsSeq(f, seq));
  const [[p], contracts, [name], [text]] = await Promise.all([
    readAll(open, inYear('projects'), cols.projects, bySeq),
    readAll(open, inYear('contracts'), cols.contracts, bySeq),
    readAll(open, inYear('project_names'), ['project_seq', 'project_name'], bySeq),
    whole ? readAll(open, inYear('details'), { except: ['project_id'] }, bySeq) : [],
  ]);
  if (!p) return null;
  const agencyId = Number(p.agency_id);
  const [[agency], winners] = await Promise.all([
    readAll(open, tableFiles(m, 'agencies'), BY_ID_COLUMNS.agency_id, {
      agency_id: { $eq: agencyId },
    }),
    whole && contracts.length
      ? readAll(open, tableFiles(m, 'vendors'), BY_ID_COLUMNS.vendor_id, {
          vendor_id: { $in: winnerIds(contracts as Row[]) },
        })
      : [],
  ]);
  const early: EarlyProject = {
    project_id: id,
    project_seq: seq,
    fiscal_year: y,
    budget: (p.budget as string | null | undefined) ?? null,
    agreed: moneySum(contracts.map((c) => c.price_agree as string | null)),
    contracts: contracts.length,
    project_name: (name?.project_name as string | undefined) ?? null,
    agency: agency
      ? {
          agency_key: String(agency.agency_key),
          dept_name: String(agency.dept_name),
          dept_sub_name: (agency.dept_sub_name as string | null) ?? null,
          province: (agency.province as string | null) ?? null,
        }
      : null,
  };
  if (!whole) return { early, profile: null };
  return { early, profile: wholeProfile(m, th, id, { p, contracts, name, text, agency, winners }) };
}

/** The page from the rows `lightProject` read (its flags from the bits of its row). */
function wholeProfile(
  m: Manifest,
  th: Thresholds,
  id: string,
  got: {
    p: Record<string, unknown>;
    contracts: Record<string, unknown>[];
    name: Record<string, unknown> | undefined;
    text: Record<string, unknown> | undefined;
    agency: Record<string, unknown> | undefined;
    winners: Record<string, unknown>[];
  },
): ProjectProfile {
  // Its row as `projectSql` gives it: the id, then every column of the file but the seq.
  const project: Row = { project_id: id };
  for (const [k, v] of Object.entries(got.p))
    if (k !== 'project_seq') project[k] = v as Row[string];
  const agency = got.agency ? ({ ...got.agency } as unknown as Agency) : null;
  const contracts = sortContracts(got.contracts.map((c) => withoutSeq(c)));
  const vendors = new Map(got.winners.map((v) => [Number(v.vendor_id), v as unknown as Vendor]));
  const seqRow = { ...project, project_seq: Number(got.p.project_seq) };
  const row = toResultRow(seqRow, {
    contracts: Number(project.contract_count ?? 0),
    contract_value: null,
    project_name: null,
    agency,
  });
  const detail = detailOf({
    project,
    text: got.text && ({ project_id: id, ...got.text } as Row),
    name: got.name as Row | undefined,
    agency,
    contracts,
    vendors,
  });
  return { row, detail, flags: bitFlags(projectBits(m, th, seqRow)) as ProjectProfile['flags'] };
}

const withoutSeq = (c: Record<string, unknown>): Row => {
  const rest = { ...c } as Row;
  delete rest.project_seq;
  return rest;
};

/** In the order of `projectContractsSql`: by contract number (nulls last), then winner. */
function sortContracts(rows: Row[]): Row[] {
  const key = (r: Row) => [
    r.contract_no === null ? 1 : 0,
    r.contract_no ?? '',
    r.vendor_id ?? Infinity,
  ];
  return rows.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}

/**
 * A data file over HTTP, read only by range: a host that answers a range with the whole file
 * (200) fails here, and the page waits for the engine, rather than download a year's facts. A
 * range inside one already read (the footer's first fetch covers all of a small file) is not
 * asked again.
 */
export function httpFile(url: string, byteLength: number): AsyncBuffer {
  const got: { start: number; bytes: ArrayBuffer }[] = [];
  return {
    byteLength,
    async slice(start: number, end = byteLength) {
      const had = got.find((c) => c.start <= start && end <= c.start + c.bytes.byteLength);
      if (had) return had.bytes.slice(start - had.start, end - had.start);
      const res = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` } });
      if (res.status !== 206) throw new Error(`range read of ${url}: HTTP ${res.status}`);
      const bytes = await res.arrayBuffer();
      got.push({ start, bytes });
      return bytes;
    },
  };
}
