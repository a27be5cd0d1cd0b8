/**
 * npm start: make sure a dataset exists (a synthetic demo if static/data is empty), build the site,
 * and serve it at http://localhost:4173 (PORT to change) with the range-correct server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { generate } from './generate.ts';
import { ingest } from './ingest/run.ts';
import { createStaticServer, listen } from './lib/server.ts';

const DATA = 'static/data';
const DEMO_SRC = 'data/demo';

if (!existsSync(path.join(DATA, 'manifest.json'))) {
  console.log(
    'static/data is empty: generating a synthetic demo dataset (npm run ingest loads real files)',
  );
  await generate({ rows: 20_000, seed: 1, out: DEMO_SRC });
  const files = readdirSync(DEMO_SRC)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(DEMO_SRC, f));
  // Published as a history, as a weekly update would: the earlier years first, then the latest
  // year's file added, so /new, the seen filters and the feeds have something to show.
  const opts = { out: DATA, maps: new Map(), synthetic: true };
  await ingest({ ...opts, files: files.slice(0, -1) });
  const { manifest } = await ingest({ ...opts, files });
  console.log(
    `demo dataset ${manifest.snapshot_id}: ${manifest.counts.projects} projects, ${manifest.first_seen?.added} new in the latest update`,
  );
}

const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const base = process.env.BASE_PATH ?? '';
const port = await listen(
  createStaticServer({ root: 'build', base, gzip: true }),
  Number(process.env.PORT ?? 4173),
);
console.log(`\nภาษีไปไหน is running at http://localhost:${port}${base}/  (Ctrl-C to stop)`);
