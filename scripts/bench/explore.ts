/**
 * npm run bench:explore -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--runs 3]
 *                          [--only TEXT] [--networks loopback,throttled] [--requests]
 *                          [--queries] [--first-in-page]
 *
 * For each size: generate and ingest the data (reusing bench:ingest's output when present), build
 * the site over it, serve it with the project's range-correct server, and drive Debian Chromium
 * through a fixed list of interactions. For each one it prints bytes and requests transferred and
 * the time until the view is ready, cold (a fresh browser profile), warm (the engine running in an
 * open page, first visit of the view) and repeat (the same view again), on loopback and under a
 * throttled network (150 ms RTT, 1.6 Mbps down: Lighthouse's mobile profile). Not a test: quote
 * its output (docs/benchmarks.md).
 */
import { exploreViews } from './explore-views.ts';
import { runViewsCli } from './views.ts';

await runViewsCli(
  `npm run bench:explore -- [--rows 6000000,21000000] [--seed 1] [--dir data/bench] [--runs 3]
                         [--only TEXT] [--networks loopback,throttled] [--requests] [--queries]
                         [--first-in-page]

Bytes, requests and cold / warm / repeat times of the explorer's views on the built site.`,
  exploreViews,
);
