/**
 * Ingest stage: read every input into the working database (each file once: from the cache when
 * unchanged, else by DuckDB's CSV reader, the record-by-record fallback, or the JSON readers),
 * merge OCDS releases across files, and list the sources with the rows read from each.
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../src/lib/schema/tables.ts';
import { cacheKey } from './cache.ts';
import { datasetCurrency, inCurrency } from './currency.ts';
import { isCsvReaderFailure, readCsvRecords } from './csv-js.ts';
import { apiRowsOf, isOcds, JsonInputError, OcdsCollector, readDocuments } from './json.ts';
import { LayoutError, resolveHeader } from './layout.ts';
import { fileBytes } from './publish.ts';
import { readHeader } from './read.ts';
import { InputError } from './errors.ts';
import type { ColumnMap } from './layout.ts';
import type { Source } from './sources.ts';
import type { Store } from './store.ts';

/** What reading needs of the ingest's options. */
export interface ReadOptions {
  out: string;
  maps: ColumnMap;
  cacheDir?: string;
  add?: boolean;
}

/** An input ready to read: prepared (unzipped, transcoded) and hashed. */
export type Input = Omit<Source, 'path'> & { path: string; sha256: string; bytes: number };

interface ReadState {
  store: Store;
  opts: ReadOptions;
  log: (line: string) => void;
  rowsBySource: number[];
  cacheKeys: (string | null)[];
  extra: Record<string, number>;
  unmappedColumns: Record<string, string[]>;
  ocds: OcdsCollector;
}

export interface ReadResult {
  sources: Manifest['sources'];
  /** Rows read, per source (in `sources` order) and in all. */
  rowsBySource: number[];
  read: number;
  /** Quality counts of the reading (empty inputs, transcoded files, OCDS merges). */
  extra: Record<string, number>;
  unmappedColumns: Record<string, string[]>;
  /** The dataset's currency (ISO 4217; currency.ts). */
  currency: string;
}

/**
 * --add: the published dataset's sources (`published`, its manifest, read once by the run), which
 * come back from the cache, in their order, first.
 */
export async function previousSources(
  opts: ReadOptions,
  published: Manifest | null,
): Promise<Manifest['sources']> {
  const previous: Manifest['sources'] = [];
  if (!opts.add) return previous;
  if (!published) throw new InputError(`--add: no dataset in ${opts.out} to add to`);
  for (const src of published.sources) {
    const cached =
      src.cache_key && opts.cacheDir ? path.join(opts.cacheDir, `${src.cache_key}.parquet`) : null;
    if (!cached || !(await fileBytes(cached).catch(() => 0))) {
      throw new InputError(
        `--add: ${src.name} is not in the cache${opts.cacheDir ? ` (${opts.cacheDir})` : ''}; run the ingest again with all the files`,
      );
    }
    previous.push(src);
  }
  return previous;
}

/** Read the previous sources (from the cache) and the inputs, in that order. */
export async function readInputs(
  store: Store,
  opts: ReadOptions,
  previous: Manifest['sources'],
  inputs: Input[],
  log: (line: string) => void,
): Promise<ReadResult> {
  const n = previous.length + inputs.length;
  const st: ReadState = {
    store,
    opts,
    log,
    rowsBySource: new Array<number>(n).fill(0),
    cacheKeys: new Array<string | null>(n).fill(null),
    extra: { empty_inputs: 0, transcoded_windows_874: 0 },
    unmappedColumns: {},
    ocds: new OcdsCollector(),
  };
  for (const [idx, src] of previous.entries()) {
    st.rowsBySource[idx] = await store.loadSource(
      idx,
      path.join(opts.cacheDir!, `${src.cache_key}.parquet`),
    );
    st.cacheKeys[idx] = src.cache_key;
    log(`kept ${src.name}: ${st.rowsBySource[idx]} rows (from the cache)`);
  }
  for (const [i, src] of inputs.entries()) await readOne(st, src, previous.length + i);
  // OCDS releases are merged by ocid across all files, then read like any other rows; rows in
  // another currency than the dataset's are rejected (currency.ts).
  const ocdsRows = st.ocds.rows();
  const currency = datasetCurrency(
    ocdsRows,
    st.rowsBySource.reduce((a, x) => a + x, 0),
  );
  if (ocdsRows.size) {
    await store.addParsed(-1, inCurrency(ocdsRows, currency)); // each row names its source
    for (const [idx, rows] of ocdsRows) st.rowsBySource[idx]! += rows.length;
  }
  if (st.ocds.releasesRead) {
    st.extra.ocds_releases_read = st.ocds.releasesRead;
    st.extra.ocds_ocids = st.ocds.ocidCount;
    log(`merged ${st.ocds.releasesRead} OCDS releases into ${st.ocds.ocidCount} processes`);
  }
  const sources: Manifest['sources'] = previous.map((src, idx) => ({
    ...src,
    rows_read: st.rowsBySource[idx]!,
  }));
  for (const [i, src] of inputs.entries()) {
    const idx = previous.length + i;
    sources.push({
      name: src.name,
      bytes: src.bytes,
      sha256: src.sha256,
      rows_read: st.rowsBySource[idx]!,
      cache_key: st.cacheKeys[idx]!,
      ...(st.ocds.readFrom.has(idx) ? { ocds_releases: st.ocds.readFrom.get(idx)! } : {}),
      ...st.ocds.published.get(idx),
    });
  }
  return {
    sources,
    rowsBySource: st.rowsBySource,
    read: st.rowsBySource.reduce((a, x) => a + x, 0),
    extra: st.extra,
    unmappedColumns: st.unmappedColumns,
    currency,
  };
}

