/**
 * Where the manifest and Parquet live: `<base>/data/` on the site's own origin, or the origin
 * given by DATA_URL at build time (object storage or a CDN that answers Range requests and sends
 * CORS headers) when the data outgrows GitHub Pages. The prerender pass always reads the local
 * copy, so a build needs no network.
 */
import { asset } from '$app/paths';

export const DATA_URL: string = __DATA_URL__;

/** The URL of a data file (a manifest path, or `manifest.json`). */
export function dataHref(path: string): string {
  if (!DATA_URL) return asset(`/data/${path}` as '/');
  return new URL(path, DATA_URL.endsWith('/') ? DATA_URL : `${DATA_URL}/`).href;
}
