/**
 * Thai-aware text normalisation and word segmentation, shared by the ingest (Node) and the site
 * (the browser): both sides must turn text into the same words, or an indexed word would not be
 * found. `Intl.Segmenter('th')` is ICU's dictionary segmenter, the same in Node 20 and Chromium.
 */

/** Zero-width and invisible characters dropped before matching (ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY). */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** Decomposed sara am: nikhahit (U+0E4D), an optional tone mark, then sara aa (U+0E32). */
const SARA_AM = /\u0E4D([\u0E48-\u0E4B]?)\u0E32/g;
const THAI_DIGIT = /[\u0E50-\u0E59]/g;
const SPACES = /\s+/g;

/**
 * The form both the index and the query are compared in: NFC, invisible characters removed,
 * decomposed sara am folded to ำ, Thai digits as Arabic digits, Latin letters lower-cased,
 * runs of spaces collapsed to one, trimmed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(SARA_AM, '$1\u0E33')
    .replace(THAI_DIGIT, (d) => String(d.charCodeAt(0) - 0x0e50))
    .toLowerCase()
    .replace(SPACES, ' ')
    .trim();
}

let segmenter: Intl.Segmenter | null = null;

/** A segment is a word when it holds a letter or a digit (spaces and punctuation are not). */
const WORDLIKE = /[\p{L}\p{N}]/u;

/** The words of already normalised text, in order (repeats kept). */
export function segmentWords(normalized: string): string[] {
  segmenter ??= new Intl.Segmenter('th', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(normalized)) if (WORDLIKE.test(s.segment)) out.push(s.segment);
  return out;
}

/** The distinct words of a text (normalised, then segmented). */
export function indexWords(text: string): string[] {
  return [...new Set(segmentWords(normalizeText(text)))];
}

/** Kinds of indexed terms: a segmented word, or a space-delimited chunk of several words. */
export const TERM_WORD = 0;
export const TERM_CHUNK = 1;

/**
 * What the index stores for a text: its distinct words, and its distinct space-delimited chunks
 * that are not a single word. The segmenter cuts the same letters differently in different
 * contexts (`โดรน` alone is one word, in `ซื้อโดรน` it is `โด|รน`), so a query word is looked for
 * inside the chunks too: a query word has no space, so any place it occurs in a name lies inside
 * one chunk, and the search finds it whatever the segmenter did there.
 */
export function indexTerms(text: string): { words: string[]; chunks: string[] } {
  const norm = normalizeText(text);
  const words = [...new Set(segmentWords(norm))];
  const single = new Set(words);
  const chunks = [...new Set(norm.split(' '))].filter((c) => c && !single.has(c));
  return { words, chunks };
}

/** Length in code points (a Thai vowel or tone mark counts as one). */
export function charLength(word: string): number {
  return [...word].length;
}

/**
 * Words of 1–2 characters match whole segmented words only; longer words also match inside a
 * word (a part or a prefix of a compound).
 */
export const SUBSTRING_MIN = 3;

export const MAX_QUERY = 200;
export const MAX_QUERY_WORDS = 12;

export type QueryProblem = 'empty' | 'too_long' | 'too_many_words';

/** A query's distinct words (normalised and segmented like the index), or why there are none. */
export function queryWords(q: string): { words: string[]; problem: QueryProblem | null } {
  if (charLength(q) > MAX_QUERY) return { words: [], problem: 'too_long' };
  const words = [...new Set(segmentWords(normalizeText(q)))];
  if (words.length === 0) return { words, problem: 'empty' };
  if (words.length > MAX_QUERY_WORDS) return { words: [], problem: 'too_many_words' };
  return { words, problem: null };
}

/**
 * Does a text match every query word, by the search's own rule? Used to highlight and as the
 * reference the tests compare the index with.
 */
export function matchesAll(text: string, words: readonly string[]): boolean {
  const norm = normalizeText(text);
  let segs: Set<string> | null = null;
  return words.every((w) => {
    if (charLength(w) >= SUBSTRING_MIN) return norm.includes(w);
    segs ??= new Set(segmentWords(norm));
    return segs.has(w);
  });
}

/**
 * The text cut into pieces, `mark` on the parts that match a query word (for highlighting as
 * text, never as HTML). Matching runs on the normalised form; the pieces are the original text.
 */
export function highlight(
  text: string,
  words: readonly string[],
): { text: string; mark: boolean }[] {
  if (words.length === 0 || !text) return [{ text, mark: false }];
  // Normalise piece by piece, remembering where each normalised character came from.
  const src = text.normalize('NFC');
  let norm = '';
  const from: number[] = [];
  for (let i = 0; i < src.length;) {
    const am = /^\u0E4D([\u0E48-\u0E4B]?)\u0E32/.exec(src.slice(i, i + 3));
    const len = am ? am[0].length : src.codePointAt(i)! > 0xffff ? 2 : 1;
    const piece = am
      ? `${am[1]}\u0E33`
      : src
          .slice(i, i + len)
          .replace(INVISIBLE, '')
          .replace(THAI_DIGIT, (d) => String(d.charCodeAt(0) - 0x0e50))
          .toLowerCase();
    for (let k = 0; k < piece.length; k++) from.push(i);
    norm += piece;
    i += len;
  }
  from.push(src.length);
  const marked = new Uint8Array(src.length);
  const mark = (start: number, end: number) => {
    for (let k = from[start]!; k < from[end]!; k++) marked[k] = 1;
  };
  for (const w of words) {
    if (charLength(w) >= SUBSTRING_MIN) {
      for (let at = norm.indexOf(w); at >= 0; at = norm.indexOf(w, at + 1)) mark(at, at + w.length);
    } else {
      segmenter ??= new Intl.Segmenter('th', { granularity: 'word' });
      for (const s of segmenter.segment(norm)) {
        if (s.segment === w) mark(s.index, s.index + w.length);
      }
    }
  }
  const out: { text: string; mark: boolean }[] = [];
  for (let k = 0; k < src.length; k++) {
    const m = marked[k] === 1;
    const last = out.at(-1);
    if (last && last.mark === m) last.text += src[k];
    else out.push({ text: src[k]!, mark: m });
  }
  return out;
}
