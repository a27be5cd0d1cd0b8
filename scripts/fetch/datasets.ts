/**
 * The annual e-GP contract datasets on data.go.th (CKAN), one per Buddhist-era fiscal year. The
 * slugs are irregular upstream (cgd-, then cdg-, then a misspelt egp-contact-): this table is the
 * one place that knows them (../shared/docs/egp-data.md).
 */
export const CKAN_URL = 'https://data.go.th';

export const DATASETS: readonly { fiscal_year: number; slug: string }[] = [
  { fiscal_year: 2558, slug: 'cgd-contract-2558' },
  { fiscal_year: 2559, slug: 'cgd-contract-2559' },
  { fiscal_year: 2560, slug: 'cgd-contract-2560' },
  { fiscal_year: 2561, slug: 'cgd-contract-2561' },
  { fiscal_year: 2562, slug: 'cgd-contract-2562' },
  { fiscal_year: 2563, slug: 'cgd-contract-2563' },
  { fiscal_year: 2564, slug: 'cdg-contract-2564' },
  { fiscal_year: 2565, slug: 'cdg-contract-2565' },
  { fiscal_year: 2566, slug: 'cdg-contract-2566' },
  { fiscal_year: 2567, slug: 'cdg-contract-2567' },
  { fiscal_year: 2568, slug: 'egp-contact-2568' },
];

/** `2566`, `2566-2568` or `2560,2566-2568` → the datasets of those years; throws on others. */
export function datasetsFor(years: string | undefined): typeof DATASETS {
  if (!years) return DATASETS;
  const wanted = new Set<number>();
  for (const part of years.split(',')) {
    const m = /^\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*$/.exec(part);
    if (!m) throw new Error(`--years takes BE years such as 2566 or 2566-2568, not "${part}"`);
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (to < from) throw new Error(`--years ${part}: the range runs backwards`);
    for (let y = from; y <= to; y++) wanted.add(y);
  }
  const known = DATASETS.filter((d) => wanted.has(d.fiscal_year));
  const missing = [...wanted].filter((y) => !DATASETS.some((d) => d.fiscal_year === y));
  if (missing.length) {
    const have = `${DATASETS[0]!.fiscal_year}-${DATASETS.at(-1)!.fiscal_year}`;
    throw new Error(`no e-GP dataset is known for FY ${missing.join(', ')} (known: ${have})`);
  }
  return known;
}
