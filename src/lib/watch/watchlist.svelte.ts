/**
 * The reader's watchlist in the browser's local storage (items.ts says what an item is): read once
 * per page, written on every change, and kept in step with other tabs (the `storage` event).
 */
import type { Manifest } from '../schema/tables';
import { checkItem, itemId, MAX_ITEMS, seenNow, type WatchItem, type WatchKind } from './items';

const STORAGE = 'phasi-pai-nai:following';

class Watchlist {
  items = $state<WatchItem[]>([]);
  /** Storage refused (private mode, disabled, full): the list lives only in this page. */
  failed = $state(false);
  private loaded = false;

  /** Read the stored list (in the browser; a no-op while prerendering). */
  load(): void {
    if (this.loaded || typeof localStorage === 'undefined') return;
    this.loaded = true;
    this.read();
    addEventListener('storage', (e) => {
      if (e.key === STORAGE) this.read();
    });
  }

  private read(): void {
    try {
      const raw = JSON.parse(localStorage.getItem(STORAGE) ?? '{}') as { items?: unknown[] };
      this.items = (raw.items ?? [])
        .map((x) => checkItem(x as Partial<WatchItem>))
        .filter((x): x is WatchItem => x !== null)
        .slice(0, MAX_ITEMS);
    } catch {
      this.failed = true;
    }
  }

  private save(): void {
    try {
      localStorage.setItem(STORAGE, JSON.stringify({ version: 1, items: this.items }));
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }

  has(kind: WatchKind, key: string): boolean {
    return this.items.some((x) => itemId(x) === itemId({ kind, key }));
  }

  /** Follow something as of the manifest's snapshot (what is new is counted from it). */
  follow(kind: WatchKind, key: string, title: string, m: Manifest): void {
    if (this.has(kind, key) || this.items.length >= MAX_ITEMS) return;
    this.items = [...this.items, { kind, key, title, ...seenNow(m) }];
    this.save();
  }

  unfollow(kind: WatchKind, key: string): void {
    this.items = this.items.filter((x) => itemId(x) !== itemId({ kind, key }));
    this.save();
  }

  /** Everything seen as of the manifest's snapshot. */
  markSeen(m: Manifest): void {
    this.items = this.items.map((x) => ({ ...x, ...seenNow(m) }));
    this.save();
  }

  /** Add imported items (those already followed keep their own state); returns how many were new. */
  add(items: readonly WatchItem[]): number {
    const fresh = items.filter((i) => !this.has(i.kind, i.key));
    this.items = [...this.items, ...fresh].slice(0, MAX_ITEMS);
    this.save();
    return fresh.length;
  }
}

export const watchlist = new Watchlist();
