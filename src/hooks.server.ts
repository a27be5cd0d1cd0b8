import type { Handle } from '@sveltejs/kit';

/** Set <html lang> from the route, so screen readers and fonts pick the right language. */
export const handle: Handle = ({ event, resolve }) => {
  const lang = event.params.lang === 'en' ? 'en' : 'th';
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
};
