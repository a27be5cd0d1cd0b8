import { building } from '$app/environment';
import { asset } from '$app/paths';
import { dataHref } from '$lib/data-url';
import { setCurrency } from '$lib/i18n/currency.svelte';
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
  const manifest = (await res.json()) as Manifest;
  setCurrency(manifest.currency); // labels name the dataset's currency (prerendered HTML too)
  return { manifest };
};
