/** Number, money and fiscal-year formatting for Thai and English. Pure functions. */
import type { Lang } from '../i18n';

const locales: Record<Lang, string> = { th: 'th-TH', en: 'en-GB' };

export function formatCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(locales[lang]).format(n);
}

/**
 * Baht from an exact decimal string (as DuckDB returns it). Display rounds to whole baht; the exact
 * value stays in data-value attributes and exports.
 */
export function formatBaht(decimal: string | null, lang: Lang): string {
  if (decimal === null || decimal === '') return '–';
  return new Intl.NumberFormat(locales[lang], { maximumFractionDigits: 0 }).format(Number(decimal));
}

/**
 * A short amount for chart axes and value labels: in Thai the words (`1.2 ล้าน`, `3.4 พันล้าน`),
 * in English M and B (`1.2M`, `3.4B`); one decimal at most.
 */
export function formatCompact(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'th' ? 'th-TH' : 'en-US', {
    notation: 'compact',
    compactDisplay: lang === 'th' ? 'long' : 'short',
    maximumFractionDigits: 1,
  }).format(n);
}

/** A fiscal year on a chart's axis: the Buddhist year, or its Common-era span with `era=ce`. */
export function formatYearTick(fy: number, lang: Lang, era: Era = 'be'): string {
  return era === 'ce' ? formatFiscalYear(fy, lang, 'ce') : String(fy);
}

/** Buddhist era (the data's) or Common era (`era=ce`). */
export type Era = 'be' | 'ce';

/**
 * Fiscal year label (FY2568 runs from October 2024 to September 2025). Buddhist era: the year in
 * Thai, with its Common-era span in English (`2568 (2024–25)`). Common era: the span alone.
 */
export function formatFiscalYear(fy: number, lang: Lang, era: Era = 'be'): string {
  const ce = fy - 543;
  const span = `${ce - 1}–${String(ce).slice(2)}`;
  if (era === 'ce') return span;
  return lang === 'th' ? `${fy}` : `${fy} (${span})`;
}

export function formatPercent(ratio: number, lang: Lang): string {
  return new Intl.NumberFormat(locales[lang], {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(ratio);
}

/** A file size for people: KB below 1 MB, else MB with one decimal. */
export function formatBytes(bytes: number, lang: Lang): string {
  const f = (n: number, d: number) =>
    new Intl.NumberFormat(locales[lang], { maximumFractionDigits: d }).format(n);
  return bytes < 1_000_000 ? `${f(Math.max(1, bytes / 1000), 0)} KB` : `${f(bytes / 1e6, 1)} MB`;
}
