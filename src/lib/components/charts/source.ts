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
}
