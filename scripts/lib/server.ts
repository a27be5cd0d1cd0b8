/**
 * A small static server that answers HTTP Range requests the way GitHub Pages does (206 with
 * Content-Range, suffix ranges, 416 when unsatisfiable, Parquet never compressed), which `vite preview`
 * does not (design-notes.md, "Serving and testing"). Every request is logged so tests can assert
 * byte and request budgets and that nothing leaves the origin.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface RequestLog {
  method: string;
  path: string;
  range: string | null;
  status: number;
  bytes: number;
}

export interface ServeOptions {
  /** The built site (adapter-static output). */
  root: string;
  /** The site's base path, e.g. '/repo-name' ('' for none). */
  base?: string;
  /** Serve `${base}/data/…` from this folder instead of root/data. */
  dataDir?: string;
  onRequest?: (entry: RequestLog) => void;
  /**
   * Gzip the site's own assets (HTML, JS, CSS, JSON, wasm) and the data's JSON (the manifest, the
   * headline files) for clients that accept it, as GitHub Pages does, so transfer sizes are
   * realistic. Never the data's Parquet (read by ranges), never a ranged request.
   */
  gzip?: boolean;
  /**
   * Answer cross-origin reads (CORS, as object storage or a CDN does for a site built with
   * DATA_URL): allow any origin, expose Content-Range, answer preflights.
   */
  cors?: boolean;
}

const GZIP_TYPES = new Set([
  '.html',
  '.js',
  '.css',
  '.json',
  '.wasm',
  '.svg',
  '.txt',
  '.map',
  '.xml',
]);
/** Compressed files by path, size and time: an ingest replaces `data/manifest.json` in place. */
const gzipped = new Map<string, Promise<Buffer>>();

function gzipOf({ file, size, mtimeMs }: Found): Promise<Buffer> {
  const key = `${file}\0${size}\0${mtimeMs}`;
  let p = gzipped.get(key);
  if (!p) {
    p = readFile(file).then((b) => gzipSync(b));
    gzipped.set(key, p);
  }
  return p;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.parquet': 'application/vnd.apache.parquet',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  // The Atom feeds of new projects (scripts/ingest/feeds.ts).
  '.xml': 'application/atom+xml; charset=utf-8',
};

/** A file found for a request: its size and time (what its compressed copy is cached by). */
interface Found {
  file: string;
  size: number;
  mtimeMs: number;
}

async function isFile(p: string): Promise<{ size: number; mtimeMs: number } | null> {
  const s = await stat(p).catch(() => null);
  return s?.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
}

/** Map a URL path below the base to a file: exact, then `.html`, then `/index.html`. */
async function resolveFile(opts: ServeOptions, rel: string): Promise<Found | null> {
  const parts = rel.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return null;
  const inData = parts[0] === 'data' && opts.dataDir;
  const root = path.resolve(inData ? opts.dataDir! : opts.root);
  const sub = inData ? parts.slice(1) : parts;
  const candidates =
    sub.length === 0
      ? ['index.html']
      : [sub.join('/'), `${sub.join('/')}.html`, `${sub.join('/')}/index.html`];
  for (const c of candidates) {
    const file = path.join(root, c);
    if (!file.startsWith(root + path.sep)) return null;
    const got = await isFile(file);
    if (got) return { file, ...got };
  }
  return null;
}

/** Parse a single `bytes=` range against a size; null = not satisfiable, 'all' = ignore. */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | null | 'all' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'all'; // multiple or malformed ranges: send the whole file
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) return null;
  return { start, end };
}

function cacheControl(rel: string): string {
  // Content-addressed: build assets and dataset snapshots never change under the same name.
  if (rel.startsWith('/_app/immutable/') || /^\/data\/s-[0-9a-f]{16}\//.test(rel)) {
    return 'public, max-age=31536000, immutable';
  }
  return 'no-cache';
}

export function createStaticServer(opts: ServeOptions): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(opts, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}

/** One request being answered: `done` logs it once its status and bytes are known. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  sent: number;
  done(status: number): void;
}

async function handle(opts: ServeOptions, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const x: Exchange = {
    req,
    res,
    sent: 0,
    done: (status) =>
      opts.onRequest?.({
        method: req.method ?? 'GET',
        path: url.pathname,
        range: req.headers.range ?? null,
        status,
        bytes: x.sent,
      }),
  };
  if (opts.cors && corsAnswered(x)) return;
  const rel = routed(x, url, opts.base ?? '');
  if (rel === null) return;
  const found = await resolveFile(opts, rel);
  if (!found) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return x.done(404);
  }
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[path.extname(found.file)] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Cache-Control': cacheControl(rel),
  };
  if (
    opts.gzip &&
    !req.headers.range &&
    (rel.startsWith('/data/')
      ? path.extname(found.file) === '.json'
      : GZIP_TYPES.has(path.extname(found.file))) &&
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  ) {
    return sendGzip(x, found, headers);
  }
  sendFile(x, found, headers);
}

/** CORS headers on every answer; a preflight is answered here (true). */
function corsAnswered({ req, res, done }: Exchange): boolean {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader(
    'Access-Control-Expose-Headers',
    'Content-Range, Content-Length, Content-Encoding, Accept-Ranges',
  );
  if (req.method !== 'OPTIONS') return false;
  res
    .writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': 'Range, Cache-Control, If-None-Match',
      'Access-Control-Max-Age': '86400',
    })
    .end();
  done(204);
  return true;
}

/** The path under the base, or null when the request was answered here (405, 400, 302, 404). */
function routed({ req, res, done }: Exchange, url: URL, base: string): string | null {
  const answer = (status: number, headers: Record<string, string> = {}, body?: string) => {
    res.writeHead(status, headers).end(body);
    done(status);
    return null;
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return answer(400);
  }
  if (base && pathname === '/') return answer(302, { Location: `${base}/` });
  if (base && pathname !== base && !pathname.startsWith(`${base}/`))
    return answer(404, {}, 'not found');
  return pathname.slice(base.length) || '/';
}

async function sendGzip(x: Exchange, found: Found, headers: Record<string, string | number>) {
  const body = await gzipOf(found);
  x.res.writeHead(200, {
    ...headers,
    'Content-Encoding': 'gzip',
    'Content-Length': body.length,
    Vary: 'Accept-Encoding',
  });
  if (x.req.method === 'HEAD') x.res.end();
  else {
    x.sent = body.length;
    x.res.end(body);
  }
  x.done(200);
}

/** The file, or the range asked of it (206; 416 when it cannot be served). */
function sendFile(
  x: Exchange,
  found: { file: string; size: number },
  headers: Record<string, string | number>,
) {
  const { req, res } = x;
  let start = 0;
  let end = found.size - 1;
  let status = 200;
  if (req.headers.range) {
    const r = parseRange(req.headers.range, found.size);
    if (r === null) {
      res.writeHead(416, { 'Content-Range': `bytes */${found.size}` }).end();
      return x.done(416);
    }
    if (r !== 'all') {
      ({ start, end } = r);
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${found.size}`;
    }
  }
  headers['Content-Length'] = found.size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || found.size === 0) {
    res.end();
    return x.done(status);
  }
  const stream = createReadStream(found.file, { start, end });
  stream.on('data', (chunk) => (x.sent += chunk.length));
  stream.on('error', () => res.destroy());
  res.on('close', () => {
    stream.destroy();
    x.done(status);
  });
  stream.pipe(res);
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
