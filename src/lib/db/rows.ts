/** The results table's rows (one page, with the text of just those rows) and one project's detail. */
import { busyVendor, sourceFiles, type Row } from '../query/aggregate';
import type { Sort } from '../query/filters';
import { vendorNamesSql } from '../query/lookups';
import { agencyPage } from '../query/agency-page';
import {
  provinceTopPage,
  rowsSql,
  topAnswers,
  topPage,
  vendorTopPage,
  yearAnswers,
  yearPage,
  type YearCount,
} from '../query/page-sql';
import { rowSource, type Resolved, type Source } from '../query/plan';
import { searchPage } from '../query/search-page';
import {
  projectDetail as detailBy,
  toResultRow,
  type ProjectDetail,
  type ResultRow,
} from '../query/project-profile';
import { rowGroupRows, type Manifest, type ManifestFile } from '../schema/tables';
import { ask, byNearbySeq, bySeq, namesById, type Agency, type Vendor } from './lookup';

export const PAGE_SIZE = 50;

/** One page of the table, with the text of just those rows. */
export async function pageRows(
  m: Manifest,
  r: Resolved,
  sort: Sort,
  page: number,
  years?: readonly YearCount[],
): Promise<ResultRow[]> {
  const offset = (page - 1) * PAGE_SIZE;
  // The first pages of each order, names included, from the ordered copy when it holds them;
  // a year order's from the facts' own order; any other page from the facts, sorted.
  // (The view's projects per year, where the headline files gave them: a year order's page
  // starts from them.)
  const of = { m, r, sort, limit: PAGE_SIZE, offset, years };
  // (One province's from its own first projects in the default order, schema 37; a busy
  // vendor's from its own first projects in each order, schema 30.)
  // (An agency's over all years from its own projects in any order, schema 41.)
  const ranked =
    (await agencyPage(ask, of)) ??
    (topAnswers(r)
      ? ((await provinceTopPage(ask, of)) ?? (await topPage(ask, of)))
      : await vendorTopPage(ask, of));
  const source = rowSource(r);
  const files = ranked ? [] : sourceFiles(m, source, r);
  if (!ranked && files.length === 0) return [];
  // (A search's with years at most: its hits in turn, from the copy where it holds them.)
  const top =
    ranked ??
    (await searchPage(ask, of)) ??
    (yearAnswers(m, r, sort)
      ? await yearPage(ask, of)
      : await ask<Row>(rowsSql(source, files, r, sort, PAGE_SIZE, offset), files));
  if (top.length === 0) return [];
  const seqs = top.map((x) => ({ project_seq: Number(x.project_seq) }));
  // Rows of the copies carry their names (a search's page: where all came from the copy).
  const named = !!ranked || top.every((x) => 'project_name' in x);
  const [names, agencies] = await Promise.all([
    named
      ? new Map(top.map((x) => [Number(x.project_seq), x]))
      : namesFor(m, r, source, files, seqs),
    namesById<Agency>(m, 'agencies', 'agency_id', [
      ...new Set(top.map((x) => Number(x.agency_id))),
    ]),
  ]);
  return top.map((x) =>
    toResultRow(x, {
      contracts: Number(x.contracts ?? 0),
      contract_value: x.contract_value as string | null,
      project_name: (names.get(Number(x.project_seq))?.project_name as string | null) ?? null,
      agency: agencies.get(Number(x.agency_id)) ?? null,
    }),
  );
}

/**
 * Names of the rows on screen: a vendor's view takes them from the vendor copy it has just read
 * (`files`); any other view from `project_names`. A busy vendor's (its own file of many row
 * groups) and `project_names` are looked up in groups of nearby `project_seq`, each with a
 * literal range: in the vendor copy (ordered by vendor, then seq) rows within one row group's
 * span of seq lie in at most two of the vendor's row groups, so its 50 names do not read the name
 * chunks of all its groups. Any other vendor's rows are one or two groups of a shared file, whose
 * seq ranges prune nothing: one query reads their names once, where a query per group of nearby
 * seqs (a page spans years) read them again each time (352 ms for the 300th vendor's page at 6M
 * rows, docs/benchmarks.md, session 41).
 */
async function namesFor(
  m: Manifest,
  r: Resolved,
  source: Source,
  files: ManifestFile[],
  rows: { project_seq: number }[],
): Promise<Map<number, Row>> {
  if (source !== 'contracts_by_vendor' || !r.vendor?.length) return bySeq(m, 'project_names', rows);
  const vendors = r.vendor;
  const span = busyVendor(m, r) ? rowGroupRows('contracts_by_vendor') : Infinity;
  return byNearbySeq(rows, span, (g) => ({
    q: vendorNamesSql(files, vendors, g),
    files,
  }));
}

/** Everything about one project for the detail panel (its winners' names memoised). */
export function projectDetail(
  m: Manifest,
  row: Pick<ResultRow, 'project_seq' | 'fiscal_year' | 'agency'>,
): Promise<ProjectDetail> {
  return detailBy(ask, m, row, (ids) => namesById<Vendor>(m, 'vendors', 'vendor_id', ids));
}
