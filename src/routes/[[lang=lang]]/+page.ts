import { asset } from '$app/paths';
import type { Manifest, Summary } from '$lib/schema/tables';
import type { PageLoad } from './$types';

/**
 * Prerendered from the small aggregates the ingest writes, so the landing page's numbers are in
 * the HTML before any JavaScript, wasm or Parquet byte loads.
 */
export const load: PageLoad = async ({ fetch }) => {
  const res = await fetch(asset('/data/manifest.json'));
  if (!res.ok) return { summary: null };
  const manifest = (await res.json()) as Manifest;
  const agg = manifest.files.find((f) => f.table === 'aggregates');
  if (!agg) return { summary: null };
  const s = await fetch(asset(`/data/${agg.path}` as '/'));
  if (!s.ok) throw new Error(`${agg.path}: HTTP ${s.status}`);
  return { summary: (await s.json()) as Summary };
};
