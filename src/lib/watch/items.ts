/**
 * What a reader follows (#23 §2): an agency, a vendor or any explorer view, kept in the browser
 * (no server, no account). Pure: the items, when each was last seen, what is new since, and the
 * OPML file they are exported as (feed readers import it). The browser's storage and the page
 * are in watchlist.svelte.ts.
 */
import { filtersToSearch, parseFilters } from '../query/filters';
import type { Manifest } from '../schema/tables';

export type WatchKind = 'agency' | 'vendor' | 'view';

export interface WatchItem {
  kind: WatchKind;
  /** Its key: the agency key, the vendor key, or the view's explorer query (`?fy=2567&q=…`). */
  key: string;
  /** What the reader saw it called when following it (text, never markup). */
  title: string;
  /** The snapshot it was last seen in, and that snapshot's first-seen date (ISO). */
  snap: string;
  since: string;
}

/** At most this many items (a file to import may hold more: the rest are skipped and counted). */
export const MAX_ITEMS = 500;

/** The item's id within the list: one per kind and key. */
export const itemId = (i: Pick<WatchItem, 'kind' | 'key'>) => `${i.kind}:${i.key}`;

const AGENCY_KEY = /^[0-9a-f]{12}$/;
const VENDOR_KEY = /^(tin:\d{13}|name:.+)$/;

/** The explorer filters that select the item's projects, as a query string (`?…`). */
export function itemFilters(i: Pick<WatchItem, 'kind' | 'key'>): string {
  if (i.kind === 'agency') return `?${new URLSearchParams({ agency: i.key })}`;
  if (i.kind === 'vendor') return `?${new URLSearchParams({ vendor: i.key })}`;
  return i.key;
}

/** The page the item is about, relative to the site's root (language prefix aside). */
export function itemPage(i: Pick<WatchItem, 'kind' | 'key'>): { route: string; search: string } {
  if (i.kind === 'agency')
    return { route: '/agency', search: `?${new URLSearchParams({ key: i.key })}` };
  if (i.kind === 'vendor')
    return { route: '/vendor', search: `?${new URLSearchParams({ id: i.key })}` };
  return { route: '/explore', search: i.key };
}

/**
 * The item's Atom feed, relative to the data folder (vendors: only those with a tax id; views:
 * the national one for the whole dataset).
 */
export function itemFeed(i: Pick<WatchItem, 'kind' | 'key'>): string | null {
  if (i.kind === 'agency') return `feeds/agency/${i.key}.xml`;
  if (i.kind === 'view' && i.key === '') return 'feeds/national.xml';
  if (i.kind === 'vendor' && i.key.startsWith('tin:')) return `feeds/vendor/${i.key.slice(4)}.xml`;
  return null;
}

/**
 * A view's key: its explorer filters without the order, page and pinned snapshot (a followed
 * view follows the live data); empty for the whole dataset.
 */
export function viewKey(search: string): string {
  const { filters } = parseFilters(new URLSearchParams(search));
  const key = filtersToSearch({
    ...filters,
    sort: '-budget',
    page: 1,
    snap: null,
    seen: null,
    seenSince: null,
  });
  return key;
}

/** A valid item or null: imported files and storage are read through this. */
export function checkItem(x: Partial<WatchItem>): WatchItem | null {
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (typeof x.title !== 'string' || typeof x.key !== 'string') return null;
  if (typeof x.snap !== 'string' || !/^[0-9a-f]{6,64}$/.test(x.snap)) return null;
  if (typeof x.since !== 'string' || !iso.test(x.since)) return null;
  const ok =
    (x.kind === 'agency' && AGENCY_KEY.test(x.key)) ||
    (x.kind === 'vendor' && VENDOR_KEY.test(x.key)) ||
    (x.kind === 'view' && viewKey(x.key) === x.key);
  return ok
    ? { kind: x.kind!, key: x.key, title: x.title.slice(0, 300), snap: x.snap, since: x.since }
    : null;
}

/** Seen as of the manifest's snapshot. */
export function seenNow(m: Manifest): Pick<WatchItem, 'snap' | 'since'> {
  return { snap: m.snapshot_id, since: m.first_seen?.date ?? m.built_at.slice(0, 10) };
}

