/** An input the ingest cannot use (named, with why): the CLI exits 3 and publishes nothing. */
export class InputError extends Error {}
