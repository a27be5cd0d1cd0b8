/**
 * A project as the site shows it (the table's row, the detail panel, the `/project` page), put
 * together from its rows however they were read: by the engine with the `ask` it is given
 * (`projectDetail`, `projectProfile`), or without it, by hyparquet (headline/project.ts
 * `lightProject`, which reads the same columns). Pure.
 */
import type { Agency, Vendor } from '../db/lookup';
import { holdsSeq, tableFiles, type Manifest } from '../schema/tables';
import type { Ask, Row } from './aggregate';
import { projectBits } from './flag-bits';
import type { FlagId, Thresholds } from './flag-defs';
import { projectFlags, type FlagScope, type FlagTable, type ProjectFlag } from './flags';
import { byIdsSql, bySeqSql, projectContractsSql, projectSql } from './lookups';
import { findProject } from './project';

export interface ResultRow {
  project_id: string;
  /** The project's place in the facts' order (this snapshot): finds its details row cheaply. */
  project_seq: number;
  fiscal_year: number;
  agency_id: number;
  method_id: number | null;
  budget: string | null;
  agreed: string | null;
  contracts: number;
  /** Value of the matching contracts (only when a contract filter is set). */
  contract_value: string | null;
  project_name: string | null;
  agency: Agency | null;
}

/** A project's row of the facts as the table shows it, with what the caller looked up. */
export function toResultRow(
  x: Row,
  rest: Pick<ResultRow, 'contracts' | 'contract_value' | 'project_name' | 'agency'>,
): ResultRow {
  return {
    project_id: String(x.project_id),
    project_seq: Number(x.project_seq),
    fiscal_year: Number(x.fiscal_year),
    agency_id: Number(x.agency_id),
    method_id: x.method_id === null ? null : Number(x.method_id),
    budget: x.budget as string | null,
    agreed: x.agreed as string | null,
    ...rest,
  };
}

export interface ProjectDetail {
  /** Its `projects` row but `project_seq` (`projectSql`'s columns). */
  project: Row;
  /** Its `details` row and name, but `project_seq`. */
  details: Row | null;
  agency: Agency | null;
  contracts: { row: Row; vendor: Vendor | null }[];
}

export interface ProjectProfile {
  row: ResultRow;
  detail: ProjectDetail;
  flags: Record<FlagId, ProjectFlag>;
}

/** The rows a project is shown from, as `projectSql`, `projectContractsSql` and `bySeqSql` give them. */
export interface ProjectRows {
  project: Row;
  /** Its `details` row, then its `project_names` row (each with `project_seq`), if any. */
  text: Row | undefined;
  name: Row | undefined;
  agency: Agency | null;
  contracts: Row[];
  vendors: ReadonlyMap<number, Vendor>;
}

/** The detail panel's content from a project's rows. */
export function detailOf(x: ProjectRows): ProjectDetail {
  const details = x.text ? { ...x.text, ...x.name } : null;
  if (details) delete details.project_seq;
  return {
    project: x.project,
    details,
    agency: x.agency,
    contracts: x.contracts.map((c) => ({
      row: c,
      vendor: c.vendor_id === null ? null : (x.vendors.get(Number(c.vendor_id)) ?? null),
    })),
  };
}

/** The ids of a project's winners (for their `vendors` rows). */
export const winnerIds = (contracts: readonly Row[]): number[] => [
  ...new Set(contracts.filter((c) => c.vendor_id !== null).map((c) => Number(c.vendor_id))),
];

/** Rows of `agencies` or `vendors` by id, with the id as a number. */
async function byIds<T>(
  ask: Ask,
  m: Manifest,
  table: 'agencies' | 'vendors',
  col: 'agency_id' | 'vendor_id',
  ids: number[],
): Promise<Map<number, T>> {
  const files = tableFiles(m, table);
  if (!ids.length || !files.length) return new Map();
  const rows = await ask(byIdsSql(files, col, ids), files);
  return new Map(rows.map((x) => [Number(x[col]), { ...x, [col]: Number(x[col]) } as T]));
}

/** Its row of `details` or `project_names`, from the file whose seq range holds it. */
async function seqRow(
  ask: Ask,
  m: Manifest,
  table: 'details' | 'project_names',
  seq: number,
): Promise<Row | undefined> {
  const files = tableFiles(m, table).filter((f) => holdsSeq(f, seq));
  return files.length ? (await ask(bySeqSql(files, [{ project_seq: seq }]), files))[0] : undefined;
}

/** Everything about one project for the detail panel, by the engine: its row, text and contracts. */
export async function projectDetail(
  ask: Ask,
  m: Manifest,
  row: Pick<ResultRow, 'project_seq' | 'fiscal_year' | 'agency'>,
  winners: (ids: number[]) => Promise<ReadonlyMap<number, Vendor>> = (ids) =>
    byIds(ask, m, 'vendors', 'vendor_id', ids),
): Promise<ProjectDetail> {
  const years = [row.fiscal_year];
  const pf = tableFiles(m, 'projects', years);
  const cf = tableFiles(m, 'contracts', years);
  const [[project], contracts, text, name] = await Promise.all([
    ask(projectSql(pf, row.project_seq), pf),
    ask(projectContractsSql(cf, row.project_seq), cf),
    seqRow(ask, m, 'details', row.project_seq),
    seqRow(ask, m, 'project_names', row.project_seq),
  ]);
  const vendors = await winners(winnerIds(contracts));
  return detailOf({ project: project ?? {}, text, name, agency: row.agency, contracts, vendors });
}

/** A project's page by the engine (null: the snapshot lacks it); `known` as `findProject`'s. */
export async function projectProfile(
  ask: Ask,
  m: Manifest,
  id: string,
  fy: number | null,
  th: Thresholds,
  tableFor: (id: FlagId, scope: FlagScope) => Promise<FlagTable>,
  known: { fiscal_year: number; project_seq: number } | null = null,
): Promise<ProjectProfile | null> {
  const p = await findProject(ask, m, id, fy, known);
  if (!p) return null;
  const agencyId = Number(p.agency_id);
  const agencies = await byIds<Agency>(ask, m, 'agencies', 'agency_id', [agencyId]);
  const row = toResultRow(p, {
    contracts: Number(p.contract_count ?? 0),
    contract_value: null,
    project_name: null,
    agency: agencies.get(agencyId) ?? null,
  });
  const [detail, flags] = await Promise.all([
    projectDetail(ask, m, row),
    // Its flags from the bits its row was read with, where they answer (flag-bits.ts).
    projectFlags(ask, row, tableFor, projectBits(m, th, p)),
  ]);
  return { row, detail, flags };
}
