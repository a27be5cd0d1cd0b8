/**
 * Atom feeds of new projects (#23 §2), written by the ingest beside the manifest (`feeds/`, stable
 * URLs across snapshots): one national, one per agency (`feeds/agency/<agency_key>.xml`, every
 * agency, so a feed can be followed before it has news) and one per vendor with a valid tax id
 * that won a new project (`feeds/vendor/<tin>.xml`). An entry is a project first seen in one of
 * the snapshots the manifest keeps, except the first snapshot of a folder: everything is new
 * there, and a feed of the whole backfill is not news. Newest first, then largest budget.
 * Links are relative to the feed's own URL, which is `<site>/data/feeds/…` (the data beside the
 * site, as `npm run build` and the deploy workflow publish it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { Manifest } from '../../src/lib/schema/tables.ts';
import type { PublishedSnapshot } from './publish.ts';
import { sqlString } from './rules.ts';
import type { StageDb } from './stages/db.ts';

/** Files written at once. */
const WRITE_BATCH = 64;
/** Entries per feed at most: the national feed, and each agency's or vendor's. */
export const FEED_MAX = { national: 200, own: 20 } as const;
/**
 * What all the feeds may weigh together (GitHub Pages publishes 1 GB in all; at 6M rows the
 * Parquet and headline files are ~860 MB). An update that adds a whole year (480k projects,
 * 38k winners with a tax id, at 6M rows) would fill 542 MB with 100 entries a feed; each
 * agency's and winner's feed then lists fewer of its newest (`per_feed`, down to one).
 */
export const FEEDS_BUDGET = 96 * 2 ** 20;
/** Bytes of a feed without entries and of one entry, as measured on the real drone set. */
const FEED_BYTES = 700;
const ENTRY_BYTES = 900;
const TAG = 'tag:phasi-pai-nai,2026:';
const ATOM = 'http://www.w3.org/2005/Atom';

/** What the manifest says of the feeds (`feeds`, documented there). */
export type FeedsInfo = NonNullable<Manifest['feeds']>;

interface Entry {
  project_id: string;
  project_name: string;
  fiscal_year: number;
  budget: string | null;
  agreed: string | null;
  agency_key: string;
  agency: string;
  first_snapshot: string;
  winners: { name: string | null; tin: string | null; price: string | null }[];
}

/** XML 1.0 cannot carry C0 controls (but tab, LF, CR), lone surrogates or U+FFFE/U+FFFF. */
function xmlText(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '',
  );
}

const baht = (v: string | null) =>
  v === null ? '–' : `${Number(v).toLocaleString('th-TH', { maximumFractionDigits: 2 })} บาท`;

/**
 * The projects some feed lists, with their agency and winners, newest first, and how many new
 * projects there are in all. Only those a feed shows are read out of DuckDB: the national feed's
 * first FEED_MAX.national, and each agency's and each winner's first FEED_MAX.own (a national
 * update adds hundreds of thousands of projects; their rows need not all cross into JavaScript).
 */
