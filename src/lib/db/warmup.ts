/**
 * Runs the engine's warm-up (query/warmup.ts) once per engine, while the page is idle: after the
 * first view's queries are answered and no other has been sent for a moment, one statement at a
 * time, pausing whenever the page sends a query of its own until it is quiet again. When it is
 * done the page's root carries `data-engine="warm"` (bench:explore waits for it before a warm
 * visit, as a reader reads the first view before choosing the next). It is an optimisation: a
 * statement that fails ends it (`data-engine="unwarmed"`) and the page goes on as without it.
 */
import { WARMUP, WARMUP_FILE } from '../query/warmup';
import { runPrepared, type Engine } from './engine';

/** The page root's `data-engine`: `warm` when every statement ran, `unwarmed` when one failed. */
function mark(state: 'warm' | 'unwarmed'): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.engine = state;
}

/** How long no query may be in flight before the next statement runs. */
const QUIET_MS = 250;

/** What the page's queries are doing (index.ts): the warm-up gives way to them. */
export interface PageQueries {
  /** The page's queries sent and not answered yet. */
  inFlight: ReadonlySet<unknown>;
  /** Settles when those in flight now are answered. */
  settled: () => Promise<unknown>;
  /** False once this engine was stopped. */
  live: () => boolean;
}

/**
 * Warm `e` up once: the first statement once the page's queries are answered and it has been
 * quiet for QUIET_MS, each next one at once unless the page has sent a query again (then once
 * it is quiet); stops early when the engine was stopped.
 */
export async function warmUp(e: Engine, page: PageQueries): Promise<void> {
  try {
    await e.db.registerEmptyFileBuffer(WARMUP_FILE);
    for (const [i, q] of WARMUP.entries()) {
      if (i === 0 || page.inFlight.size > 0) await quiet(page);
      if (!page.live()) return;
      await runPrepared(e.conn, q.sql, q.params);
    }
    mark('warm');
  } catch {
    // The engine answers every query without it, only slower the first time.
    mark('unwarmed');
  } finally {
    await e.db.dropFile(WARMUP_FILE).catch(() => undefined);
  }
}

/** Resolves once the page has had no query in flight for QUIET_MS. */
async function quiet(page: PageQueries): Promise<void> {
  for (;;) {
    await page.settled();
    await new Promise((r) => setTimeout(r, QUIET_MS));
    if (page.inFlight.size === 0) return;
  }
}
