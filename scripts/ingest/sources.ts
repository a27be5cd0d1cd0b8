/**
 * Turn what users pass (files, folders, globs; plain, .gz or .zip; UTF-8 or TIS-620/Windows-874)
 * into UTF-8 files the readers can take. Decompressed and transcoded copies go to the work folder.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import yauzl from 'yauzl';

export class SourceError extends Error {}

export interface Source {
  /** Name shown in the summary, the manifest and rejects.csv (`part.zip!inner.csv` for zips). */
  name: string;
  /** The file as given (for size and hash in the manifest). */
  original: string;
  /** A UTF-8 file to read. */
  path: string;
  kind: 'csv' | 'json';
  /** Set when the file was transcoded from a Thai legacy encoding. */
  encoding: 'utf-8' | 'windows-874';
}

const DATA_EXT = /\.(csv|json|jsonl|ndjson)(\.gz)?$|\.zip$/i;
/** What `npm run fetch` writes beside the files: a record of them, not data. */
const NOT_DATA = new Set(['fetched.json']);

/** Files, folders (their data files, in name order) and globs → input files. */
export async function expandInputs(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    if (isDynamicPattern(p)) {
      const found = (await glob(p, { onlyFiles: true })).sort();
      if (found.length === 0) throw new SourceError(`${p}: no file matches`);
      files.push(...found);
      continue;
    }
    const s = await stat(p).catch(() => null);
    if (!s) throw new SourceError(`${p}: no such file or folder`);
    if (s.isDirectory()) {
      // Sub-folders too (an OCDS download holds `records/` and `releases/`), in path order.
      const names = (await glob('**/*', { cwd: p, onlyFiles: true }))
        .filter((n) => DATA_EXT.test(n) && !NOT_DATA.has(path.basename(n)))
        .sort();
      if (names.length === 0)
        throw new SourceError(`${p}: no .csv, .json, .gz or .zip file in the folder or below it`);
      files.push(...names.map((n) => path.join(p, n)));
    } else files.push(p);
  }
  return files;
}

function kindOf(name: string): 'csv' | 'json' {
  return /\.(json|jsonl|ndjson)(\.gz)?$/i.test(name) ? 'json' : 'csv';
}

/** UTF-8, Windows-874 (TIS-620 is its subset), or null when it is neither. */
export function detectEncoding(head: Buffer): 'utf-8' | 'windows-874' | null {
  // Cut at the last complete character so a multi-byte sequence split by the window is fine.
  let end = head.length;
  while (end > 0 && end > head.length - 4 && (head[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    // not UTF-8: try the Thai code page
  }
  const text = new TextDecoder('windows-874').decode(head);
  const high = [...text].filter((c) => c.charCodeAt(0) > 0x7f);
  const thai = high.filter((c) => c >= '\u0e00' && c <= '\u0e7f').length;
  return high.length > 0 && thai / high.length >= 0.9 && !text.includes('\ufffd')
    ? 'windows-874'
    : null;
}

/** The first `n` bytes of a file (fewer when it is shorter). */
export async function head(file: string, n = 1 << 20): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function windows874ToUtf8(): Transform {
  const decoder = new TextDecoder('windows-874', { fatal: true });
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true })));
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode()));
    },
  });
}

/** Members a zip tool adds beside the data: macOS resource forks and Finder files, folders. */
function notDataMember(name: string): string | null {
  if (name.endsWith('/')) return null; // a folder: nothing to say
  if (/(^|\/)__MACOSX\//.test(name) || /(^|\/)\._/.test(name)) return 'a macOS resource fork';
  if (/(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini)$/i.test(name)) return 'a file manager’s file';
  if (/\.zip$/i.test(name)) return 'a zip inside the zip';
  if (!DATA_EXT.test(name)) return 'not a .csv or .json file';
  return '';
}

/** The data members of a zip, each extracted to its own file, named by its full path inside. */
async function extractZip(
  file: string,
  into: string,
  log: (line: string) => void,
): Promise<{ member: string; path: string }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out: { member: string; path: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const skip = notDataMember(name);
      if (skip !== '') {
        if (skip) log(`${path.basename(file)}!${name}: skipped (${skip})`);
        return zip.readEntry();
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const target = path.join(into, `${out.length}-${path.basename(name)}`);
        out.push({ member: name, path: target });
        pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
  return out;
}

/**
 * Make one input readable: unzip (every data file inside), gunzip, transcode Windows-874.
 * Returns one source per data file; names say where each came from.
 */
export async function prepare(
  file: string,
  work: string,
  log: (line: string) => void = () => {},
): Promise<Source[]> {
  const dir = path.join(work, 'sources', String(Math.random()).slice(2));
  await mkdir(dir, { recursive: true });
  let parts: { name: string; path: string }[];
  if (/\.zip$/i.test(file)) {
    const inner = await extractZip(file, dir, log).catch((e: Error) => {
      throw new SourceError(`${file}: not a readable zip (${e.message})`);
    });
    if (inner.length === 0) throw new SourceError(`${file}: the zip holds no .csv or .json file`);
    parts = inner.map((p) => ({ name: `${path.basename(file)}!${p.member}`, path: p.path }));
  } else parts = [{ name: path.basename(file), path: file }];

  const sources: Source[] = [];
  for (const part of parts) {
    let p = part.path;
    if (/\.gz$/i.test(p)) {
      const target = path.join(dir, path.basename(p).replace(/\.gz$/i, ''));
      await pipeline(createReadStream(p), createGunzip(), createWriteStream(target)).catch(
        (e: Error) => {
          throw new SourceError(`${part.name}: not a readable gzip file (${e.message})`);
        },
      );
      p = target;
    }
    const encoding = detectEncoding(await head(p));
    if (!encoding) {
      throw new SourceError(
        `${part.name}: cannot tell its text encoding (neither UTF-8 nor TIS-620/Windows-874)`,
      );
    }
    if (encoding === 'windows-874') {
      const target = path.join(dir, `utf8-${path.basename(p)}`);
      await pipeline(createReadStream(p), windows874ToUtf8(), createWriteStream(target)).catch(
        (e: Error) => {
          throw new SourceError(
            `${part.name}: bytes that are not TIS-620/Windows-874 (${e.message})`,
          );
        },
      );
      p = target;
    }
    sources.push({ name: part.name, original: file, path: p, kind: kindOf(part.name), encoding });
  }
  return sources;
}
