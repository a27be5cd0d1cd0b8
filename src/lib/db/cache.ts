/**
 * The page's lookups, memoised per snapshot (keys start with the snapshot id): each a bounded map
 * of promises. A failed lookup is forgotten, so a retry asks again.
 */
import { engineStopped } from './engine';

export class Memo<T> {
  private readonly map = new Map<string, Promise<T>>();
  /**
   * Emptied when it holds more than `limit` entries, before anything new is added; and when the
   * engine is stopped (the SQL console's last resort), since an answer may name a table that
   * lived in it (a search's or a flag's hits).
   */
  constructor(private readonly limit = 20_000) {
    engineStopped.add(() => this.map.clear());
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** What is kept (or being made) for the key, without making it. */
  peek(key: string): Promise<T> | undefined {
    return this.map.get(key);
  }

  get(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.map.get(key);
    if (!p) {
      p = make();
      this.set(key, p);
    }
    return p;
  }

  /** Keep a promise made elsewhere (one of several a single query answers). */
  set(key: string, p: Promise<T>): void {
    p.catch(() => {
      if (this.map.get(key) === p) this.map.delete(key);
    });
    this.map.set(key, p);
  }

  /** Make room first: call before deciding which keys are missing. */
  trim(): void {
    if (this.map.size > this.limit) this.map.clear();
  }
}

/** A cache key: the snapshot, then the parts (NUL-separated: no part contains NUL). */
export function memoKey(snapshot: string, ...parts: readonly unknown[]): string {
  return [snapshot, ...parts.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))].join(
    '\u0000',
  );
}
