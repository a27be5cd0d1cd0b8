/**
 * A local HTTP server that answers like data.go.th's CKAN: `package_show` in the documented shape
 * (`{help, success, result: {name, resources: [{id, name, url, format, size, last_modified,
 * hash}]}}`, and `{success: false, error}` with HTTP 404 for an unknown dataset), and resource
 * files with Range support. Faults can be planted per resource: an HTML error page, a 404, or a
 * connection cut after some bytes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, parseRange } from '../../scripts/lib/server';

export interface FakeResource {
  id: string;
  /** File name in the download URL. */
  name: string;
  body: Buffer;
  format?: string;
  last_modified?: string | null;
  /** CKAN's `hash` field as given (free-form); omitted means "". */
  hash?: string;
  /** CKAN's `size`; default the body's length, null for "not given". */
  size?: number | null;
  fault?: 'html' | '404' | { cutAfter: number; times: number };
}

export interface FileRequest {
  id: string;
  range: string | null;
  status: number;
  bytes: number;
}

export class FakeCkan {
  readonly packages = new Map<string, FakeResource[]>();
  readonly fileRequests: FileRequest[] = [];
  private server = createServer((req, res) => this.handle(req, res));
  origin = '';

  async start(): Promise<this> {
    const port = await listen(this.server, 0);
    this.origin = `http://127.0.0.1:${port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  /** Bytes of resource files sent since the log was last cleared. */
  bytesSent(): number {
    return this.fileRequests.reduce((n, r) => n + r.bytes, 0);
  }

  private resource(id: string): FakeResource | undefined {
    for (const rs of this.packages.values()) for (const r of rs) if (r.id === id) return r;
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname === '/api/3/action/package_show') {
      const slug = url.searchParams.get('id') ?? '';
      const rs = this.packages.get(slug);
      res.setHeader('Content-Type', 'application/json;charset=utf-8');
      if (!rs) {
        res.writeHead(404).end(
          JSON.stringify({
            help: `${this.origin}/api/3/action/help_show?name=package_show`,
            success: false,
            error: { message: 'Not found', __type: 'Not Found Error' },
          }),
        );
        return;
      }
      const result = {
        name: slug,
        title: slug,
        license_title: 'Creative Commons Attributions',
        resources: rs.map((r) => ({
          id: r.id,
          name: r.name,
          format: r.format ?? 'CSV',
          url: `${this.origin}/dataset/${slug}/resource/${r.id}/download/${encodeURIComponent(r.name)}`,
          size: r.size === undefined ? r.body.length : r.size,
          last_modified: r.last_modified ?? '2025-10-01T00:00:00.000000',
          hash: r.hash ?? '',
          mimetype: 'text/csv',
        })),
      };
      res.writeHead(200).end(JSON.stringify({ help: '', success: true, result }));
      return;
    }
    const m = /^\/dataset\/[^/]+\/resource\/([^/]+)\/download\//.exec(url.pathname);
    const r = m ? this.resource(m[1]!) : undefined;
    const range = req.headers.range ?? null;
    const log = (status: number, bytes: number) =>
      this.fileRequests.push({ id: r?.id ?? url.pathname, range, status, bytes });
    if (!r || r.fault === '404') {
      log(404, 0);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (r.fault === 'html') {
      const page = '<!DOCTYPE html><html><body><h1>ระบบปิดปรับปรุง</h1></body></html>';
      log(200, page.length);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    let start = 0;
    let end = r.body.length - 1;
    let status = 200;
    const headers: Record<string, string | number> = { 'Content-Type': 'text/csv' };
    if (range) {
      const p = parseRange(range, r.body.length);
      if (p === null) {
        log(416, 0);
        res.writeHead(416, { 'Content-Range': `bytes */${r.body.length}` }).end();
        return;
      }
      if (p !== 'all') {
        ({ start, end } = p);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${r.body.length}`;
      }
    }
    headers['Content-Length'] = end - start + 1;
    res.writeHead(status, headers);
    const fault = r.fault;
    if (fault && typeof fault === 'object' && fault.times > 0) {
      fault.times--;
      const n = Math.max(0, fault.cutAfter - start);
      log(status, n);
      res.write(r.body.subarray(start, start + n), () => res.destroy());
      return;
    }
    log(status, end - start + 1);
    res.end(r.body.subarray(start, end + 1));
  }
}
