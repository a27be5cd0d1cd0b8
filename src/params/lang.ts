import type { ParamMatcher } from '@sveltejs/kit';

/** Thai is the default and has no prefix; English pages live under /en. */
export const match: ParamMatcher = (param) => param === 'en';
