// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  /** DATA_URL at build time ('' when the data is served with the site); see vite.config.ts. */
  const __DATA_URL__: string;
  namespace App {
    // interface Error {}
    // interface Locals {}
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
