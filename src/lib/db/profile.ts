/**
 * Profiles in the browser: the manifest and dimensions (cached per page), then the pure profile
 * queries of src/lib/query/profile.ts on DuckDB-WASM.
 */
import {
  agencyProfile,
  findProject,
  vendorProfile,
  type AgencyProfile,
  type VendorProfile,
} from '../query/profile';
import { projectFlags, type ProjectFlag } from '../query/flags';
import type { FlagId, Thresholds } from '../query/flag-defs';
import type { Manifest } from '../schema/tables';
import { fetchManifest } from './index';
import { ask, dimensions, type Agency } from './lookup';
import { flagTable } from './resolve';
import { projectDetail, type ProjectDetail, type ResultRow } from './rows';
import { byIdsSql } from '../query/lookups';
import { tableFiles } from '../schema/tables';

let manifest: Promise<Manifest> | null = null;

export function profileManifest(): Promise<Manifest> {
  manifest ??= fetchManifest();
  manifest.catch(() => (manifest = null));
  return manifest;
}

export async function loadAgency(m: Manifest, key: string): Promise<AgencyProfile | null> {
  return agencyProfile(ask, m, await dimensions(m), key);
}

export async function loadVendor(m: Manifest, id: string): Promise<VendorProfile | null> {
  return vendorProfile(ask, m, await dimensions(m), id);
}

export interface ProjectProfile {
  row: ResultRow;
  detail: ProjectDetail;
  flags: Record<FlagId, ProjectFlag>;
}

export async function loadProject(
  m: Manifest,
  id: string,
  fy: number | null,
  th: Thresholds,
): Promise<ProjectProfile | null> {
  const p = await findProject(ask, m, id, fy);
  if (!p) return null;
  const agencies = tableFiles(m, 'agencies');
  const [agency] = await ask<Agency>(
    byIdsSql(agencies, 'agency_id', [Number(p.agency_id)]),
    agencies,
  );
  const row: ResultRow = {
    project_id: String(p.project_id),
    project_seq: Number(p.project_seq),
    fiscal_year: Number(p.fiscal_year),
    agency_id: Number(p.agency_id),
    method_id: p.method_id === null ? null : Number(p.method_id),
    budget: p.budget as string | null,
    agreed: p.agreed as string | null,
    contracts: Number(p.contract_count ?? 0),
    contract_value: null,
    project_name: null,
    agency: agency ? { ...agency, agency_id: Number(agency.agency_id) } : null,
  };
  const [detail, flags] = await Promise.all([
    projectDetail(m, row),
    projectFlags(ask, row, (fid, scope) => flagTable(m, fid, scope, th)),
  ]);
  return { row, detail, flags };
}
