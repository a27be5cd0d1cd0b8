/**
 * bench:peers' questions, and the minimal SQL a developer reusing the files would write for each
 * (run by DuckDB-WASM in the page and by native DuckDB for the expected answer).
 */
import type { Manifest, ManifestFile } from '../../../src/lib/schema/tables';

export type Question =
  | { kind: 'year_agency'; name: string; fy: number; agency: string }
  | { kind: 'vendor'; name: string; tin: string }
  | { kind: 'national'; name: string }
  | { kind: 'word'; name: string; word: string };

/** A count and an amount in baht (rounded to satang): what each question asks. */
export interface Answer {
  a: number;
  b: number;
}

export const files = (
  m: Manifest,
  table: string,
  keep: (f: ManifestFile) => boolean = () => true,
) => m.files.filter((f) => f.table === table && keep(f));
/** The files of a table split by key whose key range holds `id`. */
export const covers = (id: number) => (f: ManifestFile) =>
  f.key_min === undefined || (Number(f.key_min) <= id && id <= Number(f.key_max));
export const cents = (x: number) => Math.round(x * 100) / 100;

/** Runs SQL over `list` (`from` names them as one `read_parquet`) with bound `args`. */
export type RunSql = (
  list: ManifestFile[],
  text: (from: string) => string,
  args?: unknown[],
) => Promise<Record<string, unknown>[]>;

/** The question answered with the minimal SQL: resolve the name to ids, then one aggregate. */
export async function answerSql(q: Question, m: Manifest, sql: RunSql): Promise<Answer> {
  if (q.kind === 'year_agency') {
    const [a] = await sql(
      files(m, 'agencies'),
      (t) => `SELECT string_agg(agency_id::VARCHAR, ',') AS ids FROM ${t} WHERE dept_name = ?`,
      [q.agency],
    );
    const ids = String(a!.ids).split(',').map(Number);
    const [lo, hi] = [Math.min(...ids), Math.max(...ids)];
    const [r] = await sql(
      files(m, 'projects', (f) => f.fiscal_year === q.fy),
      (t) => `SELECT count(*)::INTEGER AS n, sum(budget)::DOUBLE AS b FROM ${t}
        WHERE agency_id BETWEEN ${lo} AND ${hi} AND agency_id IN (${ids.join(', ')})`,
    );
    return { a: Number(r!.n), b: cents(Number(r!.b)) };
  }
  if (q.kind === 'vendor') {
    const [k] = await sql(
      files(m, 'vendor_keys'),
      (t) => `SELECT vendor_id FROM ${t} WHERE tin_number = ${Number(q.tin)}`,
    );
    const id = Number(k!.vendor_id);
    const [r] = await sql(
      files(m, 'contracts_by_vendor', covers(id)),
      (t) => `SELECT count(*)::INTEGER AS n, sum(price_agree)::DOUBLE AS b FROM ${t}
        WHERE vendor_id = ${id}`,
    );
    return { a: Number(r!.n), b: cents(Number(r!.b)) };
  }
  if (q.kind === 'national') {
    const r = await sql(
      files(m, 'agg_cube'),
      (t) => `SELECT sum(projects)::INTEGER AS n, sum(budget)::DOUBLE AS b FROM ${t}`,
    );
    return { a: Number(r[0]!.n), b: cents(Number(r[0]!.b)) };
  }
  const [t0] = await sql(
    files(m, 'search_terms'),
    (t) => `SELECT term_id FROM ${t} WHERE term = ? AND kind = 0`,
    [q.word],
  );
  const id = Number(t0!.term_id);
  const post = files(m, 'search_postings', covers(id));
  const proj = files(m, 'projects');
  const [r] = await sql(
    [...post, ...proj],
    () => `SELECT count(*)::INTEGER AS n, sum(p.budget)::DOUBLE AS b
      FROM read_parquet([${post.map((f) => `'${f.path}'`).join(', ')}]) s
      JOIN read_parquet([${proj.map((f) => `'${f.path}'`).join(', ')}]) p USING (project_seq)
      WHERE s.term_id = ${id}`,
  );
  return { a: Number(r!.n), b: cents(Number(r!.b)) };
}

/** Where the site answers it, and which of its headline numbers are the answer. */
export function siteView(q: Question): { path: string; a: string; b: string } {
  const p = (o: Record<string, string>) => `/explore?${new URLSearchParams(o)}`;
  if (q.kind === 'year_agency')
    return { path: p({ fy: String(q.fy), agency: q.agency }), a: 'projects', b: 'budget' };
  if (q.kind === 'vendor') return { path: p({ vendor: q.tin }), a: 'contracts', b: 'agreed' };
  if (q.kind === 'national') return { path: '/explore', a: 'projects', b: 'budget' };
  return { path: p({ q: q.word }), a: 'projects', b: 'budget' };
}