/** One input: from the cache when unchanged, else read and (unless OCDS) cached. */
async function readOne(st: ReadState, src: Input, idx: number): Promise<void> {
  const started = Date.now();
  if (src.encoding === 'windows-874') st.extra.transcoded_windows_874!++;
  const key = st.opts.cacheDir ? cacheKey(src.sha256, src.kind, st.opts.maps) : null;
  const cached = key ? path.join(st.opts.cacheDir!, `${key}.parquet`) : null;
  if (cached && (await fileBytes(cached).catch(() => 0))) {
    st.rowsBySource[idx] = await st.store.loadSource(idx, cached);
    st.cacheKeys[idx] = key;
    st.log(`read ${src.name}: ${st.rowsBySource[idx]} rows (unchanged: from the cache)`);
    return;
  }
  /** Only rows cleaned from this one file may be cached (OCDS is merged across files). */
  let cacheable = false;
  if (src.kind === 'csv') {
    const header = await readHeader(src.path);
    if (!header) {
      // The other inputs are still published; the run exits 4 and names this one.
      st.extra.empty_inputs!++;
      st.log(`read ${src.name}: empty (no header row, no data): counted in quality.empty_inputs`);
      return;
    }
    let layout;
    try {
      layout = resolveHeader(header, st.opts.maps);
    } catch (e) {
      if (e instanceof LayoutError) throw new InputError(`${src.name}: ${e.message}`);
      throw e;
    }
    if (layout.unmapped.length) st.unmappedColumns[src.name] = layout.unmapped;
    try {
      st.rowsBySource[idx] = await st.store.addCsv(idx, src.path, layout);
    } catch (e) {
      if (!isCsvReaderFailure(e)) throw e;
      const why = (e as Error).message.split('\n')[0];
      st.log(`${src.name}: DuckDB's CSV reader refused it (${why}); reading it record by record`);
      st.rowsBySource[idx] = await st.store.addParsed(idx, readCsvRecords(src.path, layout));
    }
    cacheable = true;
  } else {
    const docs = await readDocuments(src.path).catch((e: Error) => {
      throw e instanceof JsonInputError ? new InputError(e.message) : e;
    });
    const api = apiRowsOf(docs);
    if (docs.length === 0)
      st.extra.empty_inputs!++; // e.g. the zero-byte files of real OCDS dumps
    else if (api) {
      await st.store.addRows(idx, api);
      st.rowsBySource[idx] = api.length;
      cacheable = true;
    } else if (docs.every((d) => isOcds(d.doc)))
      docs.forEach((d) => st.ocds.add(d.doc, idx, d.line));
    else
      throw new InputError(
        `${src.name}: JSON that is neither Government Spending API projects nor OCDS`,
      );
  }
  if (cacheable && key && cached) {
    await mkdir(st.opts.cacheDir!, { recursive: true });
    await st.store.saveSource(idx, `${cached}.tmp`);
    await rename(`${cached}.tmp`, cached);
    st.cacheKeys[idx] = key;
  }
  const secs = (Date.now() - started) / 1000;
  const releases = st.ocds.readFrom.get(idx);
  const what =
    releases === undefined
      ? `${st.rowsBySource[idx]} rows`
      : `${releases} OCDS releases (merged by ocid once every file is read)`;
  st.log(
    `read ${src.name}${src.encoding === 'windows-874' ? ' (TIS-620)' : ''}: ${what} in ${secs.toFixed(1)} s`,
  );
}
