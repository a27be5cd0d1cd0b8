import { browser } from '$app/environment';
import { loadSummary } from '$lib/summary-load';
import type { PageLoad } from './$types';

/**
 * Prerendered from what the ingest wrote about the latest snapshot's additions (summary.json
 * `added`): the numbers are in the HTML, no engine. In the browser `snap=` picks an earlier kept
 * snapshot (the feeds link each project to the snapshot that added it).
 */
export const load: PageLoad = async ({ fetch, url }) => {
  // A prerendered page has no query string: read it only in the browser.
  const snap = browser ? url.searchParams.get('snap') : null;
  const valid = snap && /^[0-9a-f]{6,64}$/.test(snap) ? snap : null;
  return { ...(await loadSummary(fetch, valid)), snap };
};
