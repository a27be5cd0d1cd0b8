/**
 * The published dataset as the browser sees it: the manifest, and absolute, base-aware URLs for its
 * files, each checked against the manifest before DuckDB may read it.
 */
import { setCurrency } from '../i18n/currency.svelte';
import { dataHref } from '../data-url';
import { sha256Hex } from '../headline/files';
import { isSafePath, MIN_SCHEMA_VERSION, type Manifest, type ManifestFile } from '../schema/tables';

export { tableFiles } from '../schema/tables';

export class DataError extends Error {}

export function dataUrl(path: string): string {
  return new URL(dataHref(path), location.href).href;
}

/**
 * Why a fetch of `url` threw. The browser gives the same TypeError for "offline" and "another
 * origin that does not allow us": a no-cors request tells them apart (it succeeds, opaquely, when
 * the host answers).
 */
async function unreachable(url: string): Promise<DataError> {
  const origin = new URL(url).origin;
  if (origin !== location.origin) {
    const answered = await fetch(url, { mode: 'no-cors', cache: 'no-store' }).then(
      () => true,
      () => false,
    );
    if (answered) {
      return new DataError(
        `the data host ${origin} answers but does not let this site read ${url}: it must send CORS headers (Access-Control-Allow-Origin, and Access-Control-Expose-Headers: Content-Range) for ${location.origin}`,
      );
    }
  }
  // A ranged response the browser cannot decode (gzip on a range) fails like a lost connection.
  const head = await fetch(url, {
    method: 'HEAD',
    headers: { Range: 'bytes=0-0' },
    cache: 'no-store',
  })
    .then((r) => r.headers.get('content-encoding'))
    .catch(() => undefined);
  if (head && head !== 'identity') {
    return new DataError(
      `${url}: the host compresses ranged responses (Content-Encoding: ${head}), so the browser cannot read them: the file is compressed or stale on the host; serve data files uncompressed`,
    );
  }
  // The host that sent the manifest still answers: the range answer itself was unreadable.
  const answers = await fetch(dataUrl('manifest.json'), { cache: 'no-store' }).then(
    (r) => r.ok,
    () => false,
  );
  if (answers && !url.endsWith('/manifest.json')) {
    return new DataError(
      `${url}: the host answers, but not this range request in a form the browser can read (often Content-Encoding: gzip on ranged responses): the file is compressed or stale on the host; serve data files uncompressed, with Range support`,
    );
  }
  return new DataError(`cannot reach ${url} (offline?)`);
}

const hashes = new WeakMap<Manifest, string>();

/** SHA-256 of manifest.json as served (exports cite it beside the snapshot id). */
export function manifestSha256(m: Manifest): string {
  return hashes.get(m) ?? '';
}

export async function fetchManifest(): Promise<Manifest> {
  const url = dataUrl('manifest.json');
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch {
    throw await unreachable(url);
  }
  if (!res.ok) throw new DataError(`${url}: HTTP ${res.status}; no dataset is published here`);
  const text = await res.text();
  const manifest = JSON.parse(text) as Manifest;
  hashes.set(manifest, await sha256Hex(text));
  if (!(manifest.schema_version >= MIN_SCHEMA_VERSION)) {
    throw new DataError(
      `${url}: the data is schema ${manifest.schema_version ?? '?'}, older than this site reads (${MIN_SCHEMA_VERSION}); publish it again with this version's \`npm run ingest\``,
    );
  }
  for (const f of manifest.files) {
    if (!isSafePath(f.path)) throw new DataError(`manifest lists an unsafe path: ${f.path}`);
  }
  setCurrency(manifest.currency);
  return manifest;
}

/**
 * DuckDB reads files with range requests. Check once per file that the host answers a range
 * request with 206 and the size the manifest promises: GitHub Pages has served gzip on ranged
 * responses, which would make DuckDB read garbage (design-notes.md, "Data layout").
 */
export async function checkRangeServing(file: ManifestFile): Promise<void> {
  const url = dataUrl(file.path);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: 'bytes=0-0' }, cache: 'no-store' });
  } catch {
    throw await unreachable(url);
  }
  await res.body?.cancel();
  if (res.status === 404) {
    throw new DataError(
      `${file.path} is missing on the server (HTTP 404): the dataset was replaced or not fully uploaded; reload the page, and if it stays, the site's data must be published again`,
    );
  }
  if (res.status >= 500) {
    throw new DataError(
      `${url}: the host failed (HTTP ${res.status}, a server error, not this page's); retry in a moment`,
    );
  }
  if (res.status !== 206) {
    throw new DataError(
      `${url}: the host answered a range request with HTTP ${res.status}, not 206; it cannot serve Parquet to the browser`,
    );
  }
  const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
  const encoding = res.headers.get('content-encoding');
  if (total !== file.bytes || (encoding && encoding !== 'identity')) {
    throw new DataError(
      `${url}: the host reports ${total || '?'} bytes${encoding ? ` (${encoding})` : ''} but the manifest says ${file.bytes}; the file is compressed or stale on the host`,
    );
  }
}

/**
 * The snapshot the host publishes now, when it is not the one this page loaded (a newer dataset
 * was published while the page was open); null when it is the same or cannot be read.
 */
export async function newerSnapshot(loaded: Manifest): Promise<string | null> {
  try {
    const res = await fetch(dataUrl('manifest.json'), { cache: 'no-store' });
    if (!res.ok) return null;
    const live = (await res.json()) as Manifest;
    return live.snapshot_id !== loaded.snapshot_id ? live.snapshot_id : null;
  } catch {
    return null;
  }
}
