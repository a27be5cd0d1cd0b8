/**
 * i18next with one fixed translator per language: no global "current language" is mutated, so
 * prerendering Thai and English pages cannot leak into each other.
 */
import i18next, { type TFunction } from 'i18next';
import { inCurrency } from './currency.svelte';
import { en } from './en';
import { th } from './th';

export const LANGS = ['th', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const instance = i18next.createInstance();
void instance.init({
  resources: { th: { translation: th }, en: { translation: en } },
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

export function langOf(param: string | undefined): Lang {
  return param === 'en' ? 'en' : 'th';
}

export function translator(lang: Lang): TFunction {
  return translators.get(lang)!;
}

/** A path inside the site in the given language: `/explore` → `/en/explore`; `search` kept. */
export function localPath(path: string, lang: Lang, search = ''): string {
  const p = lang === 'th' ? path : path === '/' ? '/en' : `/en${path}`;
  return p + search;
}
