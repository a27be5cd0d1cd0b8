/**
 * When projects first appeared (#23 §1): the real drone records of FY2565–2567 published first,
 * then all of FY2565–2568 into the same folder (the shared drone fixture). The latest snapshot's
 * projects are exactly the FY2568 records of the CSV, read independently of the ingest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ingest } from '../../scripts/ingest/run';
import { seenDate } from '../../scripts/ingest/stages/first-seen';
import { hitsTable } from '../../src/lib/query/hits';
import { seenFiles } from '../../src/lib/query/seen';
import { NO_FILTERS, parseFilters } from '../../src/lib/query/filters';
import { parquet } from '../../src/lib/query/sql';
import { TABLES, tableFiles, type Manifest, type Summary } from '../../src/lib/schema/tables';
import { readRecords } from '../helpers/csv';
import { lit, rows } from '../helpers/duckdb';
import { manifestOf, table } from '../helpers/expected';
import { DRONE_LATEST_FY, DRONE_MAPS, droneData, droneSlice } from '../helpers/fixtures';
import { DGA_CSV, DRONE_CSV, TMP } from '../helpers/paths';
import { site, type Site } from '../helpers/site';

const scratch = path.join(TMP, 'unit-first-seen');
let droneDir = '';
let drone: Site;

/** The project ids of the CSV's records of one fiscal year (`_ปีงบ`), read with csv-parse. */
function csvIds(fy: number): string[] {
  const [header, ...records] = readRecords(DRONE_CSV);
  const [y, id] = [header!.indexOf('_ปีงบ'), header!.indexOf('รหัสโครงการ')];
  return records.filter((r) => r[y] === String(fy)).map((r) => r[id]!);
}

/** The project ids a filter selects, through the site's own first-seen SQL. */
async function selected(s: Site, seen: Partial<typeof NO_FILTERS>): Promise<string[]> {
  const r = await s.resolve({ ...NO_FILTERS, ...seen });
  const hits = await s.ask(
    {
      sql: `SELECT p.project_id FROM ${parquet(tableFiles(s.m, 'projects'))} p
        WHERE p.project_seq IN (SELECT project_seq FROM ${hitsTable(r.seen!.table)}) ORDER BY 1`,
      params: [],
    },
    [],
  );
  return hits.map((x) => String(x.project_id));
}

beforeAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  droneDir = await droneData();
  drone = await site(droneDir);
}, 120_000);

