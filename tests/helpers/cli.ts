/** The ingest CLI as a user runs it (`npm run ingest -- ARGS`), for tests of exit codes and locks. */
export const INGEST_CLI = ['--import', 'tsx', 'scripts/ingest.ts'];

/** Arguments for `process.execPath` that run the ingest CLI on the real drone set's map. */
export function droneIngestArgs(out: string, ...files: string[]): string[] {
  return [...INGEST_CLI, '--no-cache', '--out', out, '--map', '_ปีงบ=budget_year', ...files];
}
