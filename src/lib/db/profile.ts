/**
 * Profiles in the browser: the manifest and dimensions (cached per page), then the pure profile
 * queries of src/lib/query/profile.ts on DuckDB-WASM.
 */
import {
  agencyProfile,
  vendorProfile,
  type AgencyProfile,
  type VendorProfile,
} from '../query/profile';
import { findProject } from '../query/project';
import { projectBits } from '../query/flag-bits';
import { projectFlags, type ProjectFlag } from '../query/flags';
import type { FlagId, Thresholds } from '../query/flag-defs';
import type { Manifest } from '../schema/tables';
import { fetchManifest } from './index';
import { ask, dimensions, namesById, type Agency } from './lookup';
import { flagTable } from './resolve';
import { projectDetail, toResultRow, type ProjectDetail, type ResultRow } from './rows';

let manifest: Promise<Manifest> | null = null;

export function profileManifest(): Promise<Manifest> {
  manifest ??= fetchManifest();
  manifest.catch(() => (manifest = null));
  return manifest;
}

export async function loadAgency(
  m: Manifest,
  which: { key: string } | { name: string },
): Promise<AgencyProfile | null> {
  return agencyProfile(ask, m, await dimensions(m), which);
}

export async function loadVendor(
  m: Manifest,
  id: string,
  strict = false,
): Promise<VendorProfile | null> {
  return vendorProfile(ask, m, await dimensions(m), id, strict);
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
  known: { fiscal_year: number; project_seq: number } | null = null,
): Promise<ProjectProfile | null> {
  const p = await findProject(ask, m, id, fy, known);
  if (!p) return null;
  const agencyId = Number(p.agency_id);
  const agencies = await namesById<Agency>(m, 'agencies', 'agency_id', [agencyId]);
  const row = toResultRow(p, {
    contracts: Number(p.contract_count ?? 0),
    contract_value: null,
    project_name: null,
    agency: agencies.get(agencyId) ?? null,
  });
  const [detail, flags] = await Promise.all([
    projectDetail(m, row),
    // Its flags from the bits its row was read with, where they answer (flag-bits.ts).
    projectFlags(ask, row, (fid, scope) => flagTable(m, fid, scope, th), projectBits(m, th, p)),
  ]);
  return { row, detail, flags };
}
