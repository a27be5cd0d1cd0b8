/**
 * The search's rule written out independently of src/lib/search (tests compare the word index
 * with it): a word of 3+ characters is a substring of the normalised name; a shorter word must be
 * one of the name's segmented words.
 */
import { rows } from './duckdb';
import { namedDetails } from './expected';

const seg = new Intl.Segmenter('th', { granularity: 'word' });

export function normalizeRef(text: string): string {
  let s = text.normalize('NFC');
  s = [...s].filter((c) => !'\u200b\u200c\u200d\u2060\ufeff\u00ad'.includes(c)).join('');
  s = s.replace(/\u0e4d([\u0e48\u0e49\u0e4a\u0e4b]?)\u0e32/g, '$1\u0e33');
  s = [...s]
    .map((c) => {
      const i = '๐๑๒๓๔๕๖๗๘๙'.indexOf(c);
      return i >= 0 ? String(i) : c.toLowerCase();
    })
    .join('');
  return s.split(/\s+/).filter(Boolean).join(' ');
}

export function reference(name: string, words: readonly string[]): boolean {
  const s = normalizeRef(name);
  const whole = new Set([...seg.segment(s)].map((x) => x.segment));
  return words.every((w) => ([...w].length >= 3 ? s.includes(w) : whole.has(w)));
}

/** True when every word is one of the name's own words (the search ranks these first). */
export function wholeWords(name: string, words: readonly string[]): boolean {
  const whole = new Set([...seg.segment(normalizeRef(name))].map((x) => x.segment));
  return words.every((w) => whole.has(w));
}

/** Every published project's name, by project id. */
export async function projectNames(dataDir: string): Promise<Map<string, string>> {
  const r = await rows(
    `SELECT project_id, project_name FROM ${namedDetails(dataDir)} WHERE project_name IS NOT NULL`,
  );
  return new Map(r.map((x) => [String(x.project_id), String(x.project_name)]));
}

/** The ids of the projects whose names match every word. */
export function matching(names: Map<string, string>, words: readonly string[]): string[] {
  return [...names].filter(([, n]) => reference(n, words)).map(([id]) => id);
}
