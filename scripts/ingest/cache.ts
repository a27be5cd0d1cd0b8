/**
 * Cache keys for cleaned sources. A source's cleaned rows depend on its bytes, its kind, the
 * column maps and the cleaning rules; the key hashes all four, so a change to any rule (the SQL
 * text the rules compile to) makes every cached source stale on its own.
 */
import { createHash } from 'node:crypto';
import { CLEAN_COLUMNS, dictionarySql, normalizeSql } from './normalize.ts';
import { ruleMacros } from './rules.ts';

const RULES = createHash('sha256')
  .update(JSON.stringify([ruleMacros(), normalizeSql('i', 'r'), dictionarySql('i'), CLEAN_COLUMNS]))
  .digest('hex');

export function cacheKey(sha256: string, kind: string, maps: ReadonlyMap<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify([sha256, kind, [...maps].sort(), RULES]))
    .digest('hex')
    .slice(0, 32);
}
