/** What is new for a followed item: its projects first seen since a date (the engine counts). */
import { aggregateWith } from '../query/aggregate';
import { parseFilters } from '../query/filters';
import type { Manifest } from '../schema/tables';
import { itemFilters, type WatchItem } from '../watch/items';
import { ask } from './lookup';
import { resolveFilters } from './resolve';

export async function newProjects(
  m: Manifest,
  item: WatchItem,
  since: string,
): Promise<{ projects: number; budget: string }> {
  const { filters } = parseFilters(new URLSearchParams(itemFilters(item)));
  const { r } = await resolveFilters(m, { ...filters, seenSince: since });
  const [row] = await aggregateWith(ask, m, r, [], ['projects', 'budget']);
  return { projects: Number(row?.projects ?? 0), budget: String(row?.budget ?? '0.00') };
}
