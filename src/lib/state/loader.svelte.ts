/**
 * One value loaded in the browser, with its state. Each load is numbered: a slower earlier load
 * never overwrites a later one (the profiles reload when their URL changes).
 */
export class Loader<T> {
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  value = $state.raw<T | null>(null);
  private run = 0;

  async load(make: () => Promise<T | null>): Promise<T | null> {
    const id = ++this.run;
    this.status = 'loading';
    this.error = null;
    this.value = null; // never show a value of other inputs as this load's
    try {
      const v = await make();
      if (id !== this.run) return null;
      this.value = v;
      this.status = 'ready';
      return v;
    } catch (e) {
      if (id !== this.run) return null;
      this.error = e instanceof Error ? e.message : String(e);
      this.status = 'error';
      return null;
    }
  }
}
