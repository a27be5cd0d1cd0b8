/**
 * The view a chart shows, for its CSV's file name and the citation under its data table: the page
 * that draws charts sets a getter under this context key (export/provenance.ts `chartSource`).
 */
export const CHART_SOURCE = Symbol('chart-source');

export interface ChartSource {
  /** The snapshot id's first 12 characters. */
  snapshot: string;
  /** The view's citation in the page's language (filters, snapshot, date, permalink, source). */
  cite: string;
  /**
   * The chart-only page of this view (`/chart?…` with the view's filters, as `localPath` gives
   * it), for the embed snippet of the charts it can draw; absent where there is none.
   */
  embed?: string;
}

/** The charts `/chart?chart=…` draws (the explorer's; their test ids name them). */
export const EMBEDDABLE = [
  'chart-year-method',
  'chart-month',
  'chart-method-share',
  'chart-agencies',
  'chart-vendors',
] as const;
export type EmbedChart = (typeof EMBEDDABLE)[number];

export function isEmbeddable(id: string | null): id is EmbedChart {
  return (EMBEDDABLE as readonly (string | null)[]).includes(id);
}
