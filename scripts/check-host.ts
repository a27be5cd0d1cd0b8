/**
 * npm run check:host -- URL [--data URL] [--no-browser]
 * Is this host serving the site correctly? See scripts/lib/host-check.ts. Exit 0 when every check
 * holds, 1 with one line per failure, 2 on a usage error.
 */
import { parseCli } from './lib/cli.ts';
import { checkHost } from './lib/host-check.ts';

const HELP = `Usage: npm run check:host -- URL [--data URL] [--no-browser]

Checks a deployed site (or npm start / npm run serve) at URL:
  - the manifest loads from URL/data/manifest.json (or --data URL/manifest.json);
  - every data file answers a one-byte Range request with 206, the manifest's size in
    Content-Range and no Content-Encoding (what DuckDB-WASM needs);
  - / shows the same totals as the manifest's aggregates;
  - Chromium opens /explore until it is ready with numbers, loads the engine's .wasm as
    application/wasm (and says whether it came compressed), and sends no request to another origin.
Exit 0 when all hold; 1 with one line per failure.

Options:
  --data URL      where the manifest and Parquet are, for a build with DATA_URL
  --no-browser    skip the Chromium checks (CHROMIUM_PATH picks the binary; default /usr/bin/chromium)
  -h, --help      this text`;

const { values, positionals } = parseCli(
  HELP,
  { data: { type: 'string' }, 'no-browser': { type: 'boolean', default: false } },
  true,
);
if (positionals.length !== 1 || !/^https?:\/\//.test(positionals[0]!)) {
  console.error(`give one http(s) URL\n\n${HELP}`);
  process.exit(2);
}
const { failures, notes } = await checkHost(positionals[0]!, {
  dataUrl: values.data,
  browser: !values['no-browser'],
  log: (l) => console.log(`  ${l}`),
});
console.log(notes.map((n) => `ok    ${n}`).join('\n'));
if (failures.length) {
  console.log(failures.map((f) => `FAIL  ${f}`).join('\n'));
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('the host serves the site correctly');
process.exit(0); // a CI step must end here, whatever handle a library left open
