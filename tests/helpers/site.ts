/**
 * The site's own query code (src/lib/query) run on native DuckDB instead of DuckDB-WASM: the same
 * planning, SQL and merging, so unit tests can check it against independent answers quickly.
 */
import {
  aggregateWith,
  sourceFiles,
  vendorRow,
  type Ask,
  type Row,
} from '../../src/lib/query/aggregate';
import { loadDimensions, toResolved, type Dimensions } from '../../src/lib/query/filters/resolve';
import type { Filters, Sort } from '../../src/lib/query/filters';
import { runSearch } from '../../src/lib/query/search';
import { seenHits } from '../../src/lib/query/seen';
import { queryWords } from '../../src/lib/search/text';
import { agencyIdsSql, bySeqSql } from '../../src/lib/query/lookups';
import { rowsSql, topAnswers, topPage } from '../../src/lib/query/page-sql';
import type { Measure, Resolved } from '../../src/lib/query/plan';
import { tableFiles, type Manifest } from '../../src/lib/schema/tables';
import { ownConnection, rowsOn } from './duckdb';
import { manifestOf } from './expected';
import { droneData, fixturePath, generatedData, generatedPaths } from './fixtures';

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
      const seen = f.seen || f.seenSince ? await seenHits(ask, m, f) : null;
      return toResolved(f, dims, agencies, v ? Number(v.vendor_id) : null, hits, null, seen);
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
  rows: number;
  seed: number;
}

/** Where the shared drone set and the generated set (rows, seed) live (before they are built). */
export function fixtureDirs(rows: number, seed: number): FixtureDirs {
  const gen = generatedPaths(rows, seed);
  return { droneDir: fixturePath('drone'), genSrc: gen.src, genDir: gen.data, rows, seed };
}

/** The shared drone set and generated set of those folders, built once (fixtures.ts). */
export async function ingestFixtures(dirs: FixtureDirs): Promise<{ drone: Site; gen: Site }> {
  const [drone, gen] = await Promise.all([droneData(), generatedData(dirs.rows, dirs.seed)]);
  return { drone: await site(drone), gen: await site(gen.data) };
}

/**
 * A page of the table in one order two ways: from the ordered copy (`topPage`; null when the copy
 * cannot tell it) and from every year's projects, named from `project_names`, as the table read
 * it before the copy.
 */
export async function topAndProjects(
  s: Site,
  r: Resolved,
  sort: Sort,
  offset: number,
): Promise<{ top: Row[] | null; projects: Row[] }> {
  // (The ordered copy answers only the filters it has: no agency.)
  const top = topAnswers(r) ? await topPage(s.ask, { m: s.m, r, sort, limit: 50, offset }) : null;
  const files = sourceFiles(s.m, 'projects', r);
  const rows = files.length
    ? await s.ask(rowsSql('projects', files, r, sort, 50, offset), files)
    : [];
  const seqs = rows.map((x) => ({ project_seq: Number(x.project_seq) }));
  const names = seqs.length
    ? await s.ask(bySeqSql(tableFiles(s.m, 'project_names'), seqs), [])
    : [];
  const name = new Map(names.map((x) => [Number(x.project_seq), x.project_name]));
  return {
    top,
    projects: rows.map((x) => ({ ...x, project_name: name.get(Number(x.project_seq)) ?? null })),
  };
}
