/**
 * The watchlist's pure parts (#23 §2): what is new since an item was seen, which items are valid,
 * and the OPML file: written with its names escaped, read back whole, other tools' outlines of
 * this site's pages accepted and anything else skipped. The browser side is in
 * tests/e2e/profiles.test.ts (/following).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/lib/schema/tables';
import {
  checkItem,
  fromOutlines,
  newSince,
  toOpml,
  viewKey,
  type WatchItem,
} from '../../src/lib/watch/items';

const m = {
  snapshot_id: 'c'.repeat(16),
  built_at: '2026-12-10T03:00:00.000Z',
  first_seen: { date: '2026-12-10', added: 5, initial: false },
  snapshots: [
    { id: 'c'.repeat(16), built_at: '2026-12-10T03:00:00.000Z', first_seen: '2026-12-10' },
    { id: 'b'.repeat(16), built_at: '2026-12-03T03:00:00.000Z', first_seen: '2026-12-03' },
    { id: 'a'.repeat(16), built_at: '2026-11-26T03:00:00.000Z', first_seen: '2026-11-26' },
  ],
} as Manifest;

const agency: WatchItem = {
  kind: 'agency',
  key: '0123456789ab',
  title: 'กรม <ทดสอบ> & "ลูก"',
  snap: 'a'.repeat(16),
  since: '2026-11-26',
};

describe('what is new since an item was seen', () => {
  it('counts from the first snapshot after the one it was seen in', () => {
    expect(newSince(m, agency)).toBe('2026-12-03');
    expect(newSince(m, { snap: 'b'.repeat(16), since: '2026-12-03' })).toBe('2026-12-10');
    expect(newSince(m, { snap: m.snapshot_id, since: '2026-12-10' })).toBeNull();
    // Seen in a snapshot no longer kept: the day after the date it was seen.
    expect(newSince(m, { snap: 'd'.repeat(16), since: '2026-10-31' })).toBe('2026-11-01');
    // Data that does not record first appearances has nothing to say.
    expect(newSince({ ...m, first_seen: undefined }, agency)).toBeNull();
  });
});

describe('items', () => {
  it('accepts only keys the site makes, and views by their normalised filters', () => {
    expect(checkItem(agency)).toEqual(agency);
    expect(checkItem({ ...agency, key: '../../etc' })).toBeNull();
    expect(checkItem({ ...agency, kind: 'vendor', key: 'tin:0105537017627' })).not.toBeNull();
    expect(checkItem({ ...agency, kind: 'vendor', key: 'javascript:alert(1)' })).toBeNull();
    expect(checkItem({ ...agency, snap: 'not a snapshot' })).toBeNull();
    expect(viewKey('?page=3&fy=2567&snap=abcdef&sort=agreed&seen=latest')).toBe('?fy=2567');
    expect(viewKey('?page=2')).toBe(''); // the whole dataset
    expect(checkItem({ ...agency, kind: 'view', key: '?fy=2567' })).not.toBeNull();
    expect(checkItem({ ...agency, kind: 'view', key: '?fy=2567&page=2' })).toBeNull();
  });
});

describe('OPML', () => {
  const view: WatchItem = {
    ...agency,
    kind: 'view',
    key: viewKey('?fy=2567&q=ถนน'),
  };
  const text = toOpml(
    [agency, view],
    'ที่ติดตาม',
    {
      page: (i) =>
        `https://example.org/site/${i.kind === 'agency' ? `agency?key=${i.key}` : `explore${i.key}`}`,
      feed: (i) =>
        i.kind === 'agency' ? `https://example.org/site/data/feeds/agency/${i.key}.xml` : null,
    },
    new Date('2026-12-10T00:00:00Z'),
  );

  it('is valid XML with each name escaped, feeds as rss outlines and views as links', () => {
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text) as {
      opml: { version: string; body: { outline: Record<string, string>[] } };
    };
    expect(doc.opml.version).toBe('2.0');
    const [a, v] = doc.opml.body.outline;
    expect(a).toMatchObject({ type: 'rss', title: agency.title, 'w:kind': 'agency' });
    expect(v).toMatchObject({ type: 'link', url: `https://example.org/site/explore${view.key}` });
  });

  it('reads its own outlines back whole, other tools’ outlines of this site’s pages as of now, and skips the rest', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      text,
    ) as {
      opml: { body: { outline: Record<string, string>[] } };
    };
    const asAttrs = (o: Record<string, string>) => ({ attr: (n: string) => o[n] ?? null });
    const now = { snap: m.snapshot_id, since: '2026-12-10' };
    const back = fromOutlines(parsed.opml.body.outline.map(asAttrs), now);
    expect(back).toEqual({ items: [agency, view], skipped: 0 });
    const outlines: Record<string, string>[] = [
      { text: 'x', htmlUrl: 'https://other.host/base/vendor?id=tin:0105537017627' },
      { text: 'y', xmlUrl: 'https://news.example/rss', htmlUrl: 'https://news.example/' },
      { text: 'z', url: 'javascript:alert(1)' },
    ];
    const foreign = fromOutlines(outlines.map(asAttrs), now);
    expect(foreign).toEqual({
      items: [{ kind: 'vendor', key: 'tin:0105537017627', title: 'x', ...now }],
      skipped: 2,
    });
  });
});
