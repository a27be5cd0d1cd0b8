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
import { projectIdNumber } from '../query/lookups';
import { likelyYears } from '../query/project';
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

/** The rows of `f` that pass `filter`, reading only the row groups its statistics allow. */
async function read(
  open: Opener,
  f: ManifestFile,
  columns: string[],
  filter: Record<string, { $eq: number | bigint }>,
): Promise<Record<string, unknown>[]> {
  const file = open(f);
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
  return parquetReadObjects({
    file,
    metadata,
    columns,
    filter,
    compressors: { ZSTD: (input: Uint8Array) => decompress(input) },
  });
}

async function readAll(
  open: Opener,
  files: readonly ManifestFile[],
  columns: string[],
  filter: Record<string, { $eq: number | bigint }>,
): Promise<Record<string, unknown>[]> {
  return (await Promise.all(files.map((f) => read(open, f, columns, filter)))).flat();
}

/** The project `id` (in `fy`, or the years its id makes likely first), or null if not found. */
export async function earlyProject(
  m: Manifest,
  id: string,
  fy: number | null,
  open: Opener,
): Promise<EarlyProject | null> {
  if (m.schema_version < SINCE) return null;
  const n = BigInt(projectIdNumber(id));
  for (const y of fy ? [fy] : likelyYears(id, m.fiscal_years)) {
    const ids = await readAll(
      open,
      tableFiles(m, 'project_ids', [y]),
      ['project_id', 'project_seq'],
      {
        id_number: { $eq: n },
      },
    );
    const hit = ids.find((r) => r.project_id === id);
    if (!hit) continue;
    const seq = Number(hit.project_seq);
    const bySeq = { project_seq: { $eq: seq } };
    const inYear = (t: 'projects' | 'contracts' | 'project_names') =>
      tableFiles(m, t, [y]).filter((f) => holdsSeq(f, seq));
    const [[p], contracts, [name]] = await Promise.all([
      readAll(open, inYear('projects'), ['project_seq', 'agency_id', 'budget'], bySeq),
      readAll(open, inYear('contracts'), ['project_seq', 'price_agree'], bySeq),
      readAll(open, inYear('project_names'), ['project_seq', 'project_name'], bySeq),
    ]);
    if (!p) return null;
    const [agency] = await readAll(
      open,
      tableFiles(m, 'agencies'),
      ['agency_id', 'agency_key', 'dept_name', 'dept_sub_name', 'province'],
      { agency_id: { $eq: Number(p.agency_id) } },
    );
    return {
      project_id: id,
      project_seq: seq,
      fiscal_year: y,
      budget: p.budget === null || p.budget === undefined ? null : moneySum([p.budget as number]),
      agreed: moneySum(contracts.map((c) => c.price_agree as number | null)),
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
  }
  return null;
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
