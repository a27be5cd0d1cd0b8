/**
 * Explorer state: the manifest, the current filters' results and the loading state. Each run is
 * numbered; a slower earlier run never overwrites a later one (no stale results).
 */
import { explore, suggestAgencies, type ResultRow } from '$lib/db/explore';
import { fetchManifest } from '$lib/db';
import type { Filters } from '$lib/query/filters';
import type { Manifest } from '$lib/schema/tables';

export const ROW_LIMIT = 50;

export class Explorer {
  state = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  manifest = $state.raw<Manifest | null>(null);
  projects = $state<number | null>(null);
  budget = $state<string | null>(null);
  rows = $state.raw<ResultRow[]>([]);
  private runId = 0;

  get years(): number[] {
    return this.manifest?.fiscal_years ?? [];
  }

  async run(f: Filters): Promise<void> {
    const id = ++this.runId;
    this.state = 'loading';
    this.error = null;
    try {
      this.manifest ??= await fetchManifest();
      const r = await explore(this.manifest, f, ROW_LIMIT);
      if (id !== this.runId) return; // a newer run owns the screen
      this.projects = r.projects;
      this.budget = r.budget;
      this.rows = r.rows;
      this.state = 'ready';
    } catch (e) {
      if (id !== this.runId) return;
      this.error = e instanceof Error ? e.message : String(e);
      this.state = 'error';
    }
  }

  suggestAgencies(text: string): Promise<string[]> {
    return this.manifest ? suggestAgencies(this.manifest, text) : Promise.resolve([]);
  }
}
