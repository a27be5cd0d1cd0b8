/** What an ingest's DuckDB may use: its memory before it spills, and its threads. */

/**
 * What DuckDB may hold in memory before it spills to temporary disk. The process's peak is about
 * 0.7 GB above it at 6M rows and 1.2 GB above it at 21M; 3GB instead of 4GB cost no measurable
 * time at 6M and put the 21M peak at 4.2 GB instead of 6.2 GB (docs/benchmarks.md).
 */
export const DEFAULT_MEMORY_LIMIT = '3GB';
/**
 * DuckDB's threads: `threads` if given, else `INGEST_THREADS` from the environment, else 2 (the
 * machines the figures in docs/benchmarks.md come from have two cores). The tests set 1: their
 * two workers already fill both cores, and a second thread per ingest cost about 15% more CPU on
 * their small inputs.
 */
export function ingestThreads(threads?: number): number {
  const raw = process.env.INGEST_THREADS;
  const n = threads ?? Number(raw || 2);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `${threads === undefined ? 'INGEST_THREADS' : 'threads'} takes a whole number of threads such as 4, not "${threads ?? raw}"`,
    );
  return n;
}
/** A memory size DuckDB accepts, as the CLI takes it: a number and MB or GB. */
export const MEMORY_SIZE = /^\d+(\.\d+)?\s*(MB|GB)$/i;
