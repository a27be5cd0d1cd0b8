/**
 * i18next with one fixed translator per language: no global "current language" is mutated, so
 * prerendering Thai and English pages cannot leak into each other. Thai, the default, is in the
 * bundle; the English labels are a chunk of their own (7 KB gzipped) that only an English page or
 * an export (which describes itself in both languages) fetches: `loadLabels`.
 */
import i18next, { type TFunction } from 'i18next';
import { inCurrency } from './currency.svelte';
import { th } from './th';

export const LANGS = ['th', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const instance = i18next.createInstance();
void instance.init({
  resources: { th: { translation: th } },
  lng: 'th',
  fallbackLng: 'th',
  initAsync: false,
  interpolation: { escapeValue: false }, // Svelte escapes text; we never render data as HTML
});

/** A language's labels, naming the dataset's currency where they say baht (currency.svelte.ts). */
function labels(lang: Lang): TFunction {
  const t = instance.getFixedT(lang);
  return ((...args: Parameters<TFunction>) => {
    const s: unknown = t(...args);
    return typeof s === 'string' ? inCurrency(s) : s;
  }) as TFunction;
}

const translators = new Map<Lang, TFunction>(LANGS.map((l) => [l, labels(l)]));
const loaded = (lang: Lang) => instance.hasResourceBundle(lang, 'translation');

/** Fetch a language's labels once; every page awaits its own (the root layout's load). */
export async function loadLabels(lang: Lang): Promise<void> {
  if (loaded(lang)) return;
  const { en } = await import('./en');
  instance.addResourceBundle('en', 'translation', en);
}

export function langOf(param: string | undefined): Lang {
  return param === 'en' ? 'en' : 'th';
}

/** The language's labels; asking before `loadLabels` is a bug, not a quiet fallback to Thai. */
export function translator(lang: Lang): TFunction {
  if (!loaded(lang)) throw new Error(`the ${lang} labels are not loaded yet (loadLabels)`);
  return translators.get(lang)!;
}

/** A path inside the site in the given language: `/explore` → `/en/explore`; `search` kept. */
export function localPath(path: string, lang: Lang, search = ''): string {
  const p = lang === 'th' ? path : path === '/' ? '/en' : `/en${path}`;
  return p + search;
}
