/**
 * Explorer state: the manifest, the current filters' results and the loading state. Each run is
 * numbered; a slower earlier run never overwrites a later one (no stale results). Totals, facets
 * and charts come as one batch of queries (db/overview.ts) beside the table's page,
 * and are shown together.
 */
import { tick } from 'svelte';
import { fetchManifest, fileProgress, newerSnapshot } from '../db';
import { engineProgress } from '../db/engine';
import {
  dimensions,
  knownAgencyIds,
  knownVendor,
  suggestAgencies,
  suggestVendors,
  type Vendor,
} from '../db/lookup';
import { knownYears, overview, type Charts, type Facets, type Totals } from '../db/overview';
import {
  flagCounts,
  knownSearch,
  resolveFilters,
  type FlagCount,
  type Search,
} from '../db/resolve';
import { pageRows, projectDetail } from '../db/rows';
import type { ProjectDetail, ResultRow } from '../query/project-profile';
import { headlineView, type Headline } from '../headline/view';
import type { Filters } from '../query/filters';
import type { Dimensions, DimRow } from '../query/filters/resolve';
import type { Resolved } from '../query/plan';
import type { KnownHits } from '../query/search';
import type { Manifest } from '../schema/tables';

/** User Timing marks of a run, for bench:explore (scripts/bench/views.ts reads them by name). */
const MARK = {
  start: 'explorer:start',
  headline: 'explorer:headline',
  data: 'explorer:data',
  shown: 'explorer:shown',
};

function untilVisible(): Promise<void> {
  return new Promise((resolve) => {
    const on = () => {
      if (document.visibilityState === 'hidden') return;
      document.removeEventListener('visibilitychange', on);
      resolve();
    };
    document.addEventListener('visibilitychange', on);
  });
}

export class Explorer {
  state = $state<'loading' | 'ready' | 'error'>('loading');
  /** The headline numbers are final (from the headline files or the engine). */
  headline = $state<'loading' | 'ready'>('loading');
  /**
   * The numbers on screen came from the headline files (headline/view.ts); the engine is still
   * loading for the rest. `rowsPending`: the table's page waits for it too (a vendor's view).
   */
  get early(): boolean {
    return this.earlyCheck === 'shown' && this.state === 'loading';
  }
  /** Whether the headline files were asked for this view, and answered it (`data-early`). */
  earlyCheck = $state<'pending' | 'shown' | 'none'>('pending');
  rowsPending = $state(false);
  /** The method labels of the headline files, until the engine's dimensions are in. */
  earlyMethods = $state.raw<DimRow[]>([]);
  /** A frequent word's hits as its headline files have them, until the engine's search is in. */
  earlyHits = $state.raw<KnownHits | null>(null);
  /** The search of all fields followed only some of the names that have its words. */
  get tooManyOwners(): boolean {
    return (this.search ?? this.earlyHits)?.tooManyOwners ?? false;
  }
  error = $state<string | null>(null);
  /** The tab is in the background: the run waits until it is looked at (no CPU taken meanwhile). */
  waitingForVisible = $state(false);
  /** After a failed run: the snapshot the host publishes now, when it moved on from this page's. */
  newer = $state<string | null>(null);
  manifest = $state.raw<Manifest | null>(null);
  dims = $state.raw<Dimensions | null>(null);
  totals = $state.raw<Totals | null>(null);
  facets = $state.raw<Facets | null>(null);
  charts = $state.raw<Charts | null>(null);
  rows = $state.raw<ResultRow[]>([]);
  /** Integrity flags' counts under the filters (null while they are being computed). */
  flags = $state.raw<FlagCount[] | null>(null);
  flagsError = $state<string | null>(null);
  /**
   * Flags are computed only while their panel is open: they read more than the view itself
   * (every contract of the chosen years for the splitting and concentration rules).
   */
  flagsOpen = $state(false);
  vendor = $state.raw<Vendor | null>(null);
  /** The URL's values this snapshot has no row for (`key=value`), named on the page. */
  unknown = $state.raw<string[]>([]);
  /** The current keyword search's hits (null without `q`). */
  search = $state.raw<Search | null>(null);
  /** The filters resolved to ids, as the shown results used them (exports reuse them). */
  resolved = $state.raw<Resolved | null>(null);
  engineBytes = $state(0);
  detail = $state.raw<ProjectDetail | null>(null);
  detailFor = $state<string | null>(null);
  /** Runs finished (shown or failed): tests and benchmarks wait for it to grow. */
  finished = $state(0);
  private runId = 0;

  filesOpened = $state(0);

  /** Follow the engine's download and the files opened; returns what stops following them. */
  listen(): () => void {
    const engine = () => (this.engineBytes = engineProgress.loaded);
    const files = () => (this.filesOpened = fileProgress.opened);
    engine();
    files();
    engineProgress.listeners.add(engine);
    fileProgress.listeners.add(files);
    return () => {
      engineProgress.listeners.delete(engine);
      fileProgress.listeners.delete(files);
    };
  }

  get years(): number[] {
    return this.manifest?.fiscal_years ?? [];
  }

