/** Child of bench:ingest: the baseline, a plain DuckDB read_csv → zstd Parquet copy. */
import { DuckDBInstance } from '@duckdb/node-api';

const [out, ...files] = process.argv.slice(2);
const t = Date.now();
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await db.connect();
const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
await conn.run(`COPY (SELECT * FROM read_csv([${list}], all_varchar = true, null_padding = true, union_by_name = true))
  TO '${out!.replace(/'/g, "''")}' (FORMAT PARQUET, COMPRESSION ZSTD)`);
console.log(
  JSON.stringify({
    wall_s: (Date.now() - t) / 1000,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
