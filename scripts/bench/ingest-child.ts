/** Child of bench:ingest: the real ingest, in a process of its own. */
import { ingest } from '../ingest/run.ts';

const [out, ...files] = process.argv.slice(2);
const t = Date.now();
await ingest({ files, out: out!, maps: new Map(), log: (l) => console.error(l) });
console.log(
  JSON.stringify({
    wall_s: (Date.now() - t) / 1000,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
