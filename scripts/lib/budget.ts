/**
 * The built site against GitHub Pages' limits: a published site of at most 1 GB and no file over
 * 100 MB (https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../src/lib/schema/tables.ts';

export const PAGES_SITE_LIMIT = 1024 ** 3;
export const PAGES_FILE_LIMIT = 100 * 1024 ** 2;

export interface BudgetReport {
  total: number;
  files: number;
  /** The largest files, largest first. */
  largest: { path: string; bytes: number }[];
  /** Bytes by dataset table (from the manifest in `<dir>/data/`), largest first. */
  tables: { table: string; files: number; bytes: number }[];
  failures: string[];
}

async function walk(dir: string, rel = ''): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await walk(dir, p)));
    else if (e.isFile()) out.push({ path: p, bytes: (await stat(path.join(dir, p))).size });
  }
  return out;
}

export const mb = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MB`;

export async function checkBudget(
  dir: string,
  limits = { site: PAGES_SITE_LIMIT, file: PAGES_FILE_LIMIT },
): Promise<BudgetReport> {
  const all = await walk(dir);
  const total = all.reduce((n, f) => n + f.bytes, 0);
  const largest = [...all].sort((a, b) => b.bytes - a.bytes);
  const failures: string[] = [];
  if (total > limits.site) {
    failures.push(
      `the site is ${mb(total)}, over the ${mb(limits.site)} a GitHub Pages site may publish (host the data elsewhere: DATA_URL)`,
    );
  }
  for (const f of largest.filter((x) => x.bytes > limits.file)) {
    failures.push(`${f.path} is ${mb(f.bytes)}, over the ${mb(limits.file)} limit for one file`);
  }
  const tables = new Map<string, { table: string; files: number; bytes: number }>();
  const text = await readFile(path.join(dir, 'data', 'manifest.json'), 'utf8').catch(() => null);
  if (text) {
    const m = JSON.parse(text) as Manifest;
    for (const f of m.files) {
      const t = tables.get(f.table) ?? { table: f.table, files: 0, bytes: 0 };
      t.files++;
      t.bytes += f.bytes;
      tables.set(f.table, t);
    }
    // The Atom feeds beside the manifest (one per agency, per new winner, and the national one).
    if (m.feeds)
      tables.set('feeds', {
        table: 'feeds',
        files: 1 + m.feeds.agencies + m.feeds.vendors,
        bytes: m.feeds.bytes,
      });
  }
  return {
    total,
    files: all.length,
    largest: largest.slice(0, 10),
    tables: [...tables.values()].sort((a, b) => b.bytes - a.bytes),
    failures,
  };
}
