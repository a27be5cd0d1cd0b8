/**
 * Debian Chromium driven by playwright-core (npx playwright install cannot download here), shared
 * by the browser tests and bench:explore.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export interface LaunchOptions {
  /**
   * V8's baseline WebAssembly compiler only (`--liftoff-only`), for the tests: the engine's 18 MB
   * module is then not compiled again by the optimising tier on every page, about a fifth of a
   * page's CPU on the tests' small datasets (docs/benchmarks.md). The benchmarks leave it off, as
   * a visitor's browser does.
   */
  baselineWasm?: boolean;
}

export function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      ...(opts.baselineWasm ? ['--js-flags=--liftoff-only'] : []),
    ],
  });
}

/** Navigate inside the app by clicking a link to `href`, as a person does after the first page. */
export async function clickLink(page: Page, href: string): Promise<void> {
  await page.evaluate((h) => {
    const a = document.createElement('a');
    a.href = h;
    document.querySelector('main')!.append(a);
    performance.mark('bench:click'); // bench:explore times the view from here
    a.click();
    a.remove();
  }, href);
}
