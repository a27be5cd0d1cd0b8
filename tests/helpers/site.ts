/**
 * The site's own query code (src/lib/query) run on native DuckDB instead of DuckDB-WASM: the same
 * planning, SQL and merging, so unit tests can check it against independent answers quickly.
 */
import { aggregateWith, vendorRow, type Ask } from '../../src/lib/query/aggregate';
import { loadDimensions, toResolved, type Dimensions } from '../../src/lib/query/filters/resolve';
import type { Filters } from '../../src/lib/query/filters';
import { runSearch } from '../../src/lib/query/search';
import { queryWords } from '../../src/lib/search/text';
import { agencyIdsSql } from '../../src/lib/query/lookups';
import type { Measure, Resolved } from '../../src/lib/query/plan';
import { tableFiles, type Manifest } from '../../src/lib/schema/tables';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../scripts/generate';
import { parseMaps } from '../../scripts/ingest/layout';
import { ingest } from '../../scripts/ingest/run';
import { ownConnection, rowsOn } from './duckdb';
import { manifestOf } from './expected';
import { DRONE_CSV, TMP } from './paths';

export interface Site {
  m: Manifest;
  ask: Ask;
  dims: Dimensions;
  resolve(f: Filters): Promise<Resolved>;
}

/** Manifest paths are relative to the data folder: point DuckDB's search path at it. */
export async function site(dataDir: string): Promise<Site> {
  const m = manifestOf(dataDir);
  // A connection of its own, so two Sites never read each other's files.
  const conn = await ownConnection();
  await conn.run(`SET file_search_path = '${dataDir.replace(/'/g, "''")}'`);
  const ask: Ask = async (q) =>
    (await rowsOn(conn, q.sql, q.params as (string | number | boolean | null)[])) as Awaited<
      ReturnType<Ask>
    >;
  const dims = await loadDimensions(ask, m);
  return {
    m,
    ask,
    dims,
    async resolve(f) {
      const agencies = f.agency
        ? (await ask(agencyIdsSql(tableFiles(m, 'agencies'), f.agency, f.sub), [])).map((r) =>
            Number(r.agency_id),
          )
        : null;
      const v = f.vendor ? await vendorRow(ask, m, f.vendor) : undefined;
      const hits = f.q
        ? await runSearch(ask, m, { words: queryWords(f.q).words, qin: f.qin })
        : null;
      return toResolved(f, dims, agencies, v ? Number(v.vendor_id) : null, hits);
    },
  };
}

const ALL: Measure[] = ['projects', 'budget', 'contracts', 'agreed'];

/** The headline numbers the page shows, as its data-values. */
export async function siteTotals(s: Site, r: Resolved) {
  const [row] = await aggregateWith(s.ask, s.m, r, [], ALL);
  return {
    projects: String(Number(row!.projects)),
    budget: String(row!.budget),
    contracts: String(Number(row!.contracts)),
    agreed: String(row!.agreed),
  };
}

export interface FixtureDirs {
  droneDir: string;
  genSrc: string;
  genDir: string;
}

/** Where a test file's two datasets live (known before they are built). */
export function fixtureDirs(name: string): FixtureDirs {
  return {
    droneDir: path.join(TMP, name),
    genSrc: path.join(TMP, `${name}-gen-src`),
    genDir: path.join(TMP, `${name}-gen`),
  };
}

/** Ingest the real drone set and a generated set of `rows` rows into those folders. */
export async function ingestFixtures(
  dirs: FixtureDirs,
  rows: number,
  seed: number,
): Promise<{ drone: Site; gen: Site }> {
  await ingest({ files: [DRONE_CSV], out: dirs.droneDir, maps: parseMaps(['_ปีงบ=budget_year']) });
  await generate({ rows, seed, out: dirs.genSrc });
  const csvs = readdirSync(dirs.genSrc)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(dirs.genSrc, f));
  await ingest({ files: csvs, out: dirs.genDir, maps: new Map(), synthetic: true });
  return { drone: await site(dirs.droneDir), gen: await site(dirs.genDir) };
}
