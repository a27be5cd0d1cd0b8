/** bench:peers: hyparquet, a pure-JS Parquet reader (zstd from hyparquet-compressors). */
import { asyncBufferFromUrl, cachedAsyncBuffer, parquetRead, parquetReadObjects } from 'hyparquet';
import type { ParquetQueryFilter } from 'hyparquet/src/types.js';
import { compressors } from 'hyparquet-compressors';
import type { Manifest, ManifestFile } from '../../../src/lib/schema/tables';
import { cents, covers, files, type Answer, type Question } from './questions';

const buffers = new Map<string, ReturnType<typeof cachedAsyncBuffer>>();
async function file(f: ManifestFile) {
  let b = buffers.get(f.path);
  if (!b) {
    const url = new URL(`/data/${f.path}`, location.href).href;
    b = cachedAsyncBuffer(await asyncBufferFromUrl({ url, byteLength: f.bytes }));
    buffers.set(f.path, b);
  }
  return b;
}
const num = (v: unknown) => Number(v);

async function objects(list: ManifestFile[], columns: string[], filter: ParquetQueryFilter) {
  const out: Record<string, unknown>[] = [];
  for (const f of list) {
    const rows = await parquetReadObjects({ file: await file(f), columns, filter, compressors });
    for (const r of rows) out.push(r); // (a spread of 750k rows overflows the stack)
  }
  return out;
}

export async function answer(q: Question, m: Manifest): Promise<Answer> {
  if (q.kind === 'year_agency') {
    const ids = (
      await objects(files(m, 'agencies'), ['agency_id', 'dept_name'], {
        dept_name: { $eq: q.agency },
      })
    ).map((r) => num(r.agency_id));
    const rows = await objects(
      files(m, 'projects', (f) => f.fiscal_year === q.fy),
      ['agency_id', 'budget'],
      { agency_id: { $gte: Math.min(...ids), $lte: Math.max(...ids) } },
    );
    const mine = rows.filter((r) => ids.includes(num(r.agency_id)));
    return { a: mine.length, b: cents(mine.reduce((s, r) => s + num(r.budget ?? 0), 0)) };
  }
  if (q.kind === 'vendor') {
    const [k] = await objects(files(m, 'vendor_keys'), ['vendor_id', 'tin_number'], {
      tin_number: { $eq: BigInt(q.tin) },
    });
    const id = num(k!.vendor_id);
    const rows = await objects(
      files(m, 'contracts_by_vendor', covers(id)),
      ['vendor_id', 'price_agree'],
      { vendor_id: { $eq: id } },
    );
    return { a: rows.length, b: cents(rows.reduce((s, r) => s + num(r.price_agree ?? 0), 0)) };
  }
  if (q.kind === 'national') {
    const rows = await objects(files(m, 'agg_cube'), ['projects', 'budget'], {
      projects: { $gte: 0 },
    });
    return {
      a: rows.reduce((s, r) => s + num(r.projects), 0),
      b: cents(rows.reduce((s, r) => s + num(r.budget ?? 0), 0)),
    };
  }
  const [t] = await objects(files(m, 'search_terms'), ['term_id', 'term', 'kind'], {
    term: { $eq: q.word },
  });
  const id = num(t!.term_id);
  const hits = new Set(
    (
      await objects(files(m, 'search_postings', covers(id)), ['term_id', 'project_seq'], {
        term_id: { $eq: id },
      })
    ).map((r) => num(r.project_seq)),
  );
  // Every project's seq and budget, a row group at a time (column chunks, not row objects).
  let n = 0;
  let b = 0;
  for (const f of files(m, 'projects')) {
    const seqs = new Map<number, ArrayLike<unknown>>();
    await parquetRead({
      file: await file(f),
      columns: ['project_seq', 'budget'],
      compressors,
      onChunk: (c) => {
        const other = seqs.get(c.rowStart);
        if (!other) return void seqs.set(c.rowStart, c.columnData as ArrayLike<unknown>);
        const [s, v] = c.columnName === 'budget' ? [other, c.columnData] : [c.columnData, other];
        for (let i = 0; i < s.length; i++) {
          if (hits.has(num(s[i]))) {
            n++;
            b += num((v as ArrayLike<unknown>)[i] ?? 0);
          }
        }
        seqs.delete(c.rowStart);
      },
    });
  }
  return { a: n, b: cents(b) };
}
