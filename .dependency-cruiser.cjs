/**
 * The import-graph rules `npm run lint` checks (dependency-cruiser): no import circles in the
 * site's code or the scripts, and the export's code fetched only when an export starts. $lib
 * resolves through tsconfig.json (.svelte-kit/tsconfig.json); in a .svelte file it stays as
 * written, so the rules match both.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other (directly or through others) cannot be understood or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'export-code-on-demand',
      severity: 'error',
      comment:
        'The export (db/export.ts: its SQL, the CSV and Parquet writers) and the CSV writer (export/csv.ts, csv-stringify) are imported with import() when a file is made: a static import puts ~10 KB gzipped before the first numbers of every page (docs/benchmarks.md, session 35).',
      from: {
        path: '^src/',
        pathNot: ['^src/lib/db/(export|console-export)\\.ts$', '^src/lib/export/csv\\.ts$'],
      },
      to: { path: '((db/export|export/csv)(\\.ts)?$)|csv-stringify', dynamic: false },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.svelte-kit|build|tmp|data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.json'] },
  },
};
