import { building } from '$app/environment';
import { asset } from '$app/paths';
import { dataHref } from '$lib/data-url';
import { setCurrency } from '$lib/i18n/currency.svelte';
import type { Manifest, Summary } from '$lib/schema/tables';
import type { PageLoad } from './$types';

/**
 * Prerendered from the small aggregates the ingest writes, so the landing page's numbers are in
 * the HTML before any JavaScript, wasm or Parquet byte loads.
 */
export const load: PageLoad = async ({ fetch }) => {
  // The prerender reads the local copy; a navigation in the browser, wherever the data lives.
  const href = (p: string) => (building ? asset(`/data/${p}` as '/') : dataHref(p));
  const res = await fetch(href('manifest.json'));
  if (!res.ok) return { summary: null };
  const manifest = (await res.json()) as Manifest;
  setCurrency(manifest.currency); // labels name the dataset's currency (prerendered HTML too)
  const agg = manifest.files.find((f) => f.table === 'aggregates');
  if (!agg) return { summary: null };
  const s = await fetch(href(agg.path));
  if (!s.ok) throw new Error(`${agg.path}: HTTP ${s.status}`);
  return { summary: (await s.json()) as Summary };
};
