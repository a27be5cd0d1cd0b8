import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Real records, read in place (never copied into the repository). */
export const REAL = path.resolve(ROOT, '../shared/data/real');
export const DRONE_CSV = path.join(REAL, 'egp-drone-2565-2568/egp_drone_projects.csv');
export const ICS_CSV = path.join(REAL, 'egp-drone-2565-2568/ics_egp_contracts.csv');
export const DGA_CSV = path.join(REAL, 'dga-egp-2568-sample250/dga-egp-contract-2568-250.csv');
export const CFT_CSV = path.join(REAL, 'cft-lao-2560-2561/projects_flat.csv');
/** Scratch space for tests (gitignored). */
export const TMP = path.join(ROOT, 'tmp');
