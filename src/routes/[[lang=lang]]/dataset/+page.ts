import { building } from '$app/environment';
import { asset } from '$app/paths';
import { dataHref } from '$lib/data-url';
import type { Manifest } from '$lib/schema/tables';
import type { PageLoad } from './$types';

/**
 * The data-quality report reads only the manifest: prerendered from the local copy, and fetched
 * again in the browser on a navigation (wherever the data lives). No engine, no Parquet.
 */
export const load: PageLoad = async ({ fetch }) => {
  const href = (p: string) => (building ? asset(`/data/${p}` as '/') : dataHref(p));
  const res = await fetch(href('manifest.json'), { cache: 'no-cache' });
  if (!res.ok) return { manifest: null };
  return { manifest: (await res.json()) as Manifest };
};
