/**
 * Atomic publishing: a run writes a complete snapshot into a fresh folder beside the published
 * one, then replaces manifest.json with one rename. Readers follow the manifest, so they see the
 * old dataset or the new one, never half of each; an interrupted run leaves a stray folder that
 * the next run removes, and the previous data untouched.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  return Boolean(pid) && pid !== process.pid && alive(pid);
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

/** How many published snapshots stay readable: the new one and the two before it. */
export const KEEP_SNAPSHOTS = 3;

/** A published snapshot as the manifest lists it, newest first. */
export interface PublishedSnapshot {
  id: string;
  built_at: string;
  /** The date it records for the projects it added, and how many (schema 16). */
  first_seen?: string;
  added?: number;
  /** The first snapshot of its folder: every project was new (the feeds leave it out). */
  initial?: boolean;
}

/** The snapshots a manifest lists after publishing `self`: it, then the newest of the others. */
export function keptSnapshots(
  self: PublishedSnapshot,
  previous: readonly PublishedSnapshot[],
  keep = KEEP_SNAPSHOTS,
): PublishedSnapshot[] {
  return [self, ...previous.filter((p) => p.id !== self.id)].slice(0, Math.max(1, keep));
}

/** How a manifest lists its own snapshot among `snapshots`. */
export function listed(manifest: {
  snapshot_id: string;
  built_at: string;
  first_seen?: { date: string; added: number; initial: boolean };
}): PublishedSnapshot {
  const seen = manifest.first_seen;
  return {
    id: manifest.snapshot_id,
    built_at: manifest.built_at,
    ...(seen ? { first_seen: seen.date, added: seen.added, initial: seen.initial } : {}),
  };
}

/**
 * Move the staged snapshot into place and swap the manifest. The previous snapshots stay (the
 * `keep` newest, as the manifest lists them), so open pages and pinned links keep reading the
 * files they started with; older ones are removed.
 */
export async function publish(
  out: string,
  staging: string,
  id: string,
  manifest: {
    snapshot_id: string;
    built_at: string;
    snapshots?: PublishedSnapshot[];
    first_seen?: { date: string; added: number; initial: boolean };
  },
  keep = KEEP_SNAPSHOTS,
  feeds: string | null = null,
): Promise<void> {
  const final = path.join(out, `s-${id}`);
  // The id is a hash of the content: a folder already there holds the same files (and may be
  // being read), so it stays as it is.
  if (await stat(final).catch(() => null)) await rm(staging, { recursive: true, force: true });
  else await rename(staging, final);
  const kept = keptSnapshots(listed(manifest), await publishedSnapshots(out), keep);
  manifest.snapshots = kept;
  const tmp = path.join(out, `.manifest-${process.pid}.json`);
  // Without indentation: every visit reads it before its first number, and a data host may not
  // compress it (54.3 → 41.4 KB at 6M rows; `jq . manifest.json` shows it indented).
  await writeFile(tmp, JSON.stringify(manifest) + '\n');
  await rename(tmp, path.join(out, 'manifest.json'));
  if (feeds) await swapFeeds(out, feeds);
  await removeStale(out, new Set(kept.map((k) => `s-${k.id}`)));
}

/**
 * Put the new feeds in place of the old (`feeds/` keeps its URLs across snapshots): the old folder
 * is moved aside, the new one renamed in, the old one removed.
 */
async function swapFeeds(out: string, feeds: string): Promise<void> {
  const final = path.join(out, 'feeds');
  const old = path.join(out, `.feeds-old-${process.pid}`);
  if (await stat(final).catch(() => null)) await rename(final, old);
  await rename(feeds, final);
  await rm(old, { recursive: true, force: true });
}

/** The snapshots the published manifest lists (newest first), or its own one for older manifests. */
export async function publishedSnapshots(out: string): Promise<PublishedSnapshot[]> {
  const text = await readFile(path.join(out, 'manifest.json'), 'utf8').catch(() => null);
  if (!text) return [];
  const m = JSON.parse(text) as {
    snapshot_id: string;
    built_at: string;
    snapshots?: PublishedSnapshot[];
  };
  return m.snapshots ?? [{ id: m.snapshot_id, built_at: m.built_at }];
}

/** Drop snapshots no manifest lists any more, and leftovers of interrupted runs. */
async function removeStale(out: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(out)) {
    if (SNAPSHOT_DIR.test(name) && !keep.has(name))
      await rm(path.join(out, name), { recursive: true, force: true });
  }
  await removeLeftovers(out);
}

/** Another ingest is publishing into the same folder. */
export class LockedError extends Error {}

/**
 * One ingest at a time per output folder: `.lock` holds the owner's pid. A lock whose process is
 * gone (killed) is taken over; a live one refuses the run, so two runs never publish over each
 * other or remove what the other just published. The lock appears with its pid already in it
 * (written beside it, then hard-linked into place): created empty and filled after, a second run
 * could read it in between, take it for abandoned, and run beside the first.
 */
export async function lockOutput(out: string): Promise<() => Promise<void>> {
  await mkdir(out, { recursive: true });
  const file = path.join(out, '.lock');
  const mine = `${file}-${process.pid}`;
  await writeFile(mine, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, file);
        return () => rm(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = Number(await readFile(file, 'utf8').catch(() => ''));
        if (owner && owner !== process.pid && alive(owner)) {
          throw new LockedError(
            `another ingest (pid ${owner}) is publishing into ${out}; wait for it to finish, or give another --out`,
          );
        }
        await rm(file, { force: true }); // its owner is gone
      }
    }
    throw new LockedError(`cannot take the lock ${file}`);
  } finally {
    await rm(mine, { force: true });
  }
}

/** Whether a process of this machine is still running (a lock's owner). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove what interrupted runs left (staging folders, temporary manifests). Never touches a
 * snapshot folder: the published one must survive any run that does not complete.
 */
export async function removeLeftovers(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    const leftover =
      STAGING_DIR.test(name) ||
      /^\.manifest-\d+\.json$/.test(name) ||
      /^\.lock-\d+$/.test(name) ||
      /^\.feeds-(old-)?\d+$/.test(name);
    if (leftover && !ownerAlive(name))
      await rm(path.join(out, name), { recursive: true, force: true });
  }
}
