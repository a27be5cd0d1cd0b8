/**
 * One resource, downloaded politely: streamed to `FILE.part`, resumed with a Range request after a
 * cut, retried with back-off, checked (size and checksum where CKAN gives them, not an HTML page,
 * a CSV header the ingest knows), and only then renamed over the previous file, which a failure
 * leaves as it was.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat, truncate } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { LayoutError, resolveHeader } from '../ingest/layout.ts';
import { head as readHead } from '../ingest/sources.ts';
import { expectedDigest, FetchError, looksLikeHtml, sizeOf, type CkanResource } from './ckan.ts';

export interface DownloadOptions {
  /** Attempts after the first, for cuts, timeouts, HTTP 5xx and 429. */
  retries: number;
  /** The first back-off; each retry waits twice as long. */
  retryDelayMs: number;
  /** A stalled connection (no byte for this long) counts as cut. */
  timeoutMs: number;
  onProgress?: (received: number, total: number | null) => void;
  log?: (line: string) => void;
  /** Keep a CSV as `FILE.gz` (a tenth of the disk and of an Actions cache); zips stay as they are. */
  gzip?: boolean;
}

export interface Downloaded {
  /** Where it was stored: FILE, or FILE.gz when compressed. */
  stored: string;
  /** Size and SHA-256 of the file as the host sent it (before any compression here). */
  size: number;
  sha256: string;
  /** Bytes that came over the network in this run (a resumed file counts only the rest). */
  transferred: number;
}

/** Worth another attempt: the connection, not the answer, was the problem. */
class Transient extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sizeOnDisk(file: string): Promise<number> {
  return (await stat(file).catch(() => null))?.size ?? 0;
}

async function hashOf(file: string, algorithm: string, upTo?: number): Promise<Hash> {
  const h = createHash(algorithm);
  if (upTo === 0) return h;
  for await (const chunk of createReadStream(file, upTo ? { end: upTo - 1 } : {}))
    h.update(chunk as Buffer);
  return h;
}

