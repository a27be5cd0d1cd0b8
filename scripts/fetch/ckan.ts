/**
 * The part of CKAN's action API the fetcher uses: `package_show` by slug, and which of a
 * dataset's resources are data files the ingest reads.
 * API: https://docs.ckan.org/en/latest/api/ (action/package_show; resource fields `id`, `url`,
 * `name`, `format`, `size`, `last_modified`, `hash`).
 */

export interface CkanResource {
  id: string;
  url: string;
  name?: string | null;
  format?: string | null;
  size?: number | string | null;
  last_modified?: string | null;
  hash?: string | null;
}

export class FetchError extends Error {}

/** The resources of one dataset; a named FetchError for every answer that is not a CKAN package. */
export async function packageShow(
  ckan: string,
  slug: string,
  fetchOpts: { timeoutMs: number },
): Promise<CkanResource[]> {
  const url = new URL('api/3/action/package_show', ckan.endsWith('/') ? ckan : `${ckan}/`);
  url.searchParams.set('id', slug);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(fetchOpts.timeoutMs) });
  } catch (err) {
    throw new FetchError(`${slug}: cannot reach ${url.origin} (${(err as Error).message})`);
  }
  const text = await res.text();
  let body: { success?: boolean; result?: { resources?: CkanResource[] }; error?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new FetchError(
      `${slug}: package_show answered HTTP ${res.status} with ${looksLikeHtml(text) ? 'an HTML page' : 'something'} that is not CKAN JSON`,
    );
  }
  if (res.status === 404 || body.success === false) {
    const msg = JSON.stringify(body.error ?? {}).slice(0, 200);
    throw new FetchError(`${slug}: CKAN does not know this dataset (HTTP ${res.status} ${msg})`);
  }
  if (!res.ok || !Array.isArray(body.result?.resources)) {
    throw new FetchError(`${slug}: package_show answered HTTP ${res.status} without resources`);
  }
  return body.result.resources;
}

const DATA_FILE = /\.(csv|zip|csv\.gz)$/i;

/** A resource the ingest can read (CSV, possibly zipped or gzipped); others are skipped. */
export function isDataResource(r: CkanResource): boolean {
  const format = (r.format ?? '').trim().toLowerCase();
  if (['csv', 'zip', 'gz', 'gzip'].includes(format)) return true;
  return DATA_FILE.test(new URL(r.url).pathname);
}

export function looksLikeHtml(start: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(start.replace(/^\uFEFF/, ''));
}

/** CKAN's free-form `hash`, when it is one we can check: `sha256:…`, or plain hex by length. */
export function expectedDigest(hash: string | null | undefined): {
  algorithm: 'sha256' | 'sha1' | 'md5';
  hex: string;
} | null {
  const h = (hash ?? '').trim().toLowerCase();
  const m = /^(?:(sha256|sha1|md5):)?([0-9a-f]+)$/.exec(h);
  if (!m) return null;
  const byLength = { 64: 'sha256', 40: 'sha1', 32: 'md5' } as const;
  const algorithm = (m[1] as 'sha256' | 'sha1' | 'md5' | undefined) ?? byLength[m[2]!.length as 64];
  return algorithm ? { algorithm, hex: m[2]! } : null;
}

/** CKAN's `size` as a number of bytes, or null when it gives none. */
export function sizeOf(r: CkanResource): number | null {
  const n = Number(r.size);
  return r.size !== null && r.size !== undefined && r.size !== '' && Number.isFinite(n) && n > 0
    ? n
    : null;
}
