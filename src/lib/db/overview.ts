/**
 * A view's totals, facets and charts, asked as one batch: those over the same rows share a query
 * (aggregateBatch). Under a year and an agency, say: the totals and the top agencies are one
 * query of `agg_agency_year`; the method, type and status facets and the year × method chart one
 * scan of the agency's projects; the month chart and the top vendors one of its contracts.
 */
import {
  aggregateBatch,
  CHART_REQUESTS,
  FACET_REQUESTS,
  TOTALS_REQUEST,
  type Row,
} from '../query/aggregate';
import { FACETS, type FacetKey } from '../query/filters';
import { facetItems, facetsAsked, type Dimensions, type FacetItem } from '../query/filters/resolve';
import type { Resolved } from '../query/plan';
import { wholeAgencies, type WholeAgency } from '../query/whole-agencies';
import type { MethodBucket } from '../schema/methods';
import type { Manifest } from '../schema/tables';
import { ask, dimensions, namesById, type Agency, type Vendor } from './lookup';

export type { FacetItem } from '../query/filters/resolve';

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

export async function overview(
  m: Manifest,
  r: Resolved,
): Promise<{ totals: Totals; facets: Facets; charts: Charts }> {
  const d = await dimensions(m);
  const asked = new Set<string>(['fy', ...facetsAsked(r).map((x) => x.key)]);
  const facetReqs = FACET_REQUESTS.filter((q) => asked.has(q.key));
  const [totals, ...rest] = await aggregateBatch(ask, m, r, [
    TOTALS_REQUEST,
    ...facetReqs,
    ...CHART_REQUESTS,
  ]);
  const facets: Facets = {};
  facetReqs.forEach((q, i) => {
    const rows = rest[i]!;
    const def = FACETS.find((x) => x.key === q.key);
    facets[q.key] = def
      ? facetItems(def, rows, d[def.key])
      : rows
          .map((row) => ({
            value: String(row.fiscal_year),
            label: String(row.fiscal_year),
            labelEn: null,
            projects: Number(row.projects),
          }))
          .sort((a, b) => Number(a.value) - Number(b.value));
  });
  const [ym, month, agencies, vendors] = rest.slice(facetReqs.length) as Row[][];
  return {
    totals: totalsFrom(totals!),
    facets,
    charts: await chartsFrom(m, d, {
      ym: ym!,
      month: month!,
      agencies: agencies!,
      vendors: vendors!,
    }),
  };
}

async function chartsFrom(
  m: Manifest,
  d: Dimensions,
  { ym, month, agencies, vendors }: Record<'ym' | 'month' | 'agencies' | 'vendors', Row[]>,
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
    namesById<Agency>(
      m,
      'agencies',
      'agency_id',
      agencies.map((a) => Number(a.agency_id)),
    ),
    namesById<Vendor>(
      m,
      'vendors',
      'vendor_id',
      vendorRows.map((v) => Number(v.vendor_id)),
    ),
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

/** The view's largest agencies at the agency level, every unit of a name summed (#21). */
export function loadWholeAgencies(m: Manifest, r: Resolved): Promise<WholeAgency[]> {
  return wholeAgencies(ask, m, r);
}
