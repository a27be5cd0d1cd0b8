/**
 * Child of bench:ingest: the real ingest, in a process of its own. Prints on stderr when each
 * stage of the ingest begins (to a quarter second), so a run shows where its time goes.
 */
import { ingest } from '../ingest/run.ts';

const [memoryLimit, out, ...files] = process.argv.slice(2);
const t = Date.now();
const since = () => ((Date.now() - t) / 1000).toFixed(1);
let stage = '';
await ingest({
  files,
  out: out!,
  maps: new Map(),
  memoryLimit,
  log: (l) => console.error(`${since()} s  ${l}`),
  onProgress: (p) => {
    if (p.stage === stage) return;
    stage = p.stage;
    console.error(`${since()} s  stage: ${stage}`);
  },
});
console.error(`${since()} s  done`);
console.log(
  JSON.stringify({
    wall_s: (Date.now() - t) / 1000,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
