/**
 * The currency of the dataset on screen. The labels name baht (`งบประมาณ (บาท)`, `Budget (THB)`);
 * a dataset in another currency (an OCDS portal abroad: manifest `currency`) has its code there
 * instead, so pesos are never shown as baht. Reactive: labels already on the page change when a
 * manifest says so. Nothing is converted.
 */
import { BAHT } from '../schema/tables';

const shown = $state({ currency: BAHT });

/** Set from each manifest (or summary) the page reads. */
export function setCurrency(currency: string | undefined): void {
  shown.currency = currency || BAHT;
}

/** A label with the dataset's currency in place of baht (the text as is for baht). */
export function inCurrency(text: string): string {
  const c = shown.currency;
  if (c === BAHT) return text;
  return text
    .replace(/\((บาท|THB)\)/g, `(${c})`)
    .replace(/(\d\s?)(บาท|THB|baht)/g, `$1${c}`)
    .replace(/^(บาท|THB|baht)$/, c);
}
