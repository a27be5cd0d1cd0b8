/**
 * A hash of the code that makes the shared test datasets: the ingest, the generator, the lockfile
 * and the site's modules the ingest imports (schema, search, query, headline files, Thai
 * formatting: an edit of a flag rule or a sort order changes what the ingest writes; before, the
 * query modules were left out and such an edit was tested on the old datasets), and the helper
 * that says what each dataset is (tests/helpers/fixtures.ts: the generated sets' rows and
 * options, the drone set's history; the e2e builds carry the demo set, so its change must build
 * them again).
 * vitest.config.ts computes it once per run and hands it to every worker, so an edit made while
 * the tests run does not send half of them to other folders.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const CODE = [
  'scripts/ingest',
  'scripts/ingest.ts',
  'scripts/generate.ts',
  'scripts/lib',
  'src/lib/schema',
  'src/lib/search',
  'src/lib/query',
  'src/lib/headline',
  'src/lib/format',
  'tests/helpers/fixtures.ts',
  'package-lock.json',
];

/**
 * What the e2e global setup's site builds are made from besides those datasets: the site, its
 * build configuration and the setup itself (base path, planted names). `static/data` is a local
 * `npm start`'s, never part of a build here.
 */
const SITE = [
  'src',
  'static',
  'svelte.config.js',
  'vite.config.ts',
  'tsconfig.json',
  'package-lock.json',
  'tests/e2e/build.ts',
  'tests/e2e/global-setup.ts',
  'tests/e2e/setup-paths.ts',
  'tests/e2e/vite.config.ts',
];

function filesUnder(root: string, rel: string): string[] {
  if (rel === path.join('static', 'data')) return [];
  if (!statSync(path.join(root, rel)).isDirectory()) return [rel];
  return readdirSync(path.join(root, rel))
    .sort()
    .flatMap((f) => filesUnder(root, path.join(rel, f)));
}

function hashOf(root: string, parts: string[], seed: string): string {
  const h = createHash('sha256').update(seed);
  for (const f of parts.flatMap((c) => filesUnder(root, c)))
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(root, f)));
  return h.digest('hex').slice(0, 12);
}

export function codeKey(root: string): string {
  return hashOf(root, CODE, '');
}

/** The e2e builds' key: the site's code and the key of the datasets built into it. */
export function siteKey(root: string, fixtureKey: string): string {
  return hashOf(root, SITE, fixtureKey);
}

/**
 * Remove the datasets and builds made by other versions of that code (they would only pile up):
 * a name is kept when it ends with one of `keys`.
 */
export function pruneFixtures(dir: string, keys: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!keys.some((k) => n.replace(/\.lock$/, '').endsWith(`-${k}`)))
      rmSync(path.join(dir, n), { recursive: true, force: true });
  }
}
