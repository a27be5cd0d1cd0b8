/**
 * The columns of an export: what each is called, how it is written and where it comes from, and
 * which of them a view leaves out (a column no row of the view can fill) or adds (`era=ce`).
 */
import type { Era } from '../format/number';
import type { CoveredField, Manifest } from '../schema/tables';
import { CONTRACT_ROWS, rowSource, type Resolved } from './plan';

export const GRAINS = ['projects', 'contracts'] as const;
export type Grain = (typeof GRAINS)[number];

/**
 * How a column is written: `id` and `text` stay text everywhere (TINs keep leading zeros);
 * `money` is an exact decimal; `date` an ISO date; `int` an integer.
 */
export type Kind = 'id' | 'text' | 'int' | 'money' | 'date';

export interface ExportColumn {
  /** Machine name (JSON, NDJSON and Parquet; labels for CSV/XLSX come from i18n `export.col_*`). */
  key: string;
  kind: Kind;
  /** Expression over the joined aliases (q facts, d details, a agency, m method, …). */
  expr: string;
}

const PROJECT_COLUMNS: ExportColumn[] = [
  { key: 'project_id', kind: 'id', expr: 'q.project_id' },
  { key: 'fiscal_year', kind: 'int', expr: 'q.fiscal_year' },
  { key: 'agency_key', kind: 'id', expr: 'a.agency_key' },
  { key: 'agency', kind: 'text', expr: 'a.dept_name' },
  { key: 'agency_sub', kind: 'text', expr: 'a.dept_sub_name' },
  { key: 'agency_province', kind: 'text', expr: 'a.province' },
  { key: 'project_name', kind: 'text', expr: 'n.project_name' },
  { key: 'method_group', kind: 'text', expr: 'm.method_bucket' },
  { key: 'method', kind: 'text', expr: 'm.method_name' },
  { key: 'method_raw', kind: 'text', expr: 'd.method_raw' },
  { key: 'project_type', kind: 'text', expr: 'pt.type_name' },
  { key: 'province', kind: 'text', expr: 'pv.province_name' },
  { key: 'district', kind: 'text', expr: 'd.district' },
  { key: 'project_status', kind: 'text', expr: 'ps.status_name' },
  { key: 'budget', kind: 'money', expr: 'q.budget' },
  { key: 'reference_price', kind: 'money', expr: 'q.price_build' },
  { key: 'agreed_total', kind: 'money', expr: 'q.agreed' },
];

export const EXPORT_COLUMNS: Record<Grain, readonly ExportColumn[]> = {
  projects: [
    ...PROJECT_COLUMNS,
    { key: 'contracts', kind: 'int', expr: 'q.contracts' },
    { key: 'matching_contract_value', kind: 'money', expr: 'q.contract_value' },
  ],
  contracts: [
    ...PROJECT_COLUMNS,
    { key: 'contract_no', kind: 'text', expr: 'q.contract_no' },
    { key: 'vendor_tin', kind: 'id', expr: 'v.tin' },
    { key: 'vendor_tin_status', kind: 'text', expr: 'v.tin_status' },
    { key: 'vendor_name', kind: 'text', expr: 'v.name' },
    { key: 'vendor_key', kind: 'id', expr: 'v.vendor_key' },
    // How the record was counted under that vendor: its own key, or its name (docs/data-schema.md).
    {
      key: 'vendor_match',
      kind: 'text',
      expr: "CASE q.vendor_match WHEN 1 THEN 'name:tin_broken' WHEN 2 THEN 'name:tin_masked' ELSE 'key' END",
    },
    { key: 'contract_date', kind: 'date', expr: 'q.contract_date' },
    { key: 'contract_finish_date', kind: 'date', expr: 'q.contract_finish_date' },
    { key: 'contract_value', kind: 'money', expr: 'q.price_agree' },
    { key: 'contract_status', kind: 'text', expr: 'cs.status_name' },
  ],
};

/** The field (manifest `coverage`) whose values a column shows, where sources may lack it. */
const COLUMN_FIELD: Partial<Record<string, CoveredField>> = {
  method_raw: 'method_raw',
  budget: 'budget',
  reference_price: 'price_build',
  vendor_tin: 'vendor_tin',
  contract_date: 'contract_date',
  contract_finish_date: 'contract_finish_date',
  contract_value: 'price_agree',
};

/**
 * The columns of a view's export. Left out, because they would be empty in every row:
 * - in a project-grain export with no filter about contracts, the value of the matching contracts
 *   (every project's contracts match; `agreed_total` is that value);
 * - a column whose field no row of the view's fiscal years has (the manifest's coverage), such as
 *   the published method label of files that carry only the method group.
 */
export function exportColumns(
  r: Resolved,
  grain: Grain,
  m: Manifest,
  era: Era = 'be',
): readonly ExportColumn[] {
  const years = r.fy.length ? r.fy : m.fiscal_years;
  const empty = (field: CoveredField | undefined) =>
    field !== undefined &&
    years.every((y) => {
      const c = m.coverage[String(y)];
      return c !== undefined && c.fields[field] === 0;
    });
  const contractFilter = grain === 'contracts' || CONTRACT_ROWS.has(rowSource(r));
  return EXPORT_COLUMNS[grain]
    .filter(
      (c) =>
        !(c.key === 'matching_contract_value' && !contractFilter) && !empty(COLUMN_FIELD[c.key]),
    )
    .flatMap((c) => (c.key === 'fiscal_year' && era === 'ce' ? [c, FISCAL_YEAR_CE] : [c]));
}

/**
 * With years in the Common era (`era=ce`), the fiscal year's CE span beside the BE year the data
 * counts in (`2022–23` for 2566), as the page shows it.
 */
const FISCAL_YEAR_CE: ExportColumn = {
  key: 'fiscal_year_ce',
  kind: 'text',
  expr: "(q.fiscal_year - 544)::VARCHAR || '–' || right((q.fiscal_year - 543)::VARCHAR, 2)",
};

/** The columns of the grain that a view's export leaves out (named in its provenance). */
export function leftOutColumns(grain: Grain, columns: readonly ExportColumn[]): string[] {
  const kept = new Set(columns.map((c) => c.key));
  return EXPORT_COLUMNS[grain].filter((c) => !kept.has(c.key)).map((c) => c.key);
}
