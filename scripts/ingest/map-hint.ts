/**
 * When a required field is missing from every row, the file usually has it under a name the
 * layouts do not know (the CFT export calls the agency `local_authority`). Suggest the `--map`
 * from the columns the run did not use: a column whose name, or whose first values, look like
 * the field.
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { cleanText } from '../../src/lib/format/thai.ts';
import { resolveHeader, type ColumnMap } from './layout.ts';

interface Looks {
  /** The rejection reasons and quality counts that say the field was not found. */
  when: readonly string[];
  /** The canonical field `--map` should name. */
  field: string;
  name: RegExp;
  value: RegExp;
}

/** The fields a run can miss, and how a column holding one tends to look. */
const LOOKS: readonly Looks[] = [
  {
    when: ['missing_agency'],
    field: 'dept_name',
    name: /agency|authority|dept|department|organi[sz]ation|buyer|หน่วยงาน/i,
    value: /^(กรม|กระทรวง|กอง|องค์การ|เทศบาล|สำนักงาน|สำนัก|มหาวิทยาลัย|โรงเรียน|โรงพยาบาล|ที่ทำการ|การ)/,
  },
  {
    // Without its column the year is read from the project id, which is often a year off.
    when: ['missing_fiscal_year', 'fiscal_year_from_project_id'],
    field: 'budget_year',
    name: /year|fiscal|ปีงบ/i,
    value: /^(25[4-9]\d|20[0-4]\d)$/,
  },
  {
    when: ['missing_project_id'],
    field: 'project_id',
    name: /project.?(id|no|number)|รหัสโครงการ|เลขที่โครงการ/i,
    value: /^\d{11}$/,
  },
];

/** The first `n` records of a CSV (header first), read with csv-parse. */
async function firstRecords(file: string, n: number): Promise<string[][]> {
  const out: string[][] = [];
  const parser = createReadStream(file).pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, to: n + 1 }),
  );
  for await (const r of parser as AsyncIterable<string[]>) out.push(r);
  return out;
}

/**
 * `--map` suggestions for the fields rows were rejected without (reasons) or read elsewhere
 * without (quality counts), from the columns of each
 * CSV input that no layout or map uses: `try --map local_authority=dept_name (…)`.
 */
export async function mapHints(
  counts: Record<string, number>,
  files: readonly { name: string; path: string }[],
  maps: ColumnMap,
): Promise<string[]> {
  const wanted = LOOKS.flatMap((l) => {
    const reason = l.when.find((w) => counts[w]);
    return reason ? [[reason, l] as const] : [];
  });
  if (!wanted.length) return [];
  const hints: string[] = [];
  for (const { name, path } of files) {
    const [header, ...records] = await firstRecords(path, 20).catch(() => [] as string[][]);
    if (!header) continue;
    let unmapped: string[];
    try {
      unmapped = resolveHeader(header, maps).unmapped;
    } catch {
      continue; // a header no layout fits fails with its own message
    }
    // The layout names a column as cleaned (NFC, trimmed, no BOM).
    const cells = header.map((h) => cleanText(h.replace(/^\uFEFF/, '')));
    for (const [reason, looks] of wanted) {
      const scored = unmapped.map((col) => {
        const i = cells.indexOf(col);
        const values = records.map((r) => (r[i] ?? '').trim()).filter(Boolean);
        const share = values.length
          ? values.filter((v) => looks.value.test(v)).length / values.length
          : 0;
        return { col, byName: looks.name.test(col), share };
      });
      const best = scored
        .filter((s) => s.byName || s.share >= 0.5)
        .sort((a, b) => b.share - a.share || Number(b.byName) - Number(a.byName))[0];
      if (!best) continue;
      const why =
        best.share >= 0.5
          ? `${Math.round(best.share * 100)}% of its first values look like one`
          : 'its name looks like one';
      hints.push(`${name}: try --map ${best.col}=${looks.field} (${reason}; ${why})`);
    }
  }
  return hints;
}
