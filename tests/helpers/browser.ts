/** Debian Chromium driven by playwright-core (npx playwright install cannot download here). */
import type { Server } from 'node:http';
import {
  createStaticServer,
  listen,
  type RequestLog,
  type ServeOptions,
} from '../../scripts/lib/server';

export { launchChromium as launch } from '../../scripts/lib/browser';

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
