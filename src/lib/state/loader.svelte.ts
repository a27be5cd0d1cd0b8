/**
 * One value loaded in the browser, with its state. Each load is numbered: a slower earlier load
 * never overwrites a later one (the profiles reload when their URL changes).
 */

/** Loads settled so far in this page, over every loader (each `finished` takes the next). */
let settled = 0;

export class Loader<T> {
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  value = $state.raw<T | null>(null);
  /**
   * When this loader's latest load settled (ready or failed), counted over the whole page: it
   * only grows, also from one profile page to the next (their `data-run`, which tests wait on).
   */
  finished = $state(0);
  private run = 0;

  async load(make: () => Promise<T | null>): Promise<T | null> {
    const id = this.reset();
    try {
      const v = await make();
      if (id !== this.run) return null;
      this.value = v;
      this.status = 'ready';
      this.finished = ++settled;
      return v;
    } catch (e) {
      if (id !== this.run) return null;
      this.error = e instanceof Error ? e.message : String(e);
      this.status = 'error';
      this.finished = ++settled;
      return null;
    }
  }

  /**
   * Back to loading with no value, and a load still running dropped: its inputs changed. The
   * new load's number.
   */
  reset(): number {
    this.status = 'loading';
    this.error = null;
    this.value = null; // never show a value of other inputs as this load's
    return ++this.run;
  }
}
