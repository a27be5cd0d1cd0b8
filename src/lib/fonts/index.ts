/**
 * The site's one typeface, Noto Sans Thai (OFL-1.1, self-hosted from @fontsource/noto-sans-thai):
 * two weights, split by script so a page loads only the subsets its text uses (about 9 KB each).
 * The page loads them through the package's CSS (+layout.svelte); a chart image embeds the same
 * files, because an SVG drawn as an image cannot reach the page's fonts.
 */
import latin400 from '@fontsource/noto-sans-thai/files/noto-sans-thai-latin-400-normal.woff2?url';
import latin700 from '@fontsource/noto-sans-thai/files/noto-sans-thai-latin-700-normal.woff2?url';
import thai400 from '@fontsource/noto-sans-thai/files/noto-sans-thai-thai-400-normal.woff2?url';
import thai700 from '@fontsource/noto-sans-thai/files/noto-sans-thai-thai-700-normal.woff2?url';

export const FONT_FAMILY = 'Noto Sans Thai';

const FACES = [
  { url: thai400, weight: 400, range: 'U+0E01-0E5B, U+200C-200D, U+25CC' },
  { url: thai700, weight: 700, range: 'U+0E01-0E5B, U+200C-200D, U+25CC' },
  { url: latin400, weight: 400, range: 'U+0000-00FF, U+2000-206F, U+2212' },
  { url: latin700, weight: 700, range: 'U+0000-00FF, U+2000-206F, U+2212' },
];

function base64(bytes: ArrayBuffer): string {
  let s = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000)
    s += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(s);
}

let inlined: Promise<string> | null = null;

/**
 * `@font-face` rules with the font files inlined as data URLs (for a standalone SVG): fetched
 * once per page, however many images are downloaded.
 */
export function inlineFontFaces(): Promise<string> {
  inlined ??= fetchFontFaces().catch((e: unknown) => {
    inlined = null; // a failed fetch is tried again on the next download
    throw e;
  });
  return inlined;
}

async function fetchFontFaces(): Promise<string> {
  const rules = await Promise.all(
    FACES.map(async (f) => {
      const res = await fetch(f.url);
      if (!res.ok) throw new Error(`${f.url}: HTTP ${res.status}`);
      const data = base64(await res.arrayBuffer());
      return `@font-face{font-family:'${FONT_FAMILY}';font-weight:${f.weight};src:url(data:font/woff2;base64,${data}) format('woff2');unicode-range:${f.range}}`;
    }),
  );
  return rules.join('');
}
