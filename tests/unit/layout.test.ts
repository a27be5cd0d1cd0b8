import { describe, expect, it } from 'vitest';
import { LayoutError, mapRecord, parseMaps, resolveHeader } from '../../scripts/ingest/layout';
import { normalizeRow } from '../../scripts/ingest/normalize';
import { LAYOUT_28, THAI_HEADERS } from '../../src/lib/schema/fields';
import {
  isMethodGroupLabel,
  methodBucket,
  methodFromProjectName,
} from '../../src/lib/schema/methods';
import { readRecords } from '../helpers/csv';
import { CFT_CSV, DGA_CSV, DRONE_CSV, ICS_CSV } from '../helpers/paths';

describe('layout detection on the real files', () => {
  it('maps the 33-field datastore layout by header and ignores _id and rank', () => {
    const [header, ...data] = readRecords(ICS_CSV);
    const layout = resolveHeader(header!, new Map());
    expect(layout.unmapped).toEqual(['_ปีงบ', '_ไฟล์']);
    const m = mapRecord(layout, data[0]!);
    if (!('row' in m)) throw new Error(m.error);
    expect(m.row.project_id).toBe('64097344169');
    expect(m.row.winner_tin).toBe('3.0556E+11');
    expect(m.row.province_en).toBe('Nakhon Ratchasima');
  });

  it('reads 28-field FY2568 rows under the wrong 31-name header by position', () => {
    const [header, ...data] = readRecords(ICS_CSV);
    // Build a raw FY2568 part: the official 31 names over rows without the three (Eng) columns.
    const official = header!.slice(1, 32);
    const eng = new Set(['จังหวัด (Eng)', 'เขต/อำเภอ (Eng)', 'แขวง/ตำบล (Eng)']);
    const row28 = data[4]!.slice(1, 32).filter((_, i) => !eng.has(official[i]!));
    expect(row28).toHaveLength(28);
    const layout = resolveHeader(official, new Map());
    expect(layout.acceptsRaw28).toBe(true);
    const m = mapRecord(layout, row28);
    if (!('row' in m)) throw new Error(m.error);
    expect(m.row.winner).toBe(data[4]![header!.indexOf('ชื่อผู้ชนะ')]);
    expect(m.row.price_agree).toBe(data[4]![header!.indexOf('งบสัญญา(บาท)')]);
    expect(LAYOUT_28).toHaveLength(28);
  });

  it('reports a record whose field count fits no layout', () => {
    const [header] = readRecords(DGA_CSV);
    const layout = resolveHeader(header!, new Map());
    expect(mapRecord(layout, ['1', '2'])).toEqual({ error: '2 fields where the header has 15' });
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
  });
});

describe('method and group columns (trap 2)', () => {
  it('takes the method from the swapped column in the real FY2568 rows', () => {
    const [header, ...data] = readRecords(DGA_CSV);
    const layout = resolveHeader(header!, new Map());
    const q = new Map<string, number>();
    for (const r of data) {
      const m = mapRecord(layout, r);
      if (!('row' in m)) throw new Error(m.error);
      const row = normalizeRow(m.row, q);
      expect(row.method_source).toBe('swapped_column');
      expect(isMethodGroupLabel(row.method_group_raw!)).toBe(true);
    }
    expect(q.get('method_group_columns_swapped')).toBe(data.length);
  });

  it('derives the method from the project name when only the group string is there', () => {
    const [header, ...data] = readRecords(DRONE_CSV);
    const layout = resolveHeader(header!, parseMaps(['_ปีงบ=budget_year']));
    const q = new Map<string, number>();
    const sources: Record<string, number> = {};
    for (const r of data) {
      const m = mapRecord(layout, r);
      if (!('row' in m)) throw new Error(m.error);
      const row = normalizeRow(m.row, q);
      sources[row.method_source] = (sources[row.method_source] ?? 0) + 1;
      if (row.fiscal_year === 2568) expect(row.method_source).not.toBe('project_name');
    }
    // FY2565–67 rows hold only the group string: 1,967 rows (SOURCE.md: 492 + 693 + 782).
    expect((sources.project_name ?? 0) + (sources.none ?? 0)).toBe(492 + 693 + 782);
    expect(sources.none ?? 0).toBeLessThan(30);
  });

  it('buckets methods under both Acts', () => {
    expect(methodBucket('เฉพาะเจาะจง')).toBe('specific');
    expect(methodBucket('ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)')).toBe('open');
    expect(methodBucket('จ้างที่ปรึกษาโดยวิธีคัดเลือก')).toBe('consultant');
    expect(methodBucket('ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์')).toBe('legacy');
    expect(methodBucket('วิธีใหม่')).toBe('unknown');
    expect(methodFromProjectName('ซื้อโดรน จำนวน ๑ ลำ โดยวิธีเฉพาะเจาะจง')).toBe('เฉพาะเจาะจง');
    expect(methodFromProjectName('จ้างก่อสร้างถนน ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)')).toBe(
      'ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)',
    );
    expect(THAI_HEADERS.budget_year).toBe('ปีงบประมาณ');
  });
});
