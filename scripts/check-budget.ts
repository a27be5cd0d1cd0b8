/**
 * npm run check:budget -- [--dir build] [--max-site 1024MB] [--max-file 100MB]
 * Fails (exit 1) when the built site exceeds GitHub Pages' limits; prints the largest tables and
 * files either way. Exit 2 on a usage error.
 */
import { parseCli } from './lib/cli.ts';
import { checkBudget, mb, PAGES_FILE_LIMIT, PAGES_SITE_LIMIT } from './lib/budget.ts';

const HELP = `Usage: npm run check:budget -- [--dir build] [--max-site SIZE] [--max-file SIZE]

Checks the built site against GitHub Pages' limits (a site of at most 1 GB, no file over 100 MB)
and prints the dataset's tables and the largest files. SIZE: 1024MB, 1GB, 100MB.`;

function size(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(KB|MB|GB)$/i.exec(v);
  if (!m) throw new Error(`a size looks like 100MB or 1GB, not "${v}"`);
  return Number(m[1]) * 1024 ** { kb: 1, mb: 2, gb: 3 }[m[2]!.toLowerCase() as 'kb'];
}

const { values } = parseCli(HELP, {
  dir: { type: 'string', default: 'build' },
  'max-site': { type: 'string' },
  'max-file': { type: 'string' },
});
let opts;
try {
  opts = {
    dir: values.dir,
    site: values['max-site'] ? size(values['max-site']) : PAGES_SITE_LIMIT,
    file: values['max-file'] ? size(values['max-file']) : PAGES_FILE_LIMIT,
  };
} catch (e) {
  console.error(`${(e as Error).message}\n\n${HELP}`);
  process.exit(2);
}
const r = await checkBudget(opts.dir, { site: opts.site, file: opts.file }).catch((e: Error) => {
  console.error(`${opts.dir}: ${e.message} (run npm run build first)`);
  process.exit(2);
});
console.log(
  `${opts.dir}: ${r.files} files, ${mb(r.total)} (limit ${mb(opts.site)}; per file ${mb(opts.file)})`,
);
if (r.tables.length) {
  console.log('\ndataset tables:');
  for (const t of r.tables)
    console.log(
      `  ${t.table.padEnd(22)} ${String(t.files).padStart(5)} files  ${mb(t.bytes).padStart(10)}`,
    );
}
console.log('\nlargest files:');
for (const f of r.largest) console.log(`  ${mb(f.bytes).padStart(10)}  ${f.path}`);
if (r.failures.length) {
  console.log('');
  for (const f of r.failures) console.log(`FAIL  ${f}`);
  process.exit(1);
}
console.log('\nwithin the GitHub Pages limits');
