import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Real records, read in place (never copied into the repository). */
export const REAL = path.resolve(ROOT, '../shared/data/real');
export const DRONE_CSV = path.join(REAL, 'egp-drone-2565-2568/egp_drone_projects.csv');
export const ICS_CSV = path.join(REAL, 'egp-drone-2565-2568/ics_egp_contracts.csv');
export const DGA_CSV = path.join(REAL, 'dga-egp-2568-sample250/dga-egp-contract-2568-250.csv');
export const CFT_CSV = path.join(REAL, 'cft-lao-2560-2561/projects_flat.csv');
/**
 * Scratch space for tests: a folder on the RAM disk (/dev/shm) where the machine has one, else
 * tmp/ (gitignored); `TEST_TMP` names another. An ingest writes thousands of small files (the
 * drone set's headline files and feeds: ~5,400), and on this machine's disk making and removing
 * them made a drone ingest about a third slower (docs/benchmarks.md, session 28).
 */
export const TMP = process.env.TEST_TMP || ramDisk() || path.join(ROOT, 'tmp');

function ramDisk(): string | null {
  try {
    accessSync('/dev/shm', constants.W_OK);
  } catch {
    return null;
  }
  // One folder per checkout: two clones' runs must not share fixtures.
  return `/dev/shm/phasi-pai-nai-tests-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`;
}
