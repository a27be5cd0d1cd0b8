/**
 * npm run serve -- [--root build] [--port 4173] [--data DIR] [--cors] [--log]
 * Serves the built site with correct Range support (see scripts/lib/server.ts).
 */
import { parseArgs } from 'node:util';
import { createStaticServer, listen } from './lib/server.ts';

const { values } = parseArgs({
  strict: true,
  options: {
    root: { type: 'string', default: 'build' },
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    data: { type: 'string' },
    log: { type: 'boolean', default: false },
    cors: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run serve -- [--root build] [--port 4173] [--data DIR] [--cors] [--log]
Serves the built site at http://localhost:PORT (PORT env or --port), under BASE_PATH if set.
--data DIR serves /data/ from DIR instead of the build; --cors lets other origins read it (a
data host for a site built with DATA_URL); --log prints each request as JSON.`);
  process.exit(0);
}
const base = process.env.BASE_PATH ?? '';
const server = createStaticServer({
  root: values.root,
  base,
  dataDir: values.data,
  gzip: true,
  cors: values.cors,
  onRequest: values.log ? (e) => console.log(JSON.stringify(e)) : undefined,
});
const port = await listen(server, Number(values.port));
console.log(`serving ${values.root} at http://localhost:${port}${base}/`);
