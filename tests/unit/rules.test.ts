/** The ingest's cleaning rules (SQL macros in scripts/ingest/rules.ts) on real and tricky values. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleMacros } from '../../scripts/ingest/rules';
import { cleanText, vendorNameKey } from '../../src/lib/format/thai';
import { lit } from '../helpers/duckdb';
import { DGA_CSV, DRONE_CSV, ICS_CSV } from '../helpers/paths';

let c: DuckDBConnection;

beforeAll(async () => {
  c = await (await DuckDBInstance.create(':memory:')).connect();
  for (const m of ruleMacros()) await c.run(m);
});

async function one(expr: string, ...params: (string | null)[]): Promise<unknown> {
  const r = await c.runAndReadAll(`SELECT (${expr})::VARCHAR AS v`, params);
  return r.getRowObjectsJson()[0]!.v;
}

describe('Thai dates', () => {
  it('reads the formats of the official files and of exports', async () => {
    expect(await one('thai_date(?)', '15-ก.ย.-64')).toBe('2021-09-15');
    expect(await one('thai_date(?)', '29 พ.ย. 67')).toBe('2024-11-29');
    expect(await one('thai_date(?)', '15 ก.ย. 2568')).toBe('2025-09-15');
    expect(await one('thai_date(?)', '2024-11-29')).toBe('2024-11-29');
    expect(await one('thai_date(?)', '2016-03-01T10:00:00-04:00')).toBe('2016-03-01');
    expect(await one('thai_date(?)', '29/11/2567')).toBe('2024-11-29');
    expect(await one('thai_date(?)', '๒๙ พ.ย. ๖๗')).toBe('2024-11-29');
    expect(await one('thai_date(?)', '-')).toBeNull();
  });

  it('flags impossible dates and unknown months', async () => {
    expect(await one('date_bad(?)', '31-ก.พ.-64')).toBe('true');
    expect(await one('date_bad(?)', '12 ABC 67')).toBe('true');
    expect(await one('date_bad(?)', '-')).toBe('false');
  });

  it('parses every date in the real FY2564–2568 rows', async () => {
    const r =
      await c.runAndReadAll(`SELECT count(*) FILTER (WHERE date_bad("วันที่เกิดรายการ") OR date_bad("วันที่ลงนามสัญญา") OR date_bad("วันที่สิ้นสุดสัญญา")) AS bad,
        count(*) FILTER (WHERE thai_date("วันที่เกิดรายการ") IS NOT NULL) AS ok FROM read_csv(${lit(ICS_CSV)}, all_varchar = true)`);
    expect(r.getRowObjectsJson()[0]).toEqual({ bad: '0', ok: '5' });
    const d =
      await c.runAndReadAll(`SELECT count(*) FILTER (WHERE thai_date("วันที่เกิดรายการ") BETWEEN '2024-10-01' AND '2025-09-30') AS n, count(*) AS total
      FROM read_csv(${lit(DGA_CSV)}, all_varchar = true)`);
    const row = d.getRowObjectsJson()[0]!;
    expect(row.n).toBe(row.total);
  });
});

describe('amounts', () => {
  it('keeps exact decimals, reads thousands separators and Thai digits', async () => {
    expect(await one('amount(?)', '48735000.0')).toBe('48735000.00');
    expect(await one('amount(?)', '3,498,760,900.00')).toBe('3498760900.00');
    expect(await one('amount(?)', '๑๕๐๐')).toBe('1500.00');
    expect(await one('amount(?)', '-')).toBeNull();
    expect(await one('amount_bad(?)', '12,34')).toBe('true');
    expect(await one('amount_bad(?)', 'หนึ่งล้าน')).toBe('true');
  });
});

describe('tax ids', () => {
  it('accepts checksum-valid ids and marks broken and masked ones (real values)', async () => {
    expect(await one('tin_status(?)', '0305560001659')).toBe('valid');
    expect(await one('tin_status(?)', '3.0556E+11')).toBe('broken');
    expect(await one('tin_status(?)', '130990115xxxx')).toBe('masked');
    expect(await one('tin_status(?)', '-')).toBe('missing');
    expect(await one('tin_status(?)', '0305560001658')).toBe('invalid_checksum');
  });

  it('restores a leading zero a spreadsheet dropped only when the checksum holds', async () => {
    expect(await one('tin(?)', '305560001659')).toBe('0305560001659');
    expect(await one('tin_status(?)', '305560001658')).toBe('other');
  });

  it('classifies every winner id in the drone set; intact FY2568 ids pass the checksum', async () => {
    const r = await c.runAndReadAll(`SELECT tin_status("เลขนิติบุคคล") AS s, count(*)::INTEGER AS n
      FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) GROUP BY 1 ORDER BY 1`);
    const counts = Object.fromEntries(r.getRowObjectsJson().map((x) => [x.s, x.n]));
    // SOURCE.md: 740 masked natural persons; FY2565–67 ids destroyed as scientific notation.
    expect(counts.masked).toBe(740);
    expect(counts.broken).toBeGreaterThan(1000);
    expect(counts.other ?? 0).toBe(0);
    expect(counts.invalid_checksum ?? 0).toBe(0);
  });
});

describe('fiscal years and project ids', () => {
  it('reads BE, converts CE, falls back to the project id prefix', async () => {
    expect(await one('fiscal_year(?)', '2568')).toBe('2568');
    expect(await one('fiscal_year(?)', '2025')).toBe('2568');
    expect(await one('fiscal_year(?)', '68')).toBeNull();
    expect(await one('fy_from_project_id(?)', '67097344169')).toBe('2567'); // Sep 2567 → FY2567
    expect(await one('fy_from_project_id(?)', '67107344169')).toBe('2568'); // Oct 2567 → FY2568
  });

  it('keeps project ids as text and refuses spreadsheet-destroyed ones', async () => {
    expect(await one('project_id_text(?)', '๖๗๑๑๙๕๒๔๐๐๑')).toBe('67119524001');
    expect(await one('project_id_error(?)', '6.71195E+10')).toBe('broken_project_id');
    expect(await one('project_id_error(?)', '')).toBe('missing_project_id');
  });
});

describe('text rules agree with the site', () => {
  it('cleans and keys every real winner name as the JavaScript helpers do', async () => {
    const r =
      await c.runAndReadAll(`SELECT "ชื่อผู้ชนะ" AS raw, clean_text("ชื่อผู้ชนะ") AS clean, vendor_name_key("ชื่อผู้ชนะ") AS key
      FROM read_csv(${lit(DRONE_CSV)}, all_varchar = true) WHERE "ชื่อผู้ชนะ" IS NOT NULL`);
    const rows = r.getRowObjectsJson();
    expect(rows.length).toBeGreaterThan(2000);
    for (const x of rows) {
      expect(x.clean).toBe(cleanText(String(x.raw)));
      expect(x.key).toBe(vendorNameKey(String(x.raw)) || null);
    }
    expect(await one('clean_text(?)', ' ห้างหุ้นส่วนจำกัด\u200b  ดี  ')).toBe('ห้างหุ้นส่วนจำกัด ดี');
  });
});

describe('methods', () => {
  it('recognises group strings and reads the method from project names', async () => {
    expect(await one('is_group_label(?)', 'วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง')).toBe(
      'true',
    );
    expect(await one('is_group_label(?)', 'งานจ้างที่ปรึกษา')).toBe('true');
    expect(await one('is_group_label(?)', 'เฉพาะเจาะจง')).toBe('false');
    expect(await one('method_from_name(?)', 'ซื้อโดรน จำนวน ๑ ลำ โดยวิธีเฉพาะเจาะจง')).toBe(
      'เฉพาะเจาะจง',
    );
    expect(
      await one('method_from_name(?)', 'จ้างก่อสร้างถนน ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)'),
    ).toBe('ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)');
    expect(await one('method_bucket(?)', 'จ้างที่ปรึกษาโดยวิธีคัดเลือก')).toBe('consultant');
    expect(await one('method_bucket(?)', 'ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์')).toBe('legacy');
  });
});
