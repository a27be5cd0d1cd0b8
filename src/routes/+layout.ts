import { langOf, loadLabels } from '$lib/i18n';
import type { LayoutLoad } from './$types';

// Every page is prerendered to static HTML; data queries happen in the browser.
export const prerender = true;
export const trailingSlash = 'never';

/** The page's labels before it renders: an English page fetches the English chunk, a Thai one never. */
export const load: LayoutLoad = async ({ params }) => {
  await loadLabels(langOf(params.lang));
};
