/**
 * The ingest's cache (`--cache`, default data/cache): the cleaned rows of each CSV and API JSON
 * source, and a memo of the input files as given, so a run over a folder where one file changed
 * re-reads that file only, and a run where nothing changed publishes nothing new.
 *
 * A source's cleaned rows depend on its bytes, its kind, the column maps and the cleaning rules;
 * the key hashes all four, so a change to any rule (the SQL text the rules compile to) makes every
 * cached source stale on its own.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLEAN_COLUMNS, dictionarySql, normalizeSql } from './normalize.ts';
import { sha256File } from './publish.ts';
import { ruleMacros } from './rules.ts';

/**
 * Bumped when what a cache entry holds changes meaning. 2: OCDS and empty JSON inputs are never
 * cached (format 1 saved OCDS files before their rows were merged, i.e. empty).
 */
const CACHE_FORMAT = 2;

const RULES = createHash('sha256')
  .update(JSON.stringify([ruleMacros(), normalizeSql('i', 'r'), dictionarySql('i'), CLEAN_COLUMNS]))
  .digest('hex');

export function cacheKey(sha256: string, kind: string, maps: ReadonlyMap<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify([CACHE_FORMAT, sha256, kind, [...maps].sort(), RULES]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * One key for everything a run's output depends on: each input file's name and content, the maps,
 * the cleaning rules and the other options. Equal keys publish equal snapshots.
 */
export function inputsKey(
  files: { name: string; sha256: string }[],
  maps: ReadonlyMap<string, string>,
  options: unknown,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        CACHE_FORMAT,
        files.map((f) => [f.name, f.sha256]),
        [...maps].sort(),
        RULES,
        options,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** A data file an input gave (itself, or a member of a zip), as the last run that read it saw it. */
export interface KnownSource {
  name: string;
  kind: 'csv' | 'json';
  encoding: 'utf-8' | 'windows-874';
  /** SHA-256 and size of the file the readers took (decompressed, transcoded). */
  sha256: string;
  bytes: number;
}

interface KnownInput {
  size: number;
  mtime_ms: number;
  sha256: string;
  sources?: KnownSource[];
}

/**
 * What the cache knows of each input file as given (by absolute path): its SHA-256 while its size
 * and modification time are unchanged (so an unchanged 600 MB part is not read to be hashed), and
 * the sources it gave, so a cached input is neither unzipped nor transcoded again.
 */
export class InputMemo {
  private constructor(
    private readonly file: string,
    private readonly known: Record<string, KnownInput>,
  ) {}

  static async load(cacheDir: string): Promise<InputMemo> {
    const file = path.join(cacheDir, 'inputs.json');
    const text = await readFile(file, 'utf8').catch(() => null);
    let known: Record<string, KnownInput> = {};
    try {
      if (text) known = JSON.parse(text) as Record<string, KnownInput>;
    } catch {
      known = {}; // a damaged memo only costs re-hashing
    }
    return new InputMemo(file, known);
  }

  /** The file's SHA-256, read only when its size or modification time changed. */
  async sha256(file: string): Promise<string> {
    const abs = path.resolve(file);
    const s = await stat(abs);
    const k = this.known[abs];
    if (k && k.size === s.size && k.mtime_ms === s.mtimeMs) return k.sha256;
    const sha256 = await sha256File(abs);
    this.known[abs] = { size: s.size, mtime_ms: s.mtimeMs, sha256 };
    return sha256;
  }

  /** The sources this input gave when its content was last read (call `sha256` first). */
  sourcesOf(file: string): KnownSource[] | null {
    return this.known[path.resolve(file)]?.sources ?? null;
  }

  remember(file: string, sources: KnownSource[]): void {
    const k = this.known[path.resolve(file)];
    if (k) k.sources = sources;
  }

  async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.known, null, 1) + '\n');
    await rename(tmp, this.file);
  }
}
