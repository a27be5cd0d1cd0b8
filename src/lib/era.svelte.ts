/**
 * The era years are shown in: Buddhist (the default, as the data and Thai readers count) or
 * Common (`era=ce` in the URL). It is a setting of the reader, not a filter: every page shows its
 * years in it, and every link and filter change keeps it (the layout carries it over links).
 */
import { browser } from '$app/environment';
import { page } from '$app/state';
import type { Era } from './format/number';

export type { Era };

/** The era the current URL asks for (query strings do not exist while prerendering). */
export function currentEra(): Era {
  return browser && page.url.searchParams.get('era') === 'ce' ? 'ce' : 'be';
}

/** An internal href with the current era kept (nothing added for the default). */
export function keepEra(href: string): string {
  if (currentEra() === 'be' || /[?&]era=/.test(href)) return href;
  const [base, hash] = href.split('#', 2) as [string, string | undefined];
  return `${base}${base.includes('?') ? '&' : '?'}era=ce${hash === undefined ? '' : `#${hash}`}`;
}
