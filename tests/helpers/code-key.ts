/**
 * A hash of the code that makes the shared test datasets: the ingest, the generator, the lockfile
 * and the site's modules the ingest imports (schema, search, query, headline files, Thai
 * formatting: an edit of a flag rule or a sort order changes what the ingest writes; before, the
 * query modules were left out and such an edit was tested on the old datasets).
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
  'package-lock.json',
];

function filesUnder(root: string, rel: string): string[] {
  if (!statSync(path.join(root, rel)).isDirectory()) return [rel];
  return readdirSync(path.join(root, rel))
    .sort()
    .flatMap((f) => filesUnder(root, path.join(rel, f)));
}

export function codeKey(root: string): string {
  const h = createHash('sha256');
  for (const f of CODE.flatMap((c) => filesUnder(root, c)))
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(root, f)));
  return h.digest('hex').slice(0, 12);
}

/** Remove the datasets built by other versions of that code (they would only pile up). */
export function pruneFixtures(dir: string, key: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.replace(/\.lock$/, '').endsWith(`-${key}`))
      rmSync(path.join(dir, n), { recursive: true, force: true });
  }
}
