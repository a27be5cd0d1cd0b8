import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayoutError, parseMaps, resolveHeader } from '../../scripts/ingest/layout';
import { ingest } from '../../scripts/ingest/run';
import { THAI_HEADERS } from '../../src/lib/schema/fields';
import { readRecords } from '../helpers/csv';
import { rows } from '../helpers/duckdb';
import { manifestOf, table as tableOf } from '../helpers/expected';
import { droneData } from '../helpers/fixtures';
import { CFT_CSV, DGA_CSV, ICS_CSV, TMP } from '../helpers/paths';

const dir = path.join(TMP, 'unit-layout');
beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
});

async function ingestOne(name: string, file: string, maps: string[] = []) {
  const out = path.join(dir, name);
  const { manifest, rejectsByReason } = await ingest({ files: [file], out, maps: parseMaps(maps) });
  return { manifest, rejectsByReason, table: (t: string) => tableOf(out, t), out };
}

const csvLine = (r: string[]) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');

describe('layouts of the real files', () => {
  it('maps the 33-field datastore layout by header and ignores _id and rank', () => {
    const [header] = readRecords(ICS_CSV);
    const layout = resolveHeader(header!, new Map());
    expect(layout.unmapped).toEqual(['_ปีงบ', '_ไฟล์']);
    expect(layout.fields.indexOf('project_id')).toBe(header!.indexOf('รหัสโครงการ'));
    expect(layout.fields[0]).toBeNull(); // _id
    expect(layout.acceptsRaw28).toBe(false);
  });

  it('reads 28-field FY2568 rows under the wrong 31-name header by position', async () => {
    const [header, ...data] = readRecords(ICS_CSV);
    // A raw FY2568 part: the official 31 names over rows without the three (Eng) columns.
    const official = header!.slice(1, 32);
    const eng = new Set(['จังหวัด (Eng)', 'เขต/อำเภอ (Eng)', 'แขวง/ตำบล (Eng)']);
    const rows28 = data.map((r) => r.slice(1, 32).filter((_, i) => !eng.has(official[i]!)));
    expect(rows28[0]).toHaveLength(28);
    const file = path.join(dir, 'raw28.csv');
    await writeFile(file, '\uFEFF' + [official, ...rows28].map(csvLine).join('\r\n') + '\r\n');
    expect(resolveHeader(official, new Map()).acceptsRaw28).toBe(true);
    const { table, manifest } = await ingestOne('raw28', file);
    expect(manifest.counts.rows_written).toBe(5);
    const v = await rows(
      `SELECT v.tin, sum(c.price_agree)::VARCHAR AS s FROM ${table('contracts')} c JOIN ${table('vendors')} v USING (vendor_id) GROUP BY 1`,
    );
    const expected = data.reduce((n, r) => n + Number(r[header!.indexOf('งบสัญญา(บาท)')]), 0);
    expect(v.find((x) => x.tin === '0305560001659')).toBeDefined();
    expect(v.reduce((n, x) => n + Number(x.s), 0)).toBeCloseTo(expected, 2);
  });

  it('rejects a record whose field count fits no layout, with its raw text', async () => {
    const [header, first] = readRecords(DGA_CSV);
    const file = path.join(dir, 'short.csv');
    await writeFile(file, [header!, first!, first!.slice(0, 5)].map(csvLine).join('\n') + '\n');
    const { rejectsByReason, manifest, out } = await ingestOne('short', file);
    expect(rejectsByReason).toEqual({ field_count: 1 });
    const rejects = readRecords(path.join(out, manifest.rejects_file!));
    expect(rejects[1]!.slice(1, 4)).toEqual([
      '3',
      'field_count',
      '5 fields where the header has 15',
    ]);
    expect(rejects[1]![4]).toBe(first!.slice(0, 5).join(','));
  });

  it('fails on an unknown layout with the header seen and the closest known layout', () => {
    const [header] = readRecords(CFT_CSV);
    const renamed = header!.map((h) => (h === 'project_id' ? 'pid' : h));
    expect(() => resolveHeader(renamed, new Map())).toThrow(LayoutError);
    expect(() => resolveHeader(renamed, new Map())).toThrow(
      /Header seen \(8 fields\): winner_tin \| winner_name \| pid/,
    );
    expect(resolveHeader(renamed, parseMaps(['pid=project_id'])).fields).toContain('project_id');
  });

  it('refuses a --map to an unknown canonical name', () => {
    expect(() => parseMaps(['_ปีงบ=fiscal'])).toThrow(/CANONICAL one of/);
    expect(parseMaps(['_ปีงบ=budget_year']).get('_ปีงบ')).toBe('budget_year');
    expect(THAI_HEADERS.budget_year).toBe('ปีงบประมาณ');
  });
});

describe('method and group columns (trap 2)', () => {
  it('takes the method from the swapped column in the real FY2568 rows', async () => {
    const { table, manifest } = await ingestOne('dga', DGA_CSV);
    const r = await rows(
      `SELECT method_source, count(*)::INTEGER AS n FROM ${table('details')} GROUP BY 1`,
    );
    expect(r).toEqual([{ method_source: 'swapped_column', n: 250 }]);
    expect(manifest.quality.method_group_columns_swapped).toBe(250);
  });

  it('derives the method from the project name when only the group string is there', async () => {
    // The shared ingest of the drone set (its latest run: the whole file, DRONE_MAPS).
    const out = await droneData();
    const m = manifestOf(out);
    const r =
      await rows(`SELECT fiscal_year >= 2568 AS recent, method_source, count(*)::INTEGER AS n
      FROM ${tableOf(out, 'details')} GROUP BY ALL ORDER BY ALL`);
    // FY2565–67 rows hold only a group string (1,967 rows: 492 + 693 + 782, SOURCE.md), so their
    // method comes from the name; FY2568 rows hold the method in the group column (the producer
    // dropped วิธีจัดซื้อฯ), so it is read from there.
    const old = r.filter((x) => !x.recent);
    expect(old.reduce((n, x) => n + Number(x.n), 0)).toBe(492 + 693 + 782);
    expect(old.map((x) => x.method_source).sort()).toEqual(['none', 'project_name']);
    expect(Number(old.find((x) => x.method_source === 'none')!.n)).toBeLessThan(30);
    expect(r.filter((x) => x.recent).map((x) => x.method_source)).toEqual(['swapped_column']);
    expect(m.quality.method_from_project_name).toBe(
      Number(old.find((x) => x.method_source === 'project_name')!.n),
    );
  });
});
