/**
 * What travels with every export so anyone can cite and reproduce it: the permalink (pinned to
 * the snapshot), the filters in Thai and English words, the SQL and its parameters, the dataset
 * snapshot and manifest hash, the row count, the time, the source and the licence. Pure.
 */
import { translator, type Lang } from '../i18n';
import { leftOutColumns, type ExportColumn, type Grain } from '../query/export';
import { describeFilters as describeView, type Filters } from '../query/filters';
import type { Param } from '../query/sql';
import { BAHT, sourceKinds, type Manifest } from '../schema/tables';

export interface Provenance {
  title: string;
  permalink: string;
  filters: { th: string; en: string };
  grain: Grain;
  rows: number;
  columns: { key: string; kind: string; th: string; en: string }[];
  /** The grain's columns this view's export leaves out: they would be empty in every row. */
  columns_left_out: string[];
  sql: string;
  params: Param[];
  snapshot_id: string;
  manifest_sha256: string;
  schema_version: number;
  synthetic: boolean;
  exported_at: string;
  source: string;
  /** The currency of every amount (ISO 4217; nothing is converted). */
  currency: string;
  sources: string[];
  licence: string;
  licence_th: string;
}

export const SOURCE =
  'e-GP procurement records of the Comptroller General’s Department, published on data.go.th';

/** Where a dataset's records come from: e-GP's, and each OCDS publisher its files name. */
export function sourceOf(m: Manifest): string {
  const { egp, ocds, publishers } = sourceKinds(m.sources);
  const named = [...publishers.keys()];
  const parts = [
    ...(egp ? [SOURCE] : []),
    ...(ocds ? (named.length ? named : ['a publisher the files do not name']) : []).map(
      (p) => `Open Contracting (OCDS) records published by ${p}`,
    ),
  ];
  return parts.length ? parts.join('; ') : SOURCE;
}

/** The filters as a sentence in one language ("all projects" when there is none). */
export function describeFilters(f: Filters, lang: Lang): string {
  return describeView(f, translator(lang), lang);
}

/** The view's URL with the snapshot pinned and no page (an export holds every page). */
export function permalink(href: string, m: Manifest): string {
  const u = new URL(href);
  u.searchParams.delete('page');
  u.searchParams.set('snap', m.snapshot_id.slice(0, 12));
  return u.href;
}

/** What every export says of the dataset it came from, and when it was made. */
function datasetFields(a: { manifest: Manifest; manifestSha256: string; now: Date }) {
  const m = a.manifest;
  return {
    snapshot_id: m.snapshot_id,
    manifest_sha256: a.manifestSha256,
    schema_version: m.schema_version,
    synthetic: m.synthetic,
    exported_at: a.now.toISOString(),
    source: sourceOf(m),
    currency: m.currency ?? BAHT,
    sources: m.sources.map((s) => s.name),
    licence: m.licence,
    licence_th: m.licence_th,
  };
}

export function provenance(a: {
  href: string;
  filters: Filters;
  manifest: Manifest;
  manifestSha256: string;
  grain: Grain;
  rows: number;
  columns: readonly ExportColumn[];
  sql: string;
  params: Param[];
  now: Date;
}): Provenance {
  const th = translator('th');
  const en = translator('en');
  return {
    title: 'ภาษีไปไหน (Phasi Pai Nai): Thai government procurement',
    permalink: permalink(a.href, a.manifest),
    filters: { th: describeFilters(a.filters, 'th'), en: describeFilters(a.filters, 'en') },
    grain: a.grain,
    rows: a.rows,
    columns: a.columns.map((c) => ({
      key: c.key,
      kind: c.kind,
      th: th(`export.col_${c.key}`),
      en: en(`export.col_${c.key}`),
    })),
    columns_left_out: leftOutColumns(a.grain, a.columns),
    sql: a.sql,
    params: a.params,
    ...datasetFields(a),
  };
}

/**
 * What travels with an export of the SQL console (/sql): the query itself is the view (its
 * permalink runs it again on the same snapshot), with the dataset's snapshot, source and licence.
 */
export type ConsoleProvenance = Omit<
  Provenance,
  'filters' | 'grain' | 'columns' | 'columns_left_out' | 'params'
> & { columns: { name: string; type: string }[] };

export function consoleProvenance(a: {
  href: string;
  sql: string;
  manifest: Manifest;
  manifestSha256: string;
  rows: number;
  columns: { name: string; type: string }[];
  now: Date;
}): ConsoleProvenance {
  return {
    title: 'ภาษีไปไหน (Phasi Pai Nai): Thai government procurement, SQL console',
    permalink: permalink(a.href, a.manifest),
    rows: a.rows,
    columns: a.columns,
    sql: a.sql,
    ...datasetFields(a),
  };
}

/** What a citation says: an export's provenance, or a chart's (its filters in one language). */
type Citable = Pick<
  Provenance,
  'snapshot_id' | 'exported_at' | 'permalink' | 'licence' | 'licence_th'
> & { filters: Partial<Provenance['filters']> };

/** A ready citation of the view, in one language. */
export function citation(p: Citable, lang: Lang): string {
  return translator(lang)('export.citation', {
    filters: p.filters[lang] ?? '',
    snapshot: p.snapshot_id.slice(0, 12),
    date: p.exported_at.slice(0, 10),
    url: p.permalink,
    licence: lang === 'th' ? p.licence_th : p.licence,
  });
}

/**
 * What a chart's data carries (its CSV's file name and the citation under its table): the same
 * filters, snapshot, date, permalink and source as an export's provenance, without the export.
 */
export function chartSource(
  a: { href: string; filters: Filters; manifest: Manifest; now: Date },
  lang: Lang,
): { snapshot: string; cite: string } {
  const m = a.manifest;
  return {
    snapshot: m.snapshot_id.slice(0, 12),
    cite: citation(
      {
        snapshot_id: m.snapshot_id,
        exported_at: a.now.toISOString(),
        permalink: permalink(a.href, m),
        licence: m.licence,
        licence_th: m.licence_th,
        filters: { [lang]: describeFilters(a.filters, lang) },
      },
      lang,
    ),
  };
}

/** The provenance as key-value pairs (Parquet metadata, the XLSX provenance sheet). */
export function provenancePairs(p: Provenance | ConsoleProvenance): [string, string][] {
  return Object.entries(p).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** `phasi-pai-nai_projects_<snapshot>_<yyyymmddThhmm>.csv`: the file name says what it is. */
export function fileName(p: Provenance, ext: string): string {
  const stamp = p.exported_at.slice(0, 16).replace(/[-:]/g, '');
  return `phasi-pai-nai_${p.grain}_${p.snapshot_id.slice(0, 12)}_${stamp}.${ext}`;
}
