import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../scripts/lib/server';
import { serve, type TestServer } from '../helpers/browser';
import { TMP } from '../helpers/paths';

const root = path.join(TMP, 'unit-server');
const body = Buffer.from('0123456789abcdefghij'); // 20 bytes
let s: TestServer;
let based: TestServer;

beforeAll(async () => {
  await mkdir(path.join(root, 'data'), { recursive: true });
  await writeFile(path.join(root, 'data/f.parquet'), body);
  await writeFile(path.join(root, 'explore.html'), '<p>explore</p>');
  await writeFile(path.join(root, 'index.html'), '<p>home</p>');
  s = await serve({ root });
  based = await serve({ root, base: '/repo' });
});
afterAll(async () => {
  await s.close();
  await based.close();
});

describe('range-correct static server', () => {
  it("gzips site assets and the data's JSON when asked, like Pages, but never Parquet or ranged responses", async () => {
    const z = await serve({ root, gzip: true });
    try {
      const page = await fetch(`${z.origin}/explore`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(page.headers.get('content-encoding')).toBe('gzip');
      expect(await page.text()).toBe('<p>explore</p>'); // fetch decodes it
      const data = await fetch(`${z.origin}/data/f.parquet`, {
        headers: { 'Accept-Encoding': 'gzip', Range: 'bytes=0-3' },
      });
      expect([data.status, data.headers.get('content-encoding'), await data.text()]).toEqual([
        206,
        null,
        '0123',
      ]);
      const whole = await fetch(`${z.origin}/data/f.parquet`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(whole.headers.get('content-encoding')).toBeNull();
      // The manifest and the headline files are JSON, which Pages compresses (a changed file
      // is compressed anew).
      const manifest = path.join(root, 'data', 'z.json');
      const json = () =>
        fetch(`${z.origin}/data/z.json`, { headers: { 'Accept-Encoding': 'gzip' } });
      await writeFile(manifest, '{"a":1}');
      const first = await json();
      expect([first.headers.get('content-encoding'), await first.json()]).toEqual([
        'gzip',
        { a: 1 },
      ]);
      await writeFile(manifest, '{"a":22}');
      await utimes(manifest, new Date(), new Date(Date.now() + 5000));
      expect(await (await json()).json()).toEqual({ a: 22 });
    } finally {
      await z.close();
    }
  });

  it('answers ranges with 206 and Content-Range, like GitHub Pages', async () => {
    const r = await fetch(`${s.origin}/data/f.parquet`, { headers: { Range: 'bytes=0-0' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('bytes 0-0/20');
    expect(await r.text()).toBe('0');
    const mid = await fetch(`${s.origin}/data/f.parquet`, { headers: { Range: 'bytes=5-9' } });
    expect(await mid.text()).toBe('56789');
  });

  it('handles suffix and open ranges, and refuses unsatisfiable ones with 416', async () => {
    const suffix = await fetch(`${s.origin}/data/f.parquet`, { headers: { Range: 'bytes=-4' } });
    expect([suffix.status, await suffix.text()]).toEqual([206, 'ghij']);
    const open = await fetch(`${s.origin}/data/f.parquet`, { headers: { Range: 'bytes=18-' } });
    expect(await open.text()).toBe('ij');
    const bad = await fetch(`${s.origin}/data/f.parquet`, { headers: { Range: 'bytes=20-30' } });
    expect([bad.status, bad.headers.get('content-range')]).toEqual([416, 'bytes */20']);
    expect(parseRange('bytes=0-1,4-5', 20)).toBe('all');
  });

  it('gives the true size on HEAD, without compression', async () => {
    const r = await fetch(`${s.origin}/data/f.parquet`, {
      method: 'HEAD',
      headers: { 'Accept-Encoding': 'gzip' },
    });
    expect(r.headers.get('content-length')).toBe('20');
    expect(r.headers.get('content-encoding')).toBeNull();
    expect(r.headers.get('accept-ranges')).toBe('bytes');
  });

  it('serves prerendered pages without .html and never leaves the root', async () => {
    expect(await (await fetch(`${s.origin}/explore`)).text()).toBe('<p>explore</p>');
    expect((await fetch(`${s.origin}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${s.origin}/data/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('serves only below the base path when one is set, and logs each request', async () => {
    based.log.length = 0;
    expect(await (await fetch(`${based.origin}/repo/explore`)).text()).toBe('<p>explore</p>');
    expect((await fetch(`${based.origin}/explore`)).status).toBe(404);
    expect((await fetch(`${based.origin}/`, { redirect: 'manual' })).headers.get('location')).toBe(
      '/repo/',
    );
    expect(based.log.map((e) => [e.path, e.status])).toEqual([
      ['/repo/explore', 200],
      ['/explore', 404],
      ['/', 302],
    ]);
  });
});
