/**
 * `npm run fetch`: the annual e-GP datasets from CKAN into one folder, one connection at a time,
 * skipping every file whose CKAN metadata (URL, size, last_modified, hash) is unchanged since the
 * last fetch, and recording what was fetched in `fetched.json` beside the files.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FetchError, isDataResource, packageShow, type CkanResource } from './ckan.ts';
import { download, type DownloadOptions } from './download.ts';

export const FETCHED = 'fetched.json';

export interface FetchedFile {
  fiscal_year: number;
  slug: string;
  resource_id: string;
  url: string;
  /** The file's name in the output folder (`.gz` added when the fetch compressed it). */
  file: string;
  /** Size and SHA-256 of the file as CKAN served it. */
  size: number;
  sha256: string;
  /** Size of the file in the output folder. */
  stored_bytes: number;
  /** CKAN's metadata when it was fetched (what decides "unchanged"). */
  ckan_size: number | string | null;
  last_modified: string | null;
  hash: string | null;
  fetched_at: string;
}

export interface FetchedManifest {
  ckan: string;
  files: FetchedFile[];
}

export interface FetchOptions extends Omit<DownloadOptions, 'onProgress'> {
  ckan: string;
  datasets: readonly { fiscal_year: number; slug: string }[];
  out: string;
  onProgress?: (file: string, received: number, total: number | null) => void;
}

export interface FetchResult {
  downloaded: FetchedFile[];
  unchanged: FetchedFile[];
  removed: string[];
  failures: string[];
  /** Bytes that came over the network. */
  transferred: number;
}

async function readFetched(out: string): Promise<FetchedManifest | null> {
  const text = await readFile(path.join(out, FETCHED), 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as FetchedManifest) : null;
}

async function writeFetched(out: string, m: FetchedManifest): Promise<void> {
  const file = path.join(out, FETCHED);
  await writeFile(`${file}.tmp`, JSON.stringify(m, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

/** `2566-contract_2566_part1.csv`: the year first, so a folder lists (and ingests) by year. */
function fileNameOf(fy: number, r: CkanResource, taken: Set<string>): string {
  const base = decodeURIComponent(new URL(r.url).pathname.split('/').pop() || r.id)
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '');
  let name = `${fy}-${base || r.id}`;
  if (taken.has(name)) name = `${fy}-${r.id.slice(0, 8)}-${base}`;
  taken.add(name);
  return name;
}

function sameMetadata(prev: FetchedFile, r: CkanResource): boolean {
  return (
    prev.url === r.url &&
    String(prev.ckan_size ?? '') === String(r.size ?? '') &&
    (prev.last_modified ?? '') === (r.last_modified ?? '') &&
    (prev.hash ?? '') === (r.hash ?? '')
  );
}

export async function fetchDatasets(opts: FetchOptions): Promise<FetchResult> {
  await mkdir(opts.out, { recursive: true });
  const previous = await readFetched(opts.out);
  const byId = new Map((previous?.files ?? []).map((f) => [f.resource_id, f]));
  const result: FetchResult = {
    downloaded: [],
    unchanged: [],
    removed: [],
    failures: [],
    transferred: 0,
  };
  const keep: FetchedFile[] = [];
  const log = opts.log ?? (() => {});
  const fetchedYears = new Set<number>();

  for (const ds of opts.datasets) {
    let resources: CkanResource[];
    try {
      resources = await packageShow(opts.ckan, ds.slug, { timeoutMs: opts.timeoutMs });
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      result.failures.push(err.message);
      // The year's files from earlier fetches stay, as they were.
      keep.push(...(previous?.files ?? []).filter((f) => f.fiscal_year === ds.fiscal_year));
      continue;
    }
    fetchedYears.add(ds.fiscal_year);
    const taken = new Set<string>();
    for (const r of resources) {
      if (!isDataResource(r)) {
        log(
          `FY${ds.fiscal_year}: skipped ${r.name || r.url} (format ${r.format || '?'}, not a data file)`,
        );
        continue;
      }
      const prev = byId.get(r.id);
      const file = prev?.file.replace(/\.gz$/, '') ?? fileNameOf(ds.fiscal_year, r, taken);
      taken.add(file);
      const onDisk = prev && (await stat(path.join(opts.out, prev.file)).catch(() => null))?.size;
      if (prev && sameMetadata(prev, r) && onDisk === prev.stored_bytes) {
        result.unchanged.push(prev);
        keep.push(prev);
        log(`${file}: unchanged (CKAN metadata as fetched ${prev.fetched_at})`);
        continue;
      }
      await fetchResource({ opts, result, keep, log }, ds, r, prev, file);
    }
  }
  // Files of a fetched year that CKAN no longer lists are removed, so the ingest does not read them.
  for (const f of previous?.files ?? []) {
    if (
      fetchedYears.has(f.fiscal_year) &&
      !keep.includes(f) &&
      !keep.some((k) => k.file === f.file)
    ) {
      await rm(path.join(opts.out, f.file), { force: true });
      result.removed.push(f.file);
      log(`${f.file}: removed (CKAN no longer lists resource ${f.resource_id})`);
    }
  }
  // Years not asked for this time keep their records.
  for (const f of previous?.files ?? []) {
    if (!opts.datasets.some((d) => d.fiscal_year === f.fiscal_year)) keep.push(f);
  }
  keep.sort((a, b) => a.file.localeCompare(b.file));
  await writeFetched(opts.out, { ckan: opts.ckan, files: keep });
  return result;
}

interface Run {
  opts: FetchOptions;
  result: FetchResult;
  keep: FetchedFile[];
  log: (line: string) => void;
}

/**
 * One resource downloaded and checked, then recorded; after a failure (counted in the result)
 * the previous file and its record stay.
 */
async function fetchResource(
  { opts, result, keep, log }: Run,
  ds: FetchOptions['datasets'][number],
  r: CkanResource,
  prev: FetchedFile | undefined,
  file: string,
): Promise<void> {
  const abs = path.join(opts.out, file);
  log(`${file}: downloading ${r.url}${prev ? ' (changed on CKAN)' : ''}`);
  try {
    const got = await download(r, abs, {
      ...opts,
      onProgress: (received, total) => opts.onProgress?.(file, received, total),
    });
    const entry: FetchedFile = {
      fiscal_year: ds.fiscal_year,
      slug: ds.slug,
      resource_id: r.id,
      url: r.url,
      file: path.basename(got.stored),
      size: got.size,
      sha256: got.sha256,
      stored_bytes: (await stat(got.stored)).size,
      ckan_size: r.size ?? null,
      last_modified: r.last_modified ?? null,
      hash: r.hash ?? null,
      fetched_at: new Date().toISOString(),
    };
    result.downloaded.push(entry);
    result.transferred += got.transferred;
    keep.push(entry);
    log(
      `${entry.file}: ${got.size.toLocaleString('en')} bytes, sha256 ${got.sha256.slice(0, 12)}…${got.stored !== abs ? ` (kept gzipped: ${entry.stored_bytes.toLocaleString('en')} bytes)` : ''}`,
    );
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    result.failures.push(err.message);
    // The previous file stays, and its record.
    if (prev && existsSync(path.join(opts.out, prev.file))) keep.push(prev);
  }
}
