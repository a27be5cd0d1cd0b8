/** Method bucket colours (Okabe–Ito, distinguishable with common colour-vision deficiencies). */
import { formatPercent } from '../../format/number';
import type { Lang } from '../../i18n';
import { METHOD_BUCKETS, type MethodBucket } from '../../schema/methods';

export const BUCKET_COLOR: Record<MethodBucket, string> = {
  open: '#0072B2',
  selective: '#56B4E9',
  specific: '#D55E00',
  consultant: '#009E73',
  legacy: '#CC79A7',
  unknown: '#999999',
};

/** Each method group's share of the view's budget, in the groups' order, for the share chart. */
export function methodShares(
  rows: readonly { bucket: MethodBucket; budget: number }[],
  label: (b: MethodBucket) => string,
  lang: Lang,
  search: (b: MethodBucket) => string,
) {
  const per: Partial<Record<MethodBucket, number>> = {};
  for (const d of rows) per[d.bucket] = (per[d.bucket] ?? 0) + d.budget;
  const total = Object.values(per).reduce((a, b) => a + b, 0) || 1;
  return METHOD_BUCKETS.filter((b) => per[b] !== undefined).map((b) => ({
    key: b,
    label: label(b),
    value: per[b]! / total,
    display: formatPercent(per[b]! / total, lang),
    color: BUCKET_COLOR[b],
    search: search(b),
  }));
}