describe('first_seen over two ingests into one folder', () => {
  it('selects exactly the FY2568 records as what the latest snapshot added', async () => {
    const latest = csvIds(DRONE_LATEST_FY).sort();
    expect(latest.length).toBeGreaterThan(700);
    expect(await selected(drone, { seen: 'latest' })).toEqual(latest);
    // Every project of the earlier years keeps the first snapshot's date and id.
    const m = manifestOf(droneDir);
    const [first] = await rows(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT first_snapshot)::INTEGER AS snaps,
         min(first_snapshot) AS snap FROM ${table(droneDir, 'first_seen')} WHERE first_snapshot <> ?`,
      [m.snapshot_id],
    );
    expect(first).toEqual({
      n: m.counts.projects - latest.length,
      snaps: 1,
      snap: m.snapshots![1]!.id,
    });
    // The files' columns in the schema's order, the project id last (schema 38): a filter reads
    // the three small columns of a row group together.
    for (const file of tableFiles(m, 'first_seen')) {
      const columns = await rows(
        `SELECT name FROM parquet_schema(${lit(path.join(droneDir, file.path))}) WHERE num_children IS NULL`,
      );
      expect(columns.map((c) => c.name)).toEqual([...TABLES.first_seen]);
    }
    expect(TABLES.first_seen.at(-1)).toBe('project_id');
  });

  it('lists the published snapshots with their dates and what each added', () => {
    const m = manifestOf(droneDir);
    const date = seenDate(m.built_at);
    expect(m.first_seen).toEqual({
      date,
      added: csvIds(DRONE_LATEST_FY).length,
      initial: false,
      headline: true,
    });
    expect(m.snapshots!.map((s) => [s.first_seen, s.added, s.initial])).toEqual([
      [date, m.first_seen!.added, false],
      // The first of the folder: every project was new (the feeds leave it out).
      [seenDate(m.snapshots![1]!.built_at), m.counts.projects - m.first_seen!.added, true],
    ]);
    // The table is listed among the files, but is not part of the content id: the same records
    // ingested into a fresh folder give the same snapshot id (ingest.test.ts, determinism). What
    // the snapshot added is a file of its own (schema 39), each with the range of its dates.
    const earlier = m.snapshots![1]!.first_seen!;
    expect(tableFiles(m, 'first_seen')).toMatchObject([
      {
        path: `s-${m.snapshot_id}/first_seen.parquet`,
        rows: m.counts.projects - m.first_seen!.added,
        key_min: earlier,
        key_max: earlier,
      },
      {
        path: `s-${m.snapshot_id}/first_seen_added.parquet`,
        rows: m.first_seen!.added,
        key_min: date,
        key_max: date,
      },
    ]);
    // The latest update's view reads its own file alone (the two snapshots share their date).
    expect(seenFiles(m, { seen: 'latest', seenSince: null })).toEqual([
      tableFiles(m, 'first_seen')[1],
    ]);
  });

  it('reads only the file of what the latest update added when it came on a later day', async () => {
    // A history of two days: half of a real file published on 1 November (the clock set to
    // then), all of it today. The expected additions come from the two snapshots' projects.
    const out = path.join(scratch, 'two-days');
    const [header, ...records] = readRecords(DGA_CSV);
    const half = path.join(scratch, 'dga-half.csv');
    await mkdir(scratch, { recursive: true });
    await writeFile(half, stringify([header!, ...records.slice(0, records.length / 2)]));
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-01T03:00:00Z') });
    try {
      await ingest({ files: [half], out, maps: new Map() });
    } finally {
      vi.useRealTimers();
    }
    const before = await rows(`SELECT project_id FROM ${table(out, 'projects')}`);
    const { manifest: m } = await ingest({ files: [DGA_CSV], out, maps: new Map() });
    const after = await rows(`SELECT project_id FROM ${table(out, 'projects')} ORDER BY 1`);
    const known = new Set(before.map((r) => r.project_id));
    const added = after.map((r) => String(r.project_id)).filter((id) => !known.has(id));
    expect(added.length).toBeGreaterThan(50);
    expect(m.first_seen!.date).not.toBe('2026-11-01');

    const [, fresh] = tableFiles(m, 'first_seen');
    expect(seenFiles(m, { seen: 'latest', seenSince: null })).toEqual([fresh]);
    expect(seenFiles(m, { seen: null, seenSince: m.first_seen!.date })).toEqual([fresh]);
    expect(seenFiles(m, { seen: null, seenSince: '2026-11-01' })).toHaveLength(2);
    const s = await site(out);
    expect(await selected(s, { seen: 'latest' })).toEqual(added);
    expect(await selected(s, { seenSince: m.first_seen!.date })).toEqual(added);
    expect(await selected(s, { seenSince: '2026-11-01' })).toHaveLength(after.length);
  });

  it('writes what the latest snapshot added for /new: totals, agencies and winners, as native DuckDB sums them', async () => {
    const m = manifestOf(droneDir);
    const summary = JSON.parse(
      readFileSync(
        path.join(droneDir, m.files.find((f) => f.table === 'aggregates')!.path),
        'utf8',
      ),
    ) as Summary;
    const fresh = `(SELECT project_id FROM ${table(droneDir, 'first_seen')} WHERE first_snapshot = ${lit(m.snapshot_id)})`;
    const [p] = await rows(`SELECT count(*)::INTEGER AS projects, sum(budget)::VARCHAR AS budget
      FROM ${table(droneDir, 'projects')} WHERE project_id IN ${fresh}`);
    const [c] =
      await rows(`SELECT count(*)::INTEGER AS contracts, sum(price_agree)::VARCHAR AS agreed
      FROM ${table(droneDir, 'contracts')} WHERE project_id IN ${fresh}`);
    const agencies = await rows(`SELECT a.agency_key, sum(p.budget)::VARCHAR AS budget
      FROM ${table(droneDir, 'projects')} p JOIN ${table(droneDir, 'agencies')} a USING (agency_id)
      WHERE p.project_id IN ${fresh} GROUP BY 1 ORDER BY sum(p.budget) DESC, 1 LIMIT 10`);
    const added = summary.added!;
    expect(added).toMatchObject({ date: m.first_seen!.date, initial: false });
    expect(added.totals).toEqual({ ...p, ...c });
    expect(added.totals.projects).toBe(csvIds(DRONE_LATEST_FY).length);
    expect(added.agencies.map((a) => ({ agency_key: a.agency_key, budget: a.budget }))).toEqual(
      agencies,
    );
    expect(added.vendors).toHaveLength(10);
  });

  it('records the date in Thailand: a snapshot built at 17:30 UTC is the next day’s', () => {
    expect(seenDate('2026-12-03T16:59:59.000Z')).toBe('2026-12-03');
    expect(seenDate('2026-12-03T17:30:00.000Z')).toBe('2026-12-04');
  });

  it('selects by date: on or after the first snapshot’s date everything, after today nothing', async () => {
    const m = manifestOf(droneDir);
    expect(await selected(drone, { seenSince: m.snapshots![1]!.first_seen! })).toHaveLength(
      m.counts.projects,
    );
    expect(await selected(drone, { seenSince: '2999-01-01' })).toEqual([]);
  });

  it('keeps the dates when the same records are published again, and adds the next file’s', async () => {
    const out = path.join(scratch, 'again');
    await cp(droneDir, out, { recursive: true });
    const before = manifestOf(out);
    const again = await ingest({ files: [DRONE_CSV], out, maps: DRONE_MAPS });
    expect(again.manifest.snapshot_id).toBe(before.snapshot_id);
    expect(again.manifest.first_seen).toEqual(before.first_seen);
    expect(await selected(await site(out), { seen: 'latest' })).toEqual(
      csvIds(DRONE_LATEST_FY).sort(),
    );
    // A smaller file (a ninth of the records) adds nothing new: every project it has was seen.
    const slice = await ingest({ files: [await droneSlice()], out, maps: DRONE_MAPS });
    expect(slice.manifest.first_seen!.added).toBe(0);
    expect(tableFiles(slice.manifest, 'first_seen').map((f) => path.basename(f.path))).toEqual([
      'first_seen.parquet',
    ]);
    expect(seenFiles(slice.manifest, { seen: 'latest', seenSince: null })).toEqual([]);
    expect(await selected(await site(out), { seen: 'latest' })).toEqual([]);
  });

  it('refuses to publish when the published snapshot lost its first-seen file, leaving it intact', async () => {
    const out = path.join(scratch, 'damaged');
    await cp(droneDir, out, { recursive: true });
    const before = await readFile(path.join(out, 'manifest.json'), 'utf8');
    const m = JSON.parse(before) as Manifest;
    await rm(path.join(out, tableFiles(m, 'first_seen')[0]!.path));
    const logged: string[] = [];
    await expect(
      ingest({ files: [await droneSlice()], out, maps: DRONE_MAPS, log: (l) => logged.push(l) }),
    ).rejects.toThrow(
      /lacks s-\w+\/first_seen\.parquet, so when its projects first appeared cannot be carried over/,
    );
    // Refused before reading the input (at the national scale, an hour sooner than at the end).
    expect(logged).toEqual([]);
    expect(await readFile(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
  });
});

describe('the seen filters in a URL', () => {
  it('reads seen=latest and seen_since, and names what it ignores', () => {
    const { filters, invalid } = parseFilters(
      new URLSearchParams('seen=latest&seen_since=2026-02-30'),
    );
    expect([filters.seen, filters.seenSince]).toEqual(['latest', null]);
    expect(invalid).toEqual(['seen_since=2026-02-30']);
    const bad = parseFilters(new URLSearchParams('seen=yesterday&seen_since=2026-01-31'));
    expect([bad.filters.seen, bad.filters.seenSince]).toEqual([null, '2026-01-31']);
    expect(bad.invalid).toEqual(['seen=yesterday']);
  });
});

describe('Atom feeds of new projects (#23 §2)', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    isArray: (n) => ['entry', 'link'].includes(n),
  });
  interface Feed {
    id: string;
    title: string;
    updated: string;
    author: { name: string };
    link: { '@_rel': string; '@_href': string }[];
    entry?: {
      id: string;
      title: string;
      updated: string;
      summary: string;
      link: { '@_rel': string; '@_href': string }[];
    }[];
  }
  /** A feed file: well-formed XML, then Atom's required elements (RFC 4287 §4.1). */
  function readFeed(rel: string): Feed {
    const text = readFileSync(path.join(droneDir, 'feeds', rel), 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = parser.parse(text) as { feed: Feed & { '@_xmlns': string } };
    const f = doc.feed;
    expect(f['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    for (const k of ['id', 'title', 'updated'] as const) expect(f[k]).toBeTruthy();
    expect(f.author.name).toBeTruthy();
    expect(Date.parse(f.updated)).not.toBeNaN();
    for (const e of f.entry ?? []) {
      expect(e.id).toMatch(/^tag:phasi-pai-nai,2026:project\//);
      expect(Date.parse(e.updated)).not.toBeNaN();
      expect(e.title).toBeTruthy();
      expect(e.link.find((l) => l['@_rel'] === 'alternate')!['@_href']).toMatch(
        /project\?id=\d{11}$/,
      );
    }
    return f;
  }
  const ids = (f: Feed) => (f.entry ?? []).map((e) => e.id.replace(/^.*project\//, ''));

  it('list the projects the second ingest added: each agency its largest 20, nationally the largest 200', async () => {
    const m = manifestOf(droneDir);
    const latest = csvIds(DRONE_LATEST_FY).sort();
    expect(m.feeds).toMatchObject({
      national: 'feeds/national.xml',
      entries: latest.length,
      per_feed: 20,
    });
    const agencyFeeds = readdirSync(path.join(droneDir, 'feeds', 'agency'));
    const [agencies] = await rows(
      `SELECT count(*)::INTEGER AS n FROM ${table(droneDir, 'agencies')}`,
    );
    expect(agencyFeeds).toHaveLength(Number(agencies!.n));
    // Each agency's new projects, largest budget first (all were first seen on one date), its
    // first 20 in its feed.
    const fresh = `(SELECT project_id FROM ${table(droneDir, 'first_seen')} WHERE first_snapshot = ${lit(m.snapshot_id)})`;
    const byAgency = await rows(
      `SELECT a.agency_key, list(p.project_id ORDER BY p.budget DESC NULLS LAST, p.project_id) AS ids
       FROM ${table(droneDir, 'projects')} p JOIN ${table(droneDir, 'agencies')} a USING (agency_id)
       WHERE p.project_id IN ${fresh} GROUP BY 1`,
    );
    for (const a of byAgency)
      expect(ids(readFeed(`agency/${String(a.agency_key)}.xml`))).toEqual(
        (a.ids as unknown as string[]).slice(0, 20),
      );
    const listed = agencyFeeds.flatMap((f) => ids(readFeed(`agency/${f}`)));
    expect(listed.length).toBe(
      byAgency.reduce((n, a) => n + Math.min(20, (a.ids as unknown as string[]).length), 0),
    );
    // Nationally: the 200 largest budgets of them, newest first (all of one snapshot here).
    const expected = await rows(
      `SELECT project_id FROM ${table(droneDir, 'projects')} WHERE project_id IN ${fresh}
       ORDER BY budget DESC NULLS LAST, project_id LIMIT 200`,
    );
    const national = readFeed('national.xml');
    expect(ids(national)).toEqual(expected.map((r) => String(r.project_id)));
    // Each entry links to its project's page and to the snapshot that added it, from the feed's
    // own URL (<site>/data/feeds/national.xml).
    expect(national.entry![0]!.link.map((l) => l['@_href'])).toEqual([
      `../../project?id=${ids(national)[0]}`,
      `../../new?snap=${m.snapshot_id}`,
    ]);
    expect(national.entry![0]!.summary).toMatch(/ผู้ชนะ: .+ \(\d{13}\): [\d,.]+ บาท/);
  });

  it('one per vendor with a valid tax id that won a new project, with its winners and amounts', async () => {
    const m = manifestOf(droneDir);
    const winners = await rows(
      `SELECT v.tin, list(DISTINCT c.project_id ORDER BY c.project_id) AS ids
       FROM ${table(droneDir, 'contracts')} c JOIN ${table(droneDir, 'vendors')} v USING (vendor_id)
       WHERE v.tin_status = 'valid' AND c.project_id IN
         (SELECT project_id FROM ${table(droneDir, 'first_seen')} WHERE first_snapshot = ?)
       GROUP BY 1 ORDER BY 1`,
      [m.snapshot_id],
    );
    expect(readdirSync(path.join(droneDir, 'feeds', 'vendor')).sort()).toEqual(
      winners.map((w) => `${String(w.tin)}.xml`),
    );
    const w = winners[0]!;
    const feed = readFeed(`vendor/${String(w.tin)}.xml`);
    expect(ids(feed).sort()).toEqual((w.ids as unknown as string[]).slice(0, 20));
    // Its entries name the agency and the amounts (the winner is the feed's own).
    expect(feed.entry![0]!.summary).toMatch(/ · ปีงบประมาณ 25\d\d · งบประมาณ [\d,.]+ บาท/);
    expect(feed.entry![0]!.summary).not.toContain('ผู้ชนะ');
  });
});
