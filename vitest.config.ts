/** The tests: the app's Vite config plus the two projects (unit on Node, e2e in Chromium). */
import { mkdirSync } from 'node:fs';
import { defineConfig, mergeConfig } from 'vitest/config';
import { TMP } from './tests/helpers/paths.ts';
import { codeKey, pruneFixtures, siteKey } from './tests/helpers/code-key.ts';
import LongestFirst from './tests/helpers/sequencer.ts';
import app from './vite.config.ts';

// The shared datasets' key and the e2e builds' key, once for the whole run
// (tests/helpers/fixtures.ts, tests/e2e/setup-paths.ts).
process.env.FIXTURE_KEY = codeKey(import.meta.dirname);
process.env.SITE_KEY = siteKey(import.meta.dirname, process.env.FIXTURE_KEY);
pruneFixtures(`${TMP}/fixtures`, [process.env.FIXTURE_KEY, process.env.SITE_KEY]);
// The ingests' working databases (os.tmpdir()) beside the tests' other scratch files, in every
// worker and every CLI the tests start.
process.env.TMPDIR = `${TMP}/os`;
mkdirSync(process.env.TMPDIR, { recursive: true });
// One DuckDB thread per ingest, in the workers and the CLIs they start (scripts/ingest/store.ts
// `ingestThreads`): the two workers already fill both cores. The determinism test asks for two.
process.env.INGEST_THREADS = '1';

export default mergeConfig(
  app,
  defineConfig({
    test: {
      expect: { requireAssertions: true },
      // Both cores: vitest's default keeps one free, which ran the files one at a time here. Each
      // file has its own fixtures, server and browser, so files run side by side.
      maxWorkers: 2,
      env: { FIXTURE_KEY: process.env.FIXTURE_KEY, SITE_KEY: process.env.SITE_KEY },
      sequence: { sequencer: LongestFirst },
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['tests/unit/**/*.test.ts'],
            environment: 'node',
            // Several ingests in one test (first-seen's) took over 60 s beside a 6M ingest and a
            // browser run: a hang still fails, a loaded machine does not.
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['tests/e2e/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['tests/e2e/global-setup.ts'],
            testTimeout: 120_000,
            hookTimeout: 600_000,
          },
        },
      ],
    },
  }),
);
