// Every page is prerendered to static HTML; data queries happen in the browser.
export const prerender = true;
export const trailingSlash = 'never';
