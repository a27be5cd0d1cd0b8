/** English names for the Thai values the English pages show (#21 §4), checked on the real files. */
import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../scripts/lib/thai-places';
import { METHODS_EN } from '../../src/lib/schema/methods';
import { PROVINCES_EN, STATUSES_EN, TYPES_EN } from '../../src/lib/schema/names-en';
import { lit, rows } from '../helpers/duckdb';
import { DGA_CSV, DRONE_CSV } from '../helpers/paths';

/** The distinct non-empty values of some columns of a real CSV (read by native DuckDB). */
async function values(file: string, columns: string[]): Promise<string[]> {
  const r = await rows(
    `SELECT DISTINCT trim(v) AS v FROM (
       SELECT unnest([${columns.map((c) => `"${c}"`).join(', ')}]) AS v
       FROM read_csv(${lit(file)}, all_varchar = true)) WHERE coalesce(trim(v), '') <> ''`,
  );
  return r.map((x) => String(x.v)).sort();
}

describe('English names', () => {
  it('name every province of the real files, all 77 and Bangkok as the files spell them', async () => {
    const seen = [...(await values(DRONE_CSV, ['จังหวัด'])), ...(await values(DGA_CSV, ['จังหวัด']))];
    expect(seen.filter((p) => !PROVINCES_EN[p])).toEqual([]);
    expect(Object.keys(PROVINCES_EN).filter((p) => p !== 'ไม่ระบุ')).toHaveLength(77);
    // The drone file names all 77 (and ไม่ระบุ): every one is there.
    expect(new Set(seen).size).toBe(78);
    // Where a file carries an English column, its spelling is the one used.
    for (const [th, en] of PROVINCES) expect(PROVINCES_EN[th]).toBe(en);
  });

  it('name every project type, status and method label of the real files', async () => {
    const types = await values(DRONE_CSV, ['ชื่อประเภทโครงการ']);
    const statuses = await values(DRONE_CSV, ['สถานะโครงการ', 'สถานะสัญญา']);
    expect(types.filter((x) => !TYPES_EN[x])).toEqual([]);
    expect(statuses.filter((x) => !STATUSES_EN[x])).toEqual([]);
    const dgaMethods = await values(DGA_CSV, ['วิธีจัดซื้อฯ', 'กลุ่มวิธีจัดซื้อฯ']);
    const labels = dgaMethods.filter((m) => !m.startsWith('วิธีการจัดหา'));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((m) => !METHODS_EN[m])).toEqual([]);
  });
});
