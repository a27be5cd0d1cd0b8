/**
 * Run one statement or query. A failure names it (DuckDB's message alone does not say which of
 * the ingest's statements ran out of memory). INGEST_TIMING=1: each one's time, the process's
 * resident memory after it and its peak so far, and its first words on stderr (where the time
 * and the memory go).
 */
export async function timed<T>(sql: string, f: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const head = (n: number) => sql.replace(/\s+/g, ' ').trim().slice(0, n);
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    throw new Error(`${e.message}\n(in the ingest's statement: ${head(200)} …)`, {
      cause: e,
    });
  } finally {
    if (process.env.INGEST_TIMING) {
      const mb = (b: number) => Math.round(b / 2 ** 20);
      console.error(
        `  ${((Date.now() - started) / 1000).toFixed(1)} s  rss ${mb(process.memoryUsage.rss())} MB` +
          ` (peak ${mb(process.resourceUsage().maxRSS * 1024)} MB)  ${head(80)}`,
      );
    }
  }
}