const nextDay = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The `seen_since` date that selects what is new for an item since it was last seen: the date of
 * the first snapshot published after its own (the manifest lists the kept ones, newest first), or
 * the day after the date it was seen when that snapshot is no longer listed; null when the data
 * has not changed since (or does not record when projects first appeared).
 */
export function newSince(m: Manifest, i: Pick<WatchItem, 'snap' | 'since'>): string | null {
  if (!m.first_seen || i.snap === m.snapshot_id) return null;
  const list = m.snapshots ?? [];
  const at = list.findIndex((s) => s.id === i.snap);
  const after = at > 0 ? list[at - 1] : null;
  return after?.first_seen ?? nextDay(i.since);
}

const escapeAttr = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '') // eslint-disable-line no-control-regex
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** Namespace of the attributes that bring an item back on import (OPML 2.0 allows them). */
export const OPML_NS = 'https://phasi-pai-nai.github.io/ns/watch';

/**
 * The list as OPML 2.0: an outline per item, `type="rss"` with its feed where it has one (feed
 * readers subscribe to those), `type="link"` for views; URLs absolute (`page`, `feed` make them).
 */
export function toOpml(
  items: readonly WatchItem[],
  title: string,
  url: { page: (i: WatchItem) => string; feed: (i: WatchItem) => string | null },
  now: Date,
): string {
  const outline = (i: WatchItem) => {
    const feed = url.feed(i);
    const page = url.page(i);
    const own = `w:kind="${i.kind}" w:key="${escapeAttr(i.key)}" w:snap="${i.snap}" w:since="${i.since}"`;
    const text = `text="${escapeAttr(i.title)}" title="${escapeAttr(i.title)}"`;
    return feed
      ? `    <outline ${text} type="rss" xmlUrl="${escapeAttr(feed)}" htmlUrl="${escapeAttr(page)}" ${own}/>`
      : `    <outline ${text} type="link" url="${escapeAttr(page)}" ${own}/>`;
  };
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<opml version="2.0" xmlns:w="${OPML_NS}">`,
    '  <head>',
    `    <title>${escapeAttr(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...items.map(outline),
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

/**
 * Items from an OPML file's outlines (read by the browser's DOMParser): those this site wrote
 * come back whole; an outline of a page of this site (an agency, a vendor, an explorer view)
 * written by another tool is followed as of now. The rest are counted as skipped.
 */
export function fromOutlines(
  outlines: readonly { attr: (name: string) => string | null }[],
  now: Pick<WatchItem, 'snap' | 'since'>,
): { items: WatchItem[]; skipped: number } {
  const items: WatchItem[] = [];
  let skipped = 0;
  for (const o of outlines) {
    const title = o.attr('title') ?? o.attr('text') ?? '';
    const own = checkItem({
      kind: o.attr('w:kind') as WatchKind,
      key: o.attr('w:key') ?? undefined,
      title,
      snap: o.attr('w:snap') ?? undefined,
      since: o.attr('w:since') ?? undefined,
    });
    const item = own ?? fromUrl(o.attr('htmlUrl') ?? o.attr('url'), title, now);
    if (item && items.length < MAX_ITEMS && !items.some((x) => itemId(x) === itemId(item)))
      items.push(item);
    else if (!item || items.length >= MAX_ITEMS) skipped++;
  }
  return { items, skipped };
}

/** An item from a URL of one of this site's pages (any host or base path: the path decides). */
function fromUrl(
  href: string | null,
  title: string,
  now: Pick<WatchItem, 'snap' | 'since'>,
): WatchItem | null {
  let u: URL;
  try {
    u = new URL(href ?? '', 'http://x.invalid/');
  } catch {
    return null;
  }
  const page = /\/(agency|vendor|explore)\/?$/.exec(u.pathname)?.[1];
  const p = u.searchParams;
  const base = { title: title || u.pathname, ...now };
  if (page === 'agency') return checkItem({ ...base, kind: 'agency', key: p.get('key') ?? '' });
  if (page === 'vendor') return checkItem({ ...base, kind: 'vendor', key: p.get('id') ?? '' });
  if (page === 'explore') {
    return checkItem({ ...base, kind: 'view', key: viewKey(u.search) });
  }
  return null;
}