  async run(f: Filters): Promise<void> {
    const id = ++this.runId;
    const current = () => id === this.runId; // a newer run owns the screen
    // When the numbers were in and when they were on screen; only the last run's are kept.
    for (const n of Object.values(MARK)) performance.clearMarks(n);
    performance.mark(MARK.start);
    this.state = 'loading';
    this.error = null;
    this.newer = null;
    // Twenty links opened in background tabs would start twenty engines at once, each slowing the
    // tab being read: a hidden tab starts its queries when it is first shown.
    if (document.visibilityState === 'hidden') {
      this.waitingForVisible = true;
      await untilVisible();
      this.waitingForVisible = false;
      if (!current()) return;
    }
    this.headline = 'loading';
    this.earlyCheck = 'pending';
    this.earlyHits = null;
    let early = false;
    /**
     * The view from the headline files: its first page and (one year or all, national or a
     * name) its totals, facets and charts, which the engine then need not compute again.
     */
    let h: Headline | null = null;
    try {
      const m = this.manifest ?? (await fetchManifest());
      // The headline files first, when they answer this view (headlineView says null at once
      // when they do not): the engine starts after them, so its 4 MB do not share a slow link
      // with the few KB the first numbers need. Asked before the manifest is shown, so the
      // page's update does not delay them.
      const asked = m.headline ? headlineView(m, f) : null;
      this.manifest = m;
      if (asked) {
        h = await asked.catch(() => null);
        if (!current()) return;
        if (h) early = this.showEarly(h);
        // The name's ids, or the vendor, came with the files: the engine need not look them up.
        if (h?.agencyIds && f.agency) knownAgencyIds(m, f.agency, f.sub, h.agencyIds);
        if (h?.vendor && f.vendor) knownVendor(m, f.vendor, h.vendor);
        if (h?.hits && f.q) knownSearch(m, f.q, f.qin, h.hits);
      }
      if (!early) this.earlyCheck = 'none';
      this.dims ??= await dimensions(m);
      const { r, vendor, search, unknown } = await resolveFilters(m, f);
      // The view's projects per year, where the files or this page's earlier overview of it
      // give them (asked before this run's overview, which it would otherwise wait for).
      const years = h?.years ?? (await knownYears(m, r));
      const [{ totals: t, facets: fc, charts: ch }, rows] = await Promise.all([
        h?.overview ?? overview(m, r),
        h?.rows ?? pageRows(m, r, f.sort, f.page, years),
      ]);
      if (!current()) return;
      if (!early) performance.mark(MARK.headline);
      performance.mark(MARK.data);
      this.vendor = vendor;
      this.unknown = unknown;
      this.search = search;
      this.resolved = r;
      this.totals = t;
      this.facets = fc;
      this.charts = ch;
      this.rows = rows;
      this.flags = null;
      this.rowsPending = false;
      this.headline = 'ready';
      this.state = 'ready';
      this.finished++;
      await tick();
      if (current()) performance.mark(MARK.shown);
    } catch (e) {
      if (!current()) return;
      // No number of the previous view may stay on screen beside this view's URL (those of the
      // headline files are this view's).
      if (!early) {
        this.totals = null;
        this.rows = [];
      }
      this.facets = null;
      this.charts = null;
      this.resolved = null;
      this.unknown = [];
      this.flags = null;
      this.detailFor = null;
      this.detail = null;
      // A file gone because a newer dataset replaced this page's: say so rather than fail.
      const newer = this.manifest ? await newerSnapshot(this.manifest) : null;
      if (!current()) return;
      this.newer = newer;
      this.error = e instanceof Error ? e.message : String(e);
      this.state = 'error';
      this.finished++;
    }
  }

  /** This view's numbers from the headline files, shown while the engine loads. */
  private showEarly(h: Headline): boolean {
    performance.mark(MARK.headline);
    this.totals = h.totals;
    this.rows = h.rows ?? [];
    this.rowsPending = h.rows === null;
    this.vendor = h.vendor;
    this.earlyMethods = h.methods;
    this.earlyHits = h.hits;
    // What the files do not answer for this view is not shown beside its numbers until the
    // engine has.
    this.facets = h.overview?.facets ?? null;
    this.charts = h.overview?.charts ?? null;
    this.resolved = null;
    this.search = null;
    this.unknown = [];
    this.flags = null;
    this.earlyCheck = 'shown';
    this.headline = 'ready';
    return true;
  }

  /** Count every flag under the filters the shown results used (after them, never before). */
  async loadFlags(f: Filters): Promise<void> {
    const id = this.runId;
    const m = this.manifest;
    const r = this.resolved;
    if (!m || !r || this.state !== 'ready') return;
    this.flagsError = null;
    try {
      const flags = await flagCounts(m, r, f.th);
      if (id === this.runId) this.flags = flags;
    } catch (e) {
      if (id === this.runId) this.flagsError = e instanceof Error ? e.message : String(e);
    }
  }

  async open(row: ResultRow): Promise<void> {
    if (!this.manifest) return;
    this.detailFor = row.project_id;
    this.detail = null;
    const d = await projectDetail(this.manifest, row);
    if (this.detailFor === row.project_id) this.detail = d;
  }

  close(): void {
    this.detailFor = null;
    this.detail = null;
  }

  suggestAgencies(text: string) {
    return this.manifest ? suggestAgencies(this.manifest, text) : Promise.resolve([]);
  }

  suggestVendors(text: string) {
    return this.manifest ? suggestVendors(this.manifest, text) : Promise.resolve([]);
  }
}
