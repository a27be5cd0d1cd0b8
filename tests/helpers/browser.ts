/** Debian Chromium driven by playwright-core (npx playwright install cannot download here). */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
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

/**
 * Go to the view `href` (the explorer's, or a profile's with `testid` 'profile') inside the app,
 * as a person following a link does: the page's engine keeps running (no second start), also
 * from a profile to the explorer and back. Then wait until that view has finished (`data-run`
 * moves on). A blank page loads it. A view with other filters but the same meaning (two invalid
 * values) runs nothing: it would wait in vain.
 */
export async function visit(
  page: Page,
  href: string,
  testid: 'explorer' | 'profile' = 'explorer',
): Promise<void> {
  if (page.url() === href) return ready(page, testid);
  if (!(await page.$('main'))) {
    await page.goto(href);
    return ready(page, testid);
  }
  // The run count moves on when the view is ready or failed; ready() tells which.
  await untilNextRun(page, `[data-testid="${testid}"]`, async () => {
    await clickLink(page, href);
    await page.waitForURL(href);
  });
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
