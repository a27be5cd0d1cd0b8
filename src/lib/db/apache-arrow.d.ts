/**
 * apache-arrow 13's package `exports` have no `types` condition, so TypeScript's bundler
 * resolution finds no declarations for it. The one function the site calls is declared here.
 */
declare module 'apache-arrow' {
  /** A table of typed-array columns (used to hand an export's order to DuckDB). */
  export function tableFromArrays(columns: Record<string, Int32Array>): unknown;
}
