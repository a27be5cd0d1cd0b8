/**
 * A view's numbers shaped for the page (totals, facets, charts) from the rows of the explorer's
 * batch: rows the engine returned (db/overview.ts) or rows a headline file holds
 * (headline/view.ts). Pure: the names of the top agencies and vendors come from the caller.
 */
import type { Agency, Vendor } from '../db/lookup';
import type { MethodBucket } from '../schema/methods';
import type { Manifest } from '../schema/tables';
import {
  aggregateBatch,
  CHART_REQUESTS,
  FACET_REQUESTS,
  TOTALS_REQUEST,
  type Ask,
  type Row,
} from './aggregate';
import { FACETS, type FacetKey } from './filters';
import { facetItems, facetsAsked, type Dimensions, type FacetItem } from './filters/resolve';
import type { Resolved } from './plan';

export type { FacetItem } from './filters/resolve';

export interface Totals {
  projects: number;
  budget: string;
  contracts: number;
  agreed: string;
  ref_price: string;
  ref_agreed: string;
}

function totalsFrom([row]: Row[]): Totals {
  return {
    projects: Number(row?.projects ?? 0),
    budget: String(row?.budget ?? '0'),
    contracts: Number(row?.contracts ?? 0),
    agreed: String(row?.agreed ?? '0'),
    ref_price: String(row?.ref_price ?? '0'),
    ref_agreed: String(row?.ref_agreed ?? '0'),
  };
}

/** Each asked facet's options (years and every facet of facets.ts); a facet not asked is absent. */
export type Facets = Partial<Record<'fy' | FacetKey, FacetItem[]>>;

export interface Charts {
  /** Budget by fiscal year and method bucket. */
  yearMethod: { fiscal_year: number; bucket: MethodBucket; projects: number; budget: number }[];
  /** Contract value by month of the contract date (1–12, CE months). */
  month: { month: number; contracts: number; agreed: number }[];
  topAgencies: (Agency & { projects: number; budget: string })[];
  topVendors: (Vendor & { contracts: number; agreed: string })[];
}

/** A view's rows as the batch returns them: totals, each asked facet's counts, the charts'. */
export interface OverviewRows {
  totals: Row[];
  facets: Partial<Record<'fy' | FacetKey, Row[]>>;
  ym: Row[];
  month: Row[];
  agencies: Row[];
  vendors: Row[];
}

export interface Overview {
  totals: Totals;
  facets: Facets;
  charts: Charts;
}

/** Agency or vendor rows by id (`namesById`, or the rows a headline file holds). */
export type Names = (table: 'agencies' | 'vendors', ids: number[]) => Promise<Map<number, Row>>;

/** The batch's rows of a view, asked on an engine (the site's, or native DuckDB in the tests). */
export async function overviewRows(ask: Ask, m: Manifest, r: Resolved): Promise<OverviewRows> {
  const asked = new Set<string>(['fy', ...facetsAsked(r).map((x) => x.key)]);
  const facetReqs = FACET_REQUESTS.filter((q) => asked.has(q.key));
  const [totals, ...rest] = await aggregateBatch(ask, m, r, [
    TOTALS_REQUEST,
    ...facetReqs,
    ...CHART_REQUESTS,
  ]);
  const [ym, month, agencies, vendors] = rest.slice(facetReqs.length) as Row[][];
  return {
    totals: totals!,
    facets: Object.fromEntries(facetReqs.map((q, i) => [q.key, rest[i]!])),
    ym: ym!,
    month: month!,
    agencies: agencies!,
    vendors: vendors!,
  };
}

/** The view's numbers shaped for the page, from its rows (on an engine or from the files). */
export async function shapeOverview(
  d: Dimensions,
  rows: OverviewRows,
  names: Names,
): Promise<Overview> {
  const facets: Facets = {};
  for (const [key, list] of Object.entries(rows.facets) as ['fy' | FacetKey, Row[]][]) {
    const def = FACETS.find((x) => x.key === key);
    facets[key] = def
      ? facetItems(def, list, d[def.key])
      : list
          .map((row) => ({
            value: String(row.fiscal_year),
            label: String(row.fiscal_year),
            labelEn: null,
            projects: Number(row.projects),
          }))
          .sort((a, b) => Number(a.value) - Number(b.value));
  }
  return { totals: totalsFrom(rows.totals), facets, charts: await chartsFrom(d, rows, names) };
}

async function chartsFrom(
  d: Dimensions,
  { ym, month, agencies, vendors }: OverviewRows,
  names: Names,
): Promise<Charts> {
  const bucketOf = new Map(d.method.map((x) => [x.id, x.bucket as MethodBucket]));
  const yearMethod = new Map<string, Charts['yearMethod'][number]>();
  for (const row of ym) {
    const bucket =
      row.method_id === null ? 'unknown' : (bucketOf.get(Number(row.method_id)) ?? 'unknown');
    const k = `${row.fiscal_year}|${bucket}`;
    const cur = yearMethod.get(k) ?? {
      fiscal_year: Number(row.fiscal_year),
      bucket,
      projects: 0,
      budget: 0,
    };
    cur.projects += Number(row.projects);
    cur.budget += Number(row.budget);
    yearMethod.set(k, cur);
  }
  const vendorRows = vendors.filter((v) => v.vendor_id !== null).slice(0, 10);
  const [agencyNames, vendorNames] = await Promise.all([
    names(
      'agencies',
      agencies.map((a) => Number(a.agency_id)),
    ) as unknown as Promise<Map<number, Agency>>,
    names(
      'vendors',
      vendorRows.map((v) => Number(v.vendor_id)),
    ) as unknown as Promise<Map<number, Vendor>>,
  ]);
  return {
    yearMethod: [...yearMethod.values()],
    month: month
      .filter((x) => x.month !== null)
      .map((x) => ({
        month: Number(x.month),
        contracts: Number(x.contracts),
        agreed: Number(x.agreed),
      })),
    topAgencies: agencies.map((a) => ({
      ...agencyNames.get(Number(a.agency_id))!,
      projects: Number(a.projects),
      budget: String(a.budget),
    })),
    topVendors: vendorRows.map((v) => ({
      ...vendorNames.get(Number(v.vendor_id))!,
      contracts: Number(v.contracts),
      agreed: String(v.agreed),
    })),
  };
}