async function entries(
  db: StageDb,
  snapshots: readonly string[],
): Promise<{ shown: Entry[]; total: number; own: number }> {
  if (!snapshots.length) return { shown: [], total: 0, own: FEED_MAX.own };
  await db.run(`CREATE OR REPLACE TABLE feed_new AS
    SELECT f.project_seq, f.project_id, f.first_seen, f.first_snapshot, p.budget, p.agency_id,
      row_number() OVER (ORDER BY f.first_seen DESC, p.budget DESC NULLS LAST, f.project_id) AS pos
    FROM first_seen f JOIN projects p USING (project_seq)
    WHERE f.first_snapshot IN (${snapshots.map(sqlString).join(', ')})`);
  const total = await db.scalar(`SELECT count(*) FROM feed_new`);
  const own = await perFeed(db);
  const rows = await db.rows(`WITH by_agency AS (
      SELECT project_seq FROM feed_new
      QUALIFY row_number() OVER (PARTITION BY agency_id ORDER BY pos) <= ${own}
    ), by_vendor AS (
      SELECT project_seq FROM (SELECT DISTINCT c.project_seq, v.tin, e.pos FROM contracts c
        JOIN vendors v USING (vendor_id) JOIN feed_new e USING (project_seq)
        WHERE v.tin_status = 'valid')
      QUALIFY row_number() OVER (PARTITION BY tin ORDER BY pos) <= ${own}
    ), shown AS (
      SELECT project_seq FROM feed_new WHERE pos <= ${FEED_MAX.national}
      UNION SELECT project_seq FROM by_agency UNION SELECT project_seq FROM by_vendor
    )
    SELECT e.project_id, n.project_name, p.fiscal_year, p.budget::VARCHAR AS budget,
      p.agreed::VARCHAR AS agreed, a.agency_key,
      concat_ws(' · ', a.dept_name, a.dept_sub_name, a.province) AS agency, e.first_snapshot,
      (SELECT list({name: v.name, tin: CASE WHEN v.tin_status = 'valid' THEN v.tin END,
                    price: c.price_agree::VARCHAR} ORDER BY c.price_agree DESC NULLS LAST, v.name)
       FROM contracts c JOIN vendors v USING (vendor_id) WHERE c.project_seq = e.project_seq) AS winners
    FROM feed_new e JOIN shown USING (project_seq) JOIN projects p USING (project_seq)
    JOIN agencies a ON a.agency_id = e.agency_id JOIN project_names n USING (project_seq)
    ORDER BY e.pos`);
  const shown = rows.map((r) => ({
    ...(r as unknown as Entry),
    winners: (r.winners as Entry['winners']) ?? [],
  }));
  return { shown, total, own };
}

/**
 * Entries per agency's and winner's feed: FEED_MAX.own, or fewer when the feeds would weigh more
 * than FEEDS_BUDGET (estimated from how many new projects each agency and winner has).
 */
async function perFeed(db: StageDb): Promise<number> {
  const rows = await db.rows(`WITH a AS (SELECT count(*) AS n FROM feed_new GROUP BY agency_id),
      v AS (SELECT count(DISTINCT c.project_seq) AS n FROM contracts c JOIN vendors w USING (vendor_id)
        JOIN feed_new e USING (project_seq) WHERE w.tin_status = 'valid' GROUP BY w.tin)
    SELECT k, coalesce((SELECT sum(least(n, k)) FROM a), 0) + coalesce((SELECT sum(least(n, k)) FROM v), 0) AS entries,
      (SELECT count(*) FROM agencies) + (SELECT count(*) FROM v) AS feeds
    FROM range(1, ${FEED_MAX.own + 1}) t(k) ORDER BY k`);
  let own = 1;
  for (const r of rows) {
    const bytes =
      (Number(r.feeds) + 1) * FEED_BYTES + (Number(r.entries) + FEED_MAX.national) * ENTRY_BYTES;
    if (bytes <= FEEDS_BUDGET) own = Number(r.k);
  }
  return own;
}

const XML = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  format: false,
});

interface FeedSpec {
  /** Its path under `feeds/`, and how many folders deep that is (for relative links). */
  rel: string;
  title: string;
  /** The site page the feed is about, relative to the site's root. */
  page: string;
  entries: Entry[];
  /** An agency's or a winner's feed: its entries need not name the agency, or the winners. */
  about?: 'agency' | 'vendor';
}

