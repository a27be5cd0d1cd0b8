/** Method bucket colours (Okabe–Ito, distinguishable with common colour-vision deficiencies). */
import type { MethodBucket } from '../../schema/methods';

export const BUCKET_COLOR: Record<MethodBucket, string> = {
  open: '#0072B2',
  selective: '#56B4E9',
  specific: '#D55E00',
  consultant: '#009E73',
  legacy: '#CC79A7',
  unknown: '#999999',
};
