import { loadSummary } from '$lib/summary-load';
import type { PageLoad } from './$types';

/**
 * Prerendered from the small aggregates the ingest writes, so the landing page's numbers are in
 * the HTML before any JavaScript, wasm or Parquet byte loads.
 */
export const load: PageLoad = async ({ fetch }) => ({
  summary: (await loadSummary(fetch)).summary,
});
