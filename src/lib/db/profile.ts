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
import type { Thresholds } from '../query/flag-defs';
import { projectProfile, type ProjectProfile } from '../query/project-profile';
import type { Manifest } from '../schema/tables';
import { fetchManifest } from './index';
import { ask, dimensions } from './lookup';
import { flagTable } from './resolve';

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

/** A project's page by the engine (after, or instead of, headline/project.ts `lightProject`). */
export function loadProject(
  m: Manifest,
  id: string,
  fy: number | null,
  th: Thresholds,
  known: { fiscal_year: number; project_seq: number } | null = null,
): Promise<ProjectProfile | null> {
  return projectProfile(ask, m, id, fy, th, (fid, scope) => flagTable(m, fid, scope, th), known);
}