export async function download(
  resource: CkanResource,
  file: string,
  opts: DownloadOptions,
): Promise<Downloaded> {
  const part = `${file}.part`;
  const name = resource.name || resource.url;
  let transferred = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      transferred += await attemptOnce(resource, part, opts);
      break;
    } catch (err) {
      if (!(err instanceof Transient) || attempt >= opts.retries) {
        if (err instanceof Transient) {
          throw new FetchError(
            `${name}: ${err.message}; gave up after ${attempt + 1} attempts (the part kept so far resumes next run)`,
          );
        }
        throw err;
      }
      const wait = opts.retryDelayMs * 2 ** attempt;
      opts.log?.(`${name}: ${err.message}; retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
    }
  }
  const checked = await verify(resource, part, name);
  let stored = file;
  if (opts.gzip && checked.kind === 'csv') {
    stored = `${file}.gz`;
    await pipeline(createReadStream(part), createGzip(), createWriteStream(`${stored}.tmp`));
    await rename(`${stored}.tmp`, stored);
    await rm(part);
    await rm(file, { force: true }); // an uncompressed copy from an earlier fetch
  } else {
    await rename(part, file);
    await rm(`${file}.gz`, { force: true });
  }
  return { stored, size: checked.size, sha256: checked.sha256, transferred };
}

/** One request; resolves with the bytes received, or throws Transient / FetchError. */
async function attemptOnce(
  resource: CkanResource,
  part: string,
  opts: DownloadOptions,
): Promise<number> {
  let have = await sizeOnDisk(part);
  const expected = sizeOf(resource);
  if (expected !== null && have > expected) {
    await rm(part, { force: true }); // a part of another version of the file
    have = 0;
  }
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  };
  let res: Response;
  try {
    res = await fetch(resource.url, {
      headers: have > 0 ? { Range: `bytes=${have}-` } : {},
      signal: controller.signal,
    });
  } catch (err) {
    clearTimeout(timer);
    throw new Transient(`cannot connect (${(err as Error).cause ?? (err as Error).message})`);
  }
  try {
    const at = await resumePoint(res, resource, part, have, expected);
    if (at === 'whole') return 0;
    const { start, total } = at;
    if (start === 0) await truncate(part, 0).catch(() => {});
    const fh = await open(part, start === 0 ? 'w' : 'a');
    const out = createWriteStream('', { fd: fh.fd, autoClose: false });
    let received = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        alive();
        received += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        opts.onProgress?.(start + received, total);
      }
    } catch (err) {
      throw new Transient(
        `connection cut after ${(start + received).toLocaleString('en')} bytes (${(err as Error).message})`,
      );
    } finally {
      await new Promise<void>((r) => out.end(() => r()));
      await fh.close();
    }
    if (total !== null && start + received < total) {
      throw new Transient(
        `truncated: ${(start + received).toLocaleString('en')} of ${total.toLocaleString('en')} bytes`,
      );
    }
    return received;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where the response's bytes go in the part file (`start`) and the file's size if the host said
 * (`total`); `whole` when the part is already the whole file. Throws Transient for a retry and
 * FetchError for a status, a resume at the wrong place or an HTML page.
 */
async function resumePoint(
  res: Response,
  resource: CkanResource,
  part: string,
  have: number,
  expected: number | null,
): Promise<{ start: number; total: number | null } | 'whole'> {
  const name = resource.name || resource.url;
  if (res.status === 416 && have > 0 && expected === have) return 'whole';
  if (res.status === 429 || res.status >= 500) throw new Transient(`HTTP ${res.status}`);
  if (res.status !== 200 && res.status !== 206) {
    throw new FetchError(`${name}: HTTP ${res.status} for ${resource.url}`);
  }
  let start = 0;
  let total: number | null;
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) {
      await rm(part, { force: true });
      throw new Transient(
        `the host resumed at the wrong place (${res.headers.get('content-range')})`,
      );
    }
    start = have;
    total = m[2] === '*' ? null : Number(m[2]);
  } else {
    const len = Number(res.headers.get('content-length'));
    total = Number.isFinite(len) && len > 0 ? len : null;
  }
  if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
    const head = (await res.text()).slice(0, 200);
    if (start === 0 || looksLikeHtml(head)) {
      throw new FetchError(
        `${name}: the host sent an HTML page, not the data file (an error or login page? starts "${head.replace(/\s+/g, ' ').slice(0, 60)}")`,
      );
    }
  }
  return { start, total };
}

/** Size, checksum, not HTML, a header the ingest knows; a named FetchError otherwise. */
async function verify(
  resource: CkanResource,
  part: string,
  name: string,
): Promise<{ size: number; sha256: string; kind: 'csv' | 'zip' | 'gzip' }> {
  const size = await sizeOnDisk(part);
  const fail = async (why: string) => {
    await rm(part, { force: true });
    return new FetchError(`${name}: ${why}; the previous file is kept`);
  };
  const expected = sizeOf(resource);
  if (expected !== null && size !== expected) {
    throw await fail(
      `${size.toLocaleString('en')} bytes arrived, CKAN says ${expected.toLocaleString('en')}`,
    );
  }
  const sha256 = (await hashOf(part, 'sha256')).digest('hex');
  const digest = expectedDigest(resource.hash);
  if (digest) {
    const got =
      digest.algorithm === 'sha256' ? sha256 : (await hashOf(part, digest.algorithm)).digest('hex');
    if (got !== digest.hex)
      throw await fail(`${digest.algorithm} ${got} differs from CKAN's ${digest.hex}`);
  }
  const head = await readHead(part, 512);
  if (looksLikeHtml(head.toString('utf8'))) {
    throw await fail('the host sent an HTML page, not the data file');
  }
  const kind =
    head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
      ? 'zip'
      : head[0] === 0x1f && head[1] === 0x8b
        ? 'gzip'
        : 'csv';
  if (kind !== 'zip') {
    const header = await csvHeader(part, kind === 'gzip').catch(() => null);
    if (!header) throw await fail('not a readable CSV');
    try {
      resolveHeader(header, new Map());
    } catch (e) {
      if (e instanceof LayoutError) throw await fail(`the schema changed: ${e.message}`);
      throw e;
    }
  }
  return { size, sha256, kind };
}

async function csvHeader(file: string, gzip: boolean): Promise<string[] | null> {
  const raw = createReadStream(file);
  const parser = (gzip ? raw.pipe(createGunzip()) : raw).pipe(
    parse({ bom: true, to: 1, relax_column_count: true, relax_quotes: true }),
  );
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record;
    return null;
  } finally {
    raw.destroy();
  }
}
