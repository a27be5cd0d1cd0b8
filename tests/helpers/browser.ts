/** Debian Chromium driven by playwright-core (npx playwright install cannot download here). */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import {
  createStaticServer,
  listen,
  type RequestLog,
  type ServeOptions,
} from '../../scripts/lib/server';

import { clickLink, launchChromium } from '../../scripts/lib/browser';

/** The tests' Chromium: the real engine, compiled by V8's baseline tier only (scripts/lib/browser.ts). */
export const launch = () => launchChromium({ baselineWasm: true });

export interface TestServer {
  origin: string;
  log: RequestLog[];
  close(): Promise<void>;
}

export async function serve(opts: Omit<ServeOptions, 'onRequest'>): Promise<TestServer> {
  const log: RequestLog[] = [];
  const server: Server = createStaticServer({ ...opts, onRequest: (e) => log.push(e) });
  const port = await listen(server, 0);
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Click what starts a download; the file's suggested name and bytes. */
export async function download(
  page: Page,
  testid: string,
): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click(`[data-testid="${testid}"]`),
  ]);
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

/**
 * Wait until a view (`explorer`, `profile`) is ready; a failed view fails the test with the
 * page's own message.
 */
export async function ready(
  page: Page,
  testid: 'explorer' | 'profile' | 'new-page' = 'explorer',
): Promise<void> {
  const sel = `[data-testid="${testid}"]`;
  await page.waitForSelector(`${sel}[data-state="ready"], ${sel}[data-state="error"]`, {
    timeout: 90_000,
  });
  if ((await page.getAttribute(sel, 'data-state')) === 'error') {
    throw new Error(`${page.url()}: ${await page.textContent(sel)}`);
  }
}

/** The project ids of the explorer table's rows on screen, in order. */
export function shownIds(page: Page): Promise<(string | null)[]> {
  return page.$$eval('[data-testid="results"] tbody tr', (trs) =>
    trs.map((tr) => tr.getAttribute('data-project-id')),
  );
}

/**
 * A page the tests of one file share, opened the first time it is asked for (again if a test
 * closed it; the browser's close closes it). Each view in it is followed to as a link (`visit`, `follow`), so the engine starts
 * once for all of them: a page load costs the machine about 5 CPU seconds, a followed link about
 * 0.5 (docs/benchmarks.md).
 */
export class SharedPage {
  private page: Page | null = null;
  /** `browser`: the file's browser, launched in its beforeAll. */
  constructor(private readonly browser: () => Browser) {}

  async get(): Promise<Page> {
    if (!this.page || this.page.isClosed()) this.page = await this.browser().newPage();
    return this.page;
  }

  /** Whether `page` is the shared one (a test closes only a page of its own). */
  holds(page: Page): boolean {
    return page === this.page;
  }
}

/** Whether `page` shows a page of `href`'s site, where a link to `href` can be followed. */
async function onSite(page: Page, href: string): Promise<boolean> {
  return page.url().startsWith(`${new URL(href).origin}/`) && (await page.$('main')) !== null;
}

/**
 * Go to `href` as a person does: follow a link to it in a page already on its site (the page's
 * engine keeps running), else load it. Returns once the URL is `href`.
 */
export async function follow(page: Page, href: string): Promise<void> {
  if (await onSite(page, href)) await clickLink(page, href);
  else await page.goto(href);
  await page.waitForURL(href);
}

/**
 * Go to the view `href` (the explorer's, or a profile's with `testid` 'profile') inside the app,
 * as a person following a link does: the page's engine keeps running (no second start), also
 * from a profile to the explorer and back. Then wait until that view has finished (`data-run`
 * moves on). A page not on the site loads it. A view with other filters but the same meaning
 * (two invalid values) runs nothing: it would wait in vain.
 */
export async function visit(
  page: Page,
  href: string,
  testid: 'explorer' | 'profile' = 'explorer',
): Promise<void> {
  if (page.url() === href) return ready(page, testid);
  if (!(await onSite(page, href))) {
    await page.goto(href);
    return ready(page, testid);
  }
  // The run count moves on when the view is ready or failed; ready() tells which.
  await untilNextRun(page, `[data-testid="${testid}"]`, () => follow(page, href));
  await ready(page, testid);
}

/**
 * Do `action` (follow a link), then wait until the `data-run` count of `sel` (the explorer's
 * views, the SQL console's answers) moves past what it was before.
 */
export async function untilNextRun(
  page: Page,
  sel: string,
  action: () => Promise<void>,
): Promise<void> {
  // (0 when the page shows no such view yet: it is being followed to from another.)
  const before = await page.evaluate(
    (s) => Number(document.querySelector(s)?.getAttribute('data-run') ?? 0),
    sel,
  );
  await action();
  await page.waitForFunction(
    ([s, n]) =>
      Number(document.querySelector(s as string)?.getAttribute('data-run')) > (n as number),
    [sel, before],
    { timeout: 90_000 },
  );
}
