/**
 * A profile's headline from the headline files (files.ts), without the SQL engine: an agency
 * name's, an agency unit's or a vendor's numbers over all years and per year.
 */
import type { Agency, Vendor } from '../db/lookup';
import type { Totals } from '../query/overview';
import type { Manifest } from '../schema/tables';
import { agencyFileKey, headlinePath, type TotalsFile, type UnitFile } from './files';
import { agencyOf, type Read } from './parts';
import { httpRead, totalsOf, vendorEntry, vendorOf } from './view';

/** A profile's headline: its numbers over all years and per year. */
export interface ProfileHeadline {
  totals: Totals;
  years: {
    fiscal_year: number;
    projects: number;
    budget: string;
    contracts: number;
    agreed: string;
  }[];
  vendor: Vendor | null;
  /** An agency unit's profile: the unit. */
  agency: Agency | null;
}

/** A unit's own numbers per year, from its file (schema 25). */
async function unitEntry(m: Manifest, read: Read, key: string) {
  const file = m.schema_version >= 25 ? await read<UnitFile>(headlinePath.unit(key)) : null;
  return file && { years: file.own ?? file.years, agency: agencyOf(file.id, file.agency) };
}

/**
 * An agency name's, an agency unit's (by its key) or a vendor's profile numbers from the headline
 * files (null: not there).
 */
export async function profileHeadline(
  m: Manifest,
  which: { agency: string } | { key: string } | { vendor: string },
  read: Read = httpRead(m),
): Promise<ProfileHeadline | null> {
  if (!m.headline) return null;
  const v = 'vendor' in which ? await vendorEntry(m, read, which.vendor) : null;
  const unit = 'key' in which ? await unitEntry(m, read, which.key) : null;
  const file =
    'agency' in which
      ? await read<TotalsFile>(headlinePath.agency(await agencyFileKey(which.agency)))
      : (v ?? unit);
  if (!file) return null;
  const years = Object.keys(file.years)
    .map(Number)
    .sort((a, b) => a - b)
    .map((y) => {
      const { projects, budget, contracts, agreed } = totalsOf(file.years, [y]);
      return { fiscal_year: y, projects, budget, contracts, agreed };
    });
  return {
    totals: totalsOf(file.years, []),
    years,
    vendor: v && vendorOf(v),
    agency: unit?.agency ?? null,
  };
}
