/**
 * Runs the engine's warm-up (query/warmup.ts) once per engine, while the page is idle: after the
 * first view's queries are answered and no other has been sent for a moment, one statement at a
 * time, pausing whenever the page sends a query of its own until it is quiet again. When it is
 * done the page's root carries `data-engine="warm"` (bench:explore waits for it before a warm
 * visit, as a reader reads the first view before choosing the next). It is an optimisation: a
 * statement that fails ends it (`data-engine="unwarmed"`) and the page goes on as without it.
 */
import { WARMUP, WARMUP_FILE } from '../query/warmup';
import type { Engine } from './engine';

/** The page root's `data-engine`: `warm` when every statement ran, `unwarmed` when one failed. */
function mark(state: 'warm' | 'unwarmed'): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.engine = state;
}

/** How long no query may be in flight before the next statement runs. */
const QUIET_MS = 250;

/**
 * Warm `e` up once: the first statement when `quiet()` says the page's own queries are answered,
 * each next one at once unless the page is `busy()` again (then when it is quiet); stops early
 * when `live()` turns false (the engine was stopped).
 */
export async function warmUp(
  e: Engine,
  quiet: () => Promise<void>,
  busy: () => boolean,
  live: () => boolean,
): Promise<void> {
  try {
    await e.db.registerEmptyFileBuffer(WARMUP_FILE);
    for (const [i, q] of WARMUP.entries()) {
      // After the first, the next statement follows at once unless the page sent a query.
      if (i === 0 || busy()) await quiet();
      if (!live()) return;
      const stmt = await e.conn.prepare(q.sql);
      try {
        await stmt.query(...q.params);
      } finally {
        await stmt.close();
      }
    }
    mark('warm');
  } catch {
    // The engine answers every query without it, only slower the first time.
    mark('unwarmed');
  } finally {
    await e.db.dropFile(WARMUP_FILE).catch(() => undefined);
  }
}

/** Resolves once `pending()` has stayed empty for QUIET_MS (`settled`: what is in flight now). */
export async function quietFor(
  pending: () => number,
  settled: () => Promise<unknown>,
): Promise<void> {
  for (;;) {
    await settled();
    await new Promise((r) => setTimeout(r, QUIET_MS));
    if (pending() === 0) return;
  }
}
