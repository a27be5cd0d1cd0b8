import { describe, expect, it } from 'vitest';
import {
  classifyTin,
  fiscalYearFromProjectId,
  parseAmount,
  parseDate,
  parseFiscalYear,
  parseProjectId,
  tinChecksumOk,
  ValueError,
} from '../../scripts/ingest/values';
import { readRecords } from '../helpers/csv';
import { DGA_CSV, DRONE_CSV, ICS_CSV } from '../helpers/paths';

describe('Thai dates', () => {
  it('reads the three formats of the official files', () => {
    expect(parseDate('15-ก.ย.-64', 'd')).toBe('2021-09-15');
    expect(parseDate('29 พ.ย. 67', 'd')).toBe('2024-11-29');
    expect(parseDate('15 ก.ย. 2568', 'd')).toBe('2025-09-15');
    expect(parseDate('2024-11-29', 'd')).toBe('2024-11-29');
    expect(parseDate('๒๙ พ.ย. ๖๗', 'd')).toBe('2024-11-29');
    expect(parseDate('-', 'd')).toBeNull();
    expect(parseDate('', 'd')).toBeNull();
  });

  it('rejects impossible dates and unknown months with a reason', () => {
    expect(() => parseDate('31-ก.พ.-64', 'contract_date')).toThrow(ValueError);
    expect(() => parseDate('12 ABC 67', 'contract_date')).toThrow(/contract_date/);
  });

  it('parses every date in the real FY2564–2568 rows', () => {
    const [header, ...data] = readRecords(ICS_CSV);
    const cols = ['วันที่เกิดรายการ', 'วันที่ลงนามสัญญา', 'วันที่สิ้นสุดสัญญา'].map((h) => header!.indexOf(h));
    let parsed = 0;
    for (const r of data) for (const c of cols) if (parseDate(r[c], 'd')) parsed++;
    expect(parsed).toBe(data.length * 3);
    const [h2, ...dga] = readRecords(DGA_CSV);
    const tx = h2!.indexOf('วันที่เกิดรายการ');
    for (const r of dga) expect(parseDate(r[tx], 'd')).toMatch(/^202[45]-\d\d-\d\d$/);
  });
});

describe('amounts', () => {
  it('keeps exact decimals and reads thousands separators', () => {
    expect(parseAmount('48735000.0', 'x')).toBe('48735000.0');
    expect(parseAmount('3,498,760,900.00', 'x')).toBe('3498760900.00');
    expect(parseAmount('๑๕๐๐', 'x')).toBe('1500');
    expect(parseAmount('-', 'x')).toBeNull();
    expect(() => parseAmount('12,34', 'price_agree')).toThrow(/price_agree/);
    expect(() => parseAmount('abc', 'x')).toThrow(ValueError);
  });
});

describe('tax ids', () => {
  it('accepts checksum-valid ids and marks broken and masked ones (real values)', () => {
    expect(classifyTin('0305560001659')).toEqual({ tin: '0305560001659', status: 'valid' });
    expect(classifyTin('3.0556E+11')).toEqual({ tin: '3.0556E+11', status: 'broken' });
    expect(classifyTin('130990115xxxx').status).toBe('masked');
    expect(classifyTin('-').status).toBe('missing');
    expect(classifyTin('0305560001658').status).toBe('invalid_checksum');
  });

  it('restores a leading zero a spreadsheet dropped only when the checksum holds', () => {
    expect(classifyTin('305560001659')).toEqual({ tin: '0305560001659', status: 'valid' });
    expect(classifyTin('305560001658').status).toBe('other');
  });

  it('classifies every winner id in the drone set, and the intact FY2568 ids pass the checksum', () => {
    const [header, ...data] = readRecords(DRONE_CSV);
    const tin = header!.indexOf('เลขนิติบุคคล');
    const fy = header!.indexOf('_ปีงบ');
    const counts: Record<string, number> = {};
    for (const r of data) {
      const s = classifyTin(r[tin]).status;
      counts[s] = (counts[s] ?? 0) + 1;
      if (r[fy] === '2568' && /^\d{13}$/.test(r[tin]!)) expect(tinChecksumOk(r[tin]!)).toBe(true);
    }
    // SOURCE.md: 740 masked natural persons; FY2565–67 ids destroyed as scientific notation.
    expect(counts.masked).toBe(740);
    expect(counts.broken).toBeGreaterThan(1000);
    expect(counts.other ?? 0).toBe(0);
  });
});

describe('fiscal years and project ids', () => {
  it('prefers the file, converts CE, falls back to the project id prefix', () => {
    expect(parseFiscalYear('2568')).toBe(2568);
    expect(parseFiscalYear('2025')).toBe(2568);
    expect(() => parseFiscalYear('68')).toThrow(ValueError);
    expect(fiscalYearFromProjectId('67097344169')).toBe(2567); // Sep 2567 → FY2567
    expect(fiscalYearFromProjectId('67107344169')).toBe(2568); // Oct 2567 → FY2568
    expect(fiscalYearFromProjectId('abc')).toBeNull();
  });

  it('keeps project ids as text and refuses spreadsheet-destroyed ones', () => {
    expect(parseProjectId('๖๗๑๑๙๕๒๔๐๐๑')).toBe('67119524001');
    expect(() => parseProjectId('6.71195E+10')).toThrow(/spreadsheet/);
    expect(() => parseProjectId('')).toThrow(ValueError);
  });
});
