/**
 * Stage: the headline files (src/lib/headline/files.ts): per fiscal year, the national, each
 * agency name's and unit's, each vendor's and each facet value's headline numbers, and the first
 * page of the table of the national and agency views, so a shared link shows them before the SQL
 * engine has loaded. Computed from the built tables and pre-aggregates, in the explorer's order
 * and measures.
 */
import {
  headlinePath,
  vendorShard,
  vendorShardHex,
  type AgencyTuple,
  type HeadlineInfo,
  type DimsFile,
  type TotalsFile,
  type VendorShard,
} from '../../../src/lib/headline/files.ts';
import { FACETS, type FacetDef } from '../../../src/lib/query/filters/facets.ts';
import type { StageDb } from './db.ts';
import { BY_AGENCY_NAME, overviews } from './headline-overview.ts';
import {
  agencyYearsSql,
  groupBy,
  headRow,
  money,
  namedPages,
  REF_MONEY,
  topSql,
  viewFiles,
  writeNamed,
  Writer,
  yearsOf,
} from './headline-write.ts';
import { setFacets, writeFacetViews } from './headline-facets.ts';
import { writeWords } from './headline-words.ts';
import { writeVendorViews } from './headline-vendors.ts';
import { writeUnits } from './headline-units.ts';

/**
 * A vendor's numbers per year over its contract rows, project measures once per project (as the
 * explorer counts a vendor's view: projects it won, their budget; its contracts and their value).
 */
const VENDOR_YEARS_SQL = `WITH pp AS (
    SELECT vendor_id, fiscal_year, project_id, count(*) AS n, sum(price_agree) AS pa,
           any_value(budget) AS budget, any_value(price_build) AS price_build, any_value(agreed) AS agreed
    FROM contracts WHERE vendor_id IS NOT NULL GROUP BY ALL)
  SELECT vendor_id, fiscal_year, count(*)::INTEGER AS projects, ${money('budget')},
    sum(n)::INTEGER AS contracts, coalesce(sum(pa), 0)::VARCHAR AS agreed,
    ${REF_MONEY}
  FROM pp GROUP BY ALL`;

/** Every agency's tuple (files.ts `AgencyTuple`) by id: the rows' agencies in the files. */
export async function agencyTuples(db: StageDb): Promise<Map<number, AgencyTuple>> {
  const agencies = new Map<number, AgencyTuple>();
  for (const a of await db.rows(
    `SELECT agency_id, agency_key, dept_name, dept_sub_name, province FROM agencies`,
  )) {
    agencies.set(Number(a.agency_id), [
      String(a.agency_key),
      String(a.dept_name),
      (a.dept_sub_name as string | null) ?? null,
      (a.province as string | null) ?? null,
    ]);
  }
  return agencies;
}

