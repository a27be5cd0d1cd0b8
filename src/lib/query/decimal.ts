/** Exact money as DuckDB writes a DECIMAL with two places, added up without floating point. */

/** A decimal string as hundredths. */
export function hundredths(v: unknown): bigint {
  const [int, frac = ''] = String(v ?? '0').split('.');
  const sign = int!.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(int!.replace('-', '') || '0') * 100n + BigInt((frac + '00').slice(0, 2)));
}

/** Hundredths as the decimal string DuckDB would write. */
export function decimal(h: bigint): string {
  const sign = h < 0n ? '-' : '';
  const a = h < 0n ? -h : h;
  return `${sign}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