function feedXml(spec: FeedSpec, m: Manifest, builtAt: Map<string, string>): string {
  // From `<site>/data/feeds/<rel>` back to the site's root.
  const root = '../'.repeat(spec.rel.split('/').length + 1);
  const entry = (e: Entry) => {
    const winners = e.winners
      .map((w) => `${w.name ?? '–'}${w.tin ? ` (${w.tin})` : ''}: ${baht(w.price)}`)
      .join('; ');
    const summary = [
      ...(spec.about === 'agency' ? [] : [e.agency]),
      `ปีงบประมาณ ${e.fiscal_year}`,
      `งบประมาณ ${baht(e.budget)}`,
      `ราคาตกลง ${baht(e.agreed)}`,
      ...(spec.about === 'vendor' ? [] : [winners ? `ผู้ชนะ: ${winners}` : 'ยังไม่มีสัญญา']),
    ].join(' · ');
    return {
      id: `${TAG}project/${encodeURIComponent(e.project_id)}`,
      title: xmlText(e.project_name || e.project_id),
      updated: builtAt.get(e.first_snapshot) ?? m.built_at,
      link: [
        { '@_rel': 'alternate', '@_href': `${root}project?id=${encodeURIComponent(e.project_id)}` },
        { '@_rel': 'related', '@_href': `${root}new?snap=${e.first_snapshot}` },
      ],
      summary: xmlText(summary),
    };
  };
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    feed: {
      '@_xmlns': ATOM,
      '@_xml:lang': 'th',
      id: `${TAG}feed/${spec.rel.replace(/\.xml$/, '')}`,
      title: xmlText(spec.title),
      updated: m.built_at,
      author: { name: 'ภาษีไปไหน' },
      // The licence in words in the national feed; the others link to the dataset's page, which
      // states it (tens of thousands of feeds each repeating 700 bytes of it would weigh 30 MB).
      ...(spec.about ? {} : { rights: xmlText(m.licence_th || m.licence) }),
      link: [
        { '@_rel': 'self', '@_href': path.posix.basename(spec.rel) },
        { '@_rel': 'alternate', '@_href': `${root}${spec.page}` },
        { '@_rel': 'license', '@_href': `${root}dataset` },
      ],
      entry: spec.entries.map(entry),
    },
  };
  return XML.build(doc) as string;
}

/**
 * Write every feed into `dir` (the folder that becomes `feeds/`). `kept`: the snapshots the
 * manifest will list (this one first), whose additions the feeds carry.
 */
export async function writeFeeds(
  db: StageDb,
  dir: string,
  m: Manifest,
  kept: readonly PublishedSnapshot[],
): Promise<FeedsInfo> {
  db.stage('writing feeds');
  const news = kept.filter((s) => !s.initial).map((s) => s.id);
  const { shown: all, total, own } = await entries(db, news);
  const builtAt = new Map(kept.map((s) => [s.id, s.built_at]));
  const specs: FeedSpec[] = [
    {
      rel: 'national.xml',
      title: 'ภาษีไปไหน: โครงการใหม่ทั่วประเทศ',
      page: 'new',
      entries: all.slice(0, FEED_MAX.national),
    },
  ];
  const byAgency = group(all, (e) => [e.agency_key]);
  const agencies = await db.rows(
    `SELECT agency_key, concat_ws(' · ', dept_name, dept_sub_name, province) AS name FROM agencies ORDER BY 1`,
  );
  for (const a of agencies) {
    const key = String(a.agency_key);
    specs.push({
      rel: `agency/${key}.xml`,
      title: `ภาษีไปไหน: โครงการใหม่ของ ${String(a.name)}`,
      page: `agency?key=${key}`,
      entries: (byAgency.get(key) ?? []).slice(0, own),
      about: 'agency',
    });
  }
  const byVendor = group(all, (e) => e.winners.flatMap((w) => (w.tin ? [w.tin] : [])));
  for (const [tin, list] of byVendor) {
    const name = list[0]!.winners.find((w) => w.tin === tin)?.name ?? tin;
    specs.push({
      rel: `vendor/${tin}.xml`,
      title: `ภาษีไปไหน: โครงการใหม่ที่ ${name} ชนะ`,
      page: `vendor?id=tin:${tin}`,
      entries: list.slice(0, own),
      about: 'vendor',
    });
  }
  for (const sub of ['agency', 'vendor']) await mkdir(path.join(dir, sub), { recursive: true });
  let bytes = 0;
  // A folder of small files: written a batch at a time (one by one took 3 times as long).
  for (let i = 0; i < specs.length; i += WRITE_BATCH) {
    await Promise.all(
      specs.slice(i, i + WRITE_BATCH).map((spec) => {
        const text = feedXml(spec, m, builtAt);
        bytes += Buffer.byteLength(text);
        return writeFile(path.join(dir, spec.rel), text);
      }),
    );
  }
  return {
    national: 'feeds/national.xml',
    agencies: agencies.length,
    vendors: byVendor.size,
    entries: total,
    per_feed: own,
    bytes,
  };
}

/** Entries by each of their keys (an entry with two winners is in both vendors' lists), in order. */
function group(all: Entry[], keys: (e: Entry) => string[]): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  for (const e of all)
    for (const k of new Set(keys(e))) {
      const list = out.get(k) ?? [];
      list.push(e);
      out.set(k, list);
    }
  return out;
}
