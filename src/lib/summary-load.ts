/**
 * The small aggregates the ingest writes (`agg/summary.json`), read by the pages prerendered from
 * them (the landing page, /new): the build reads its local copy, a browser wherever the data
 * lives. `snap`: an earlier snapshot the manifest still keeps (a 6+ character prefix of its id).
 */
import { building } from '$app/environment';
import { asset } from '$app/paths';
import { dataHref } from './data-url';
import { setCurrency } from './i18n/currency.svelte';
import type { Manifest, Summary } from './schema/tables';

export type SummaryLoad =
  | { summary: Summary; manifest: Manifest }
  | { summary: null; manifest: Manifest | null; missing?: string };

export async function loadSummary(
  fetch: typeof globalThis.fetch,
  snap: string | null = null,
): Promise<SummaryLoad> {
  const href = (p: string) => (building ? asset(`/data/${p}` as '/') : dataHref(p));
  const res = await fetch(href('manifest.json'));
  if (!res.ok) return { summary: null, manifest: null };
  const manifest = (await res.json()) as Manifest;
  setCurrency(manifest.currency); // labels name the dataset's currency (prerendered HTML too)
  let path = manifest.files.find((f) => f.table === 'aggregates')?.path;
  if (snap && !manifest.snapshot_id.startsWith(snap)) {
    const kept = manifest.snapshots?.find((s) => s.id.startsWith(snap));
    if (!kept) return { summary: null, manifest, missing: snap };
    path = `s-${kept.id}/agg/summary.json`;
  }
  if (!path) return { summary: null, manifest };
  const s = await fetch(href(path));
  if (!s.ok) throw new Error(`${path}: HTTP ${s.status}`);
  return { summary: (await s.json()) as Summary, manifest };
}