/** Write the headline files into `dir` (the snapshot's `headline/`); paths are under it. */
export async function writeHeadline(db: StageDb, dir: string): Promise<Omit<HeadlineInfo, 'path'>> {
  db.stage('writing the headline files');
  const w = new Writer(dir);
  const agencies = await agencyTuples(db);
  const parts = await overviews(db, agencies, BY_AGENCY_NAME);
  const viewFile = viewFiles(parts, agencies);
  const dims: DimsFile = {};
  const defs = FACETS as readonly FacetDef[];
  // The columns a facet's options are read through (dimRow), of every facet these views ask (a
  // province's view its districts too).
  for (const def of defs) {
    const cols = [def.id, def.name, def.nameEn, def.buckets?.column].filter(Boolean);
    dims[def.key] = await db.rows(`SELECT ${cols.join(', ')} FROM ${def.table} ORDER BY 1`);
  }
  // A facet asked only under another (districts) in a file of its own: every view reads
  // dims.json, only a province's view the districts (13 KB of 17 at 6M rows).
  const always = defs.filter((def) => !def.under).map((def) => [def.key, dims[def.key]]);
  w.write(headlinePath.dims(), Object.fromEntries(always));
  for (const def of defs.filter((d) => d.under)) {
    w.write(headlinePath.dimsUnder(def.key), dims[def.key]);
  }

  // National.
  const methods = (
    await db.rows(`SELECT method_id, method_name, method_bucket FROM methods ORDER BY method_id`)
  ).map((r) => ({ ...r, method_id: Number(r.method_id) })) as HeadlineInfo['methods'];
  const national: TotalsFile = {
    years: yearsOf(await db.rows(agencyYearsSql(''))),
    ...viewFile(null, null, (await db.rows(topSql([]))).map(headRow)),
  };
  w.write(headlinePath.national(), national);
  const byYear = groupBy(await db.rows(topSql(['p.fiscal_year'])), (r) => `${r.g0}`, headRow);
  for (const [fy, rows] of byYear) {
    const file = { years: national.years, ...viewFile(null, Number(fy), rows) };
    w.write(headlinePath.nationalYear(Number(fy)), file);
  }

  // Agency names.
  const years = groupBy(
    await db.rows(agencyYearsSql('dept_name')),
    (r) => String(r.dept_name),
    (r) => r,
  );
  const ids = await nameIds(db);
  const at = { all: headlinePath.agency, year: headlinePath.agencyYear };
  await writeNamed(w, at, years, await namedPages(db, 'a.dept_name'), viewFile, (name) => ({
    ids: ids.get(name) ?? [],
  }));

  const wordsAll = await writeWords(db, w, agencies);
  const pairs = await writeFacetViews(db, w, agencies, dims, parts, ids);
  await writeUnits(db, w, agencies);
  const info = await writeVendors(db, w, methods, await writeVendorViews(db, w, agencies));
  return { ...info, sets: setFacets(dims), agency_pairs: pairs, words_all: wordsAll };
}

/** The ids a link's `agency=<name>` resolves to, by name: agencyIdsSql with no sub-unit. */
export async function nameIds(db: StageDb): Promise<Map<string, number[]>> {
  const ids = new Map<string, number[]>();
  for (const r of await db.rows(`SELECT n.dept_name, list(a.agency_id ORDER BY a.agency_id) AS ids
      FROM (SELECT DISTINCT dept_name FROM agencies) n
      JOIN agencies a ON a.dept_name = n.dept_name OR a.agency_key = n.dept_name GROUP BY 1`))
    ids.set(String(r.dept_name), (r.ids as unknown[]).map(Number));
  return ids;
}

/** Vendors, by every key that leads to them, in shards. */
async function writeVendors(
  db: StageDb,
  w: Writer,
  methods: HeadlineInfo['methods'],
  busy: ReadonlySet<number>,
): Promise<Omit<HeadlineInfo, 'path'>> {
  const keys = await db.rows(`SELECT k.vendor_key AS key, v.vendor_id, v.vendor_key, v.tin,
      v.tin_status, v.name, v.linked_contracts
    FROM vendor_keys k JOIN vendors v USING (vendor_id) ORDER BY k.vendor_key`);
  const vendorYears = groupBy(
    await db.rows(VENDOR_YEARS_SQL),
    (r) => String(r.vendor_id),
    (r) => r,
  );
  const hex = vendorShardHex(keys.length);
  const shards = new Map<string, VendorShard>();
  for (const k of keys) {
    const shard = await vendorShard(String(k.key), hex);
    const s = shards.get(shard) ?? {};
    s[String(k.key)] = {
      vendor: [
        Number(k.vendor_id),
        String(k.vendor_key),
        (k.tin as string | null) ?? null,
        (k.tin_status as string | null) ?? null,
        (k.name as string | null) ?? null,
        Number(k.linked_contracts ?? 0),
      ],
      years: yearsOf(vendorYears.get(String(k.vendor_id))),
      ...(busy.has(Number(k.vendor_id)) ? { view: 1 as const } : {}),
    };
    shards.set(shard, s);
  }
  for (const [shard, s] of shards) w.write(headlinePath.vendor(shard), s);
  return { vendor_shard_hex: hex, files: w.files, bytes: w.bytes, sha256: w.digest(), methods };
}
