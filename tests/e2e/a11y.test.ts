/**
 * Accessibility (#24): axe-core, run in Chromium on each kind of page once its numbers are final,
 * reports no serious or critical finding (WCAG 2.1 A and AA, and axe's best practices). One page
 * goes from view to view as a reader does, so the engine starts once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickLink } from '../../scripts/lib/browser';
import { launch, ready, serve, type TestServer } from '../helpers/browser';
import { rows } from '../helpers/duckdb';
import { table } from '../helpers/expected';
import { BUILD, DEMO_DATA } from './setup-paths';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let browser: Browser;
let site: TestServer;

beforeAll(async () => {
  browser = await launch();
  site = await serve({ root: BUILD, dataDir: DEMO_DATA });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** axe's serious and critical findings on the page as it is now, one line each. */
async function audit(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the page's own scripts are the only ones it runs.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const found = (await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run(c: Document, o: object): Promise<{ violations: unknown[] }> };
      }
    ).axe
      .run(document, {
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        },
        resultTypes: ['violations'],
      })
      .then((r) => r.violations),
  )) as Finding[];
  return found
    .filter((f) => f.impact === 'serious' || f.impact === 'critical')
    .map(
      (f) =>
        `${page.url()}: ${f.id} (${f.impact}) ${f.help}: ${f.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

describe('accessibility (axe-core) on the demo set', () => {
  it('no serious or critical finding on the landing page, the explorer (no filter, a year + agency, a search), the profiles, what is new, what one follows and the SQL console, in Thai and English', async () => {
    const [a] = await rows(
      `SELECT a.dept_name, a.agency_key, p.fiscal_year::VARCHAR AS fy
       FROM ${table(DEMO_DATA, 'projects')} p JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id)
       GROUP BY ALL ORDER BY count(*) DESC, 2 LIMIT 1`,
    );
    const [v] = await rows(
      `SELECT v.vendor_key FROM ${table(DEMO_DATA, 'contracts')} c
       JOIN ${table(DEMO_DATA, 'vendors')} v USING (vendor_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const [p] = await rows(
      `SELECT project_id FROM ${table(DEMO_DATA, 'projects')} WHERE contract_count > 0
       ORDER BY budget DESC, 1 LIMIT 1`,
    );
    const q = (o: Record<string, unknown>) =>
      new URLSearchParams(Object.entries(o).map(([k, x]) => [k, String(x)])).toString();
    const views: { path: string; wait?: 'explorer' | 'profile' | 'new-page' }[] = [
      { path: '/explore', wait: 'explorer' },
      { path: `/explore?${q({ fy: a!.fy, agency: a!.dept_name })}`, wait: 'explorer' },
      { path: `/explore?${q({ q: 'ถนน' })}`, wait: 'explorer' },
      { path: `/agency?${q({ key: a!.agency_key })}`, wait: 'profile' },
      { path: `/vendor?${q({ id: v!.vendor_key })}`, wait: 'profile' },
      { path: `/project?${q({ id: p!.project_id })}`, wait: 'profile' },
      { path: `/sql?${q({ q: 'SELECT fiscal_year, count(*) AS n FROM projects GROUP BY ALL' })}` },
      { path: '/en/explore', wait: 'explorer' },
      { path: '/en/new', wait: 'new-page' },
      { path: '/en/following' },
      { path: `/en/vendor?${q({ id: v!.vendor_key })}`, wait: 'profile' },
    ];
    const page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    const findings = await audit(page);
    const searched: string[] = [];
    for (const view of views) {
      await clickLink(page, view.path);
      await page.waitForURL(`${site.origin}${view.path}`);
      if (view.wait) await ready(page, view.wait);
      else if (view.path.startsWith('/sql')) {
        await page.waitForSelector('[data-testid="sql-result"][data-state="ready"]');
      } else if (view.path.endsWith('/following')) {
        await page.waitForSelector('[data-testid="following"][data-state="ready"]');
      }
      if (view.path.startsWith('/explore?q=')) {
        searched.push((await page.getAttribute('[data-testid="result-projects"]', 'data-value'))!);
      }
      findings.push(...(await audit(page)));
    }
    // The search found something, so its table and facets were audited too.
    expect(Number(searched[0])).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });
});
