/**
 * The search's rule written out independently of src/lib/search (tests compare the word index
 * with it): a word of 3+ characters is a substring of the normalised name; a shorter word must be
 * one of the name's words (docs/search.md): ICU's segments, a place's name after ตำบล/อำเภอ/
 * จังหวัด/แขวง taken whole, and short segments in a row that make a dictionary word joined.
 */
import { rows } from './duckdb';
import { namedDetails } from './expected';

const seg = new Intl.Segmenter('th', { granularity: 'word' });
const cut = (s: string) => [...seg.segment(s)].map((x) => x.segment);
const letters = (s: string) => /[\p{L}\p{N}]/u.test(s);
const short = (s: string | undefined) => s !== undefined && letters(s) && [...s].length < 3;
/** In ICU's dictionary: between two copies of a known word it stays one segment. */
const inDictionary = (s: string) => cut(`การ${s}การ`).join('|') === `การ|${s}|การ`;

/** The words of a normalised name, by the rule above. */
export function nameWords(name: string): Set<string> {
  const words = new Set<string>();
  let place: string | null = null;
  for (const chunk of name.split(' ')) {
    const segs = cut(chunk);
    for (let i = 0; i < segs.length; i++) {
      const x = segs[i]!;
      if (['ตำบล', 'อำเภอ', 'จังหวัด', 'แขวง'].includes(x)) {
        if (place) words.add(place);
        words.add(x);
        place = '';
      } else if (place !== null) {
        if (place || letters(x)) place += x;
      } else if (letters(x)) {
        let k = i;
        if (short(x)) {
          while (short(segs[k + 1])) k++;
          while (k > i && !inDictionary(segs.slice(i, k + 1).join(''))) k--;
        }
        words.add(segs.slice(i, k + 1).join(''));
        i = k;
      }
    }
    if (place) {
      words.add(place);
      place = null;
    }
  }
  return words;
}

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

/** A name's normalised text and words, worked out once per name (tests ask dozens of queries). */
const seen = new Map<string, { s: string; whole: Set<string> }>();
function parts(name: string): { s: string; whole: Set<string> } {
  let p = seen.get(name);
  if (!p) {
    const s = normalizeRef(name);
    p = { s, whole: nameWords(s) };
    seen.set(name, p);
  }
  return p;
}

export function reference(name: string, words: readonly string[]): boolean {
  const { s, whole } = parts(name);
  return words.every((w) => ([...w].length >= 3 ? s.includes(w) : whole.has(w)));
}

/** True when every word is one of the name's own words (the search ranks these first). */
export function wholeWords(name: string, words: readonly string[]): boolean {
  const { whole } = parts(name);
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
