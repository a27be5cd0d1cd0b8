/**
 * One currency per dataset, converted never. e-GP files and the Government Spending API are in
 * baht; OCDS names each amount's currency. The dataset's currency is baht when any e-GP or API
 * row was read, else the currency most OCDS rows name (ties: first in code order; a row naming
 * none is taken to be in it, and baht when no row names one). A row in
 * another currency is rejected (`other_currency`, with its currency named), so no total ever adds
 * pesos to guaraníes, and publishing those rows is one more run over their own files.
 */
import { BAHT } from '../../src/lib/schema/tables.ts';
import type { CsvReject, JsonRow } from './rows.ts';

const code = (row: JsonRow, fallback: string) => row.currency?.trim().toUpperCase() || fallback;

/** The dataset's currency: baht with any non-OCDS row, else the OCDS rows' most common one. */
export function datasetCurrency(
  ocds: ReadonlyMap<number, JsonRow[]>,
  otherRowsRead: number,
): string {
  if (otherRowsRead > 0) return BAHT;
  // Rows that name no currency (a plan, a tender without a value) do not vote.
  const counts = new Map<string, number>();
  for (const rows of ocds.values())
    for (const r of rows) {
      const c = code(r, '');
      if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? BAHT;
}

/**
 * Every source's rows (by source index), those in another currency than `currency` as rejects
 * with their reason.
 */
export async function* inCurrency(
  bySource: ReadonlyMap<number, readonly JsonRow[]>,
  currency: string,
): AsyncGenerator<({ row: JsonRow } | { reject: CsvReject }) & { src: number }> {
  for (const [src, rows] of bySource)
    for (const row of rows) {
      const c = code(row, currency);
      if (c === currency) yield { src, row };
      else
        yield {
          src,
          reject: {
            line: row.line,
            reason: 'other_currency',
            message: `amounts in ${c}; this dataset's are in ${currency} (nothing is converted: ingest these files on their own)`,
            raw: row.raw,
          },
        };
    }
}
