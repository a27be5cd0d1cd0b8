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

function segments(text: string): Intl.SegmentData[] {
  segmenter ??= new Intl.Segmenter('th', { granularity: 'word' });
  return [...segmenter.segment(text)];
}

/** A word that frames the text looked up in ICU's dictionary (any common word would do). */
const FRAME = 'การ';

/**
 * Is the text a word of ICU's dictionary? Read alone, ICU leaves any stretch it cannot cut as one
 * segment (`รถใน`), so the text is framed by a known word on each side: a dictionary word comes
 * back as one segment between them (`การ|สามารถ|การ`), anything else in pieces (`การ|รถ|ใน|การ`).
 */
const dictMemo = new Map<string, boolean>();
function dictionaryWord(text: string): boolean {
  let known = dictMemo.get(text);
  if (known === undefined) {
    if (dictMemo.size > 100_000) dictMemo.clear();
    const segs = segments(FRAME + text + FRAME);
    known = segs.length === 3 && segs[1]!.segment === text;
    dictMemo.set(text, known);
  }
  return known;
}

/** Words a place's name follows: the name, up to the next of them or the chunk's end, is one word. */
const PLACE_BEFORE = new Set(['ตำบล', 'อำเภอ', 'จังหวัด', 'แขวง']);

/** A word of a text and where it starts (in UTF-16 units of the normalised text). */
export interface Word {
  word: string;
  index: number;
}

/**
 * The words of normalised text, in order: ICU's segments of each space-delimited chunk, except
 * - a place's name after ตำบล, อำเภอ, จังหวัด or แขวง is one word (`ตำบลศาลายา` is `ตำบล`,
 *   `ศาลายา`, not `ศาลา`, `ยา`);
 * - two or more segments of 1–2 characters in a row that make a word of ICU's dictionary are
 *   that word: in context its dictionary cuts a word it knows into pieces when an
 *   unknown word follows (`ความสามารถพิเศษฯ` → `ความ|สา|มา|รถ|พิเศษฯ`), so `สามารถ` is one word
 *   and `รถ` is not a word of that name.
 */
export function textWords(normalized: string): Word[] {
  const out: Word[] = [];
  let placeFrom = -1;
  let placeOpen = false;
  const endPlace = (end: number) => {
    if (placeFrom >= 0 && end > placeFrom) {
      out.push({ word: normalized.slice(placeFrom, end), index: placeFrom });
    }
    placeFrom = -1;
    placeOpen = false;
  };
  let at = 0;
  for (const chunk of normalized.split(' ')) {
    const segs = segments(chunk);
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const index = at + s.index;
      if (PLACE_BEFORE.has(s.segment)) {
        endPlace(index);
        out.push({ word: s.segment, index });
        placeOpen = true;
      } else if (placeOpen) {
        if (placeFrom < 0 && WORDLIKE.test(s.segment)) placeFrom = index;
      } else if (WORDLIKE.test(s.segment)) {
        const end = joined(segs, i);
        const word = segs
          .slice(i, end + 1)
          .map((x) => x.segment)
          .join('');
        out.push({ word, index });
        i = end;
      }
    }
    // A place's name ends with its chunk (it is the next chunk when the chunk ends in ตำบล).
    if (placeFrom >= 0) endPlace(at + chunk.length);
    at += chunk.length + 1;
  }
  return out;
}

/** Short segments (2+ in a row from `i`) that read alone as one word: the last one's place. */
function joined(segs: readonly Intl.SegmentData[], i: number): number {
  const short = (k: number) =>
    k < segs.length &&
    WORDLIKE.test(segs[k]!.segment) &&
    charLength(segs[k]!.segment) < SUBSTRING_MIN;
  if (!short(i)) return i;
  let last = i;
  while (short(last + 1)) last++;
  for (let k = last; k > i; k--) {
    if (
      dictionaryWord(
        segs
          .slice(i, k + 1)
          .map((x) => x.segment)
          .join(''),
      )
    )
      return k;
  }
  return i;
}

/** The words of already normalised text, in order (repeats kept; see `textWords`). */
export function segmentWords(normalized: string): string[] {
  return textWords(normalized).map((w) => w.word);
}

/** The distinct words of a text (normalised, then segmented). */
export function indexWords(text: string): string[] {
  return [...new Set(segmentWords(normalizeText(text)))];
}

/** Kinds of indexed terms: a segmented word, or a space-delimited chunk of several words. */
export const TERM_WORD = 0;
export const TERM_CHUNK = 1;
/**
 * A frequent word's hits, found once by the ingest (schema 14): the projects a query of that word
 * finds, where the word is a whole word of the name (`TERM_HITS_WHOLE`) or only inside one
 * (`TERM_HITS_PART`). A search reads them instead of the word's terms (docs/search.md).
 */
export const TERM_HITS_WHOLE = 2;
export const TERM_HITS_PART = 3;
/**
 * (Schema 47) The projects a search of all fields (`qin=all`) of a frequent word finds by an
 * agency's or a winner's name only (rank 2), where there are any: with the word's two kinds
 * above, its search of all fields copies them too. No query word matches this kind.
 */
export const TERM_HITS_OWNER = 4;

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

/**
 * A query's words as searched: a word of 1–2 characters typed against other letters (no space or
 * punctuation between) is searched together with the word before it, or else after it, as one
 * longer term: `ศาลายา` (ICU: `ศาลา|ยา`) finds the place, not every name with the word ยา. A short
 * word typed on its own stays a whole-word match.
 */
function searchTerms(words: readonly Word[]): string[] {
  const out: Word[] = [];
  let glueNext: Word | null = null;
  for (const w of words) {
    const prev = out.at(-1);
    const touches = (a: Word | undefined) => a !== undefined && a.index + a.word.length === w.index;
    if (glueNext && touches(glueNext)) {
      out[out.length - 1] = { word: glueNext.word + w.word, index: glueNext.index };
      glueNext = null;
    } else if (charLength(w.word) < SUBSTRING_MIN && touches(prev)) {
      out[out.length - 1] = { word: prev!.word + w.word, index: prev!.index };
    } else {
      out.push(w);
      glueNext = charLength(w.word) < SUBSTRING_MIN ? w : null;
    }
  }
  return out.map((w) => w.word);
}

/** A query's distinct words (normalised and segmented like the index), or why there are none. */
export function queryWords(q: string): { words: string[]; problem: QueryProblem | null } {
  if (charLength(q) > MAX_QUERY) return { words: [], problem: 'too_long' };
  const words = [...new Set(searchTerms(textWords(normalizeText(q))))];
  if (words.length === 0) return { words, problem: 'empty' };
  if (words.length > MAX_QUERY_WORDS) return { words: [], problem: 'too_many_words' };
  return { words, problem: null };
}

/**
 * Does a text match every query word, by the search's own rule? Used to highlight and as the
 * reference the tests compare the index with.
 */
export function matchesAll(text: string, words: readonly string[]): boolean {
  return matcher(text)(words);
}

/** `matchesAll` for one text and many queries: the text normalised (and segmented) once. */
export function matcher(text: string): (words: readonly string[]) => boolean {
  const norm = normalizeText(text);
  let segs: Set<string> | null = null;
  return (words) =>
    words.every((w) => {
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
      for (const s of textWords(norm)) if (s.word === w) mark(s.index, s.index + w.length);
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
