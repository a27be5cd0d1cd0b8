/**
 * Atomic publishing: a run writes a complete snapshot into a fresh folder beside the published
 * one, then replaces manifest.json with one rename. Readers follow the manifest, so they see the
 * old dataset or the new one, never half of each; an interrupted run leaves a stray folder that
 * the next run removes, and the previous data untouched.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function fileBytes(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** A leftover whose writing process still runs belongs to a concurrent ingest: leave it. */
function ownerAlive(name: string): boolean {
  const pid = Number(/-(\d+)/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SNAPSHOT_DIR = /^s-[0-9a-f]{16}$/;
const STAGING_DIR = /^\.staging-/;

export async function makeStagingDir(out: string): Promise<string> {
  await mkdir(out, { recursive: true });
  const dir = path.join(out, `.staging-${process.pid}-${Date.now()}`);
  await mkdir(dir);
  return dir;
}

/** The snapshot id is a hash of the content: the same inputs give the same id. */
export function snapshotId(entries: { path: string; sha256: string }[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => a.path.localeCompare(b.path)))
    h.update(`${e.path}\0${e.sha256}\n`);
  return h.digest('hex').slice(0, 16);
}

/** Move the staged snapshot into place and swap the manifest; then remove older snapshots. */
export async function publish(
  out: string,
  staging: string,
  id: string,
  manifest: object,
): Promise<void> {
  const final = path.join(out, `s-${id}`);
  await rm(final, { recursive: true, force: true });
  await rename(staging, final);
  const tmp = path.join(out, `.manifest-${process.pid}.json`);
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, path.join(out, 'manifest.json'));
  await removeStale(out, `s-${id}`);
}

/** Drop snapshots other than the one just published, and leftovers of interrupted runs. */
async function removeStale(out: string, keep: string): Promise<void> {
  for (const name of await readdir(out)) {
    if (SNAPSHOT_DIR.test(name) && name !== keep)
      await rm(path.join(out, name), { recursive: true, force: true });
  }
  await removeLeftovers(out);
}

/**
 * Remove what interrupted runs left (staging folders, temporary manifests). Never touches a
 * snapshot folder: the published one must survive any run that does not complete.
 */
export async function removeLeftovers(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    const leftover = STAGING_DIR.test(name) || /^\.manifest-\d+\.json$/.test(name);
    if (leftover && !ownerAlive(name))
      await rm(path.join(out, name), { recursive: true, force: true });
  }
}
