/** Strict argument parsing for the project's commands, with `--help` and a usage on error. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse `process.argv` against `options`; `-h`/`--help` prints `usage` and exits 0, an unknown or
 * malformed option prints the problem and `usage` and exits 2.
 */
export function parseCli<const O extends Options>(
  usage: string,
  options: O,
  allowPositionals = false,
) {
  try {
    const { values, positionals } = parseArgs({
      strict: true,
      allowPositionals,
      options: { ...options, help: { type: 'boolean', short: 'h', default: false } },
    });
    if ((values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return {
      values: values as ReturnType<typeof parseArgs<{ strict: true; options: O }>>['values'],
      positionals,
    };
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
