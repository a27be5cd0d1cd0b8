/** Debian Chromium driven by playwright-core (npx playwright install cannot download here). */
import { chromium, type Browser } from 'playwright-core';
import type { Server } from 'node:http';
import {
  createStaticServer,
  listen,
  type RequestLog,
  type ServeOptions,
} from '../../scripts/lib/server';

export function launch(): Promise<Browser> {
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
    ],
  });
}

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
