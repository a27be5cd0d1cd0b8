/**
 * Stage: every project's integrity flags at the default thresholds, over its own fiscal year and
 * over all years, as bits on `projects` (src/lib/query/flag-bits.ts; the vendor copy takes them
 * from there). The rules are the site's own SQL (flag-rules.ts), run here over the whole tables:
 * a rule compares an agency with itself, so one run over every agency gives each project what a
 * run over its agency alone gives. Then their counts by year and agency (`agg_flags`) and by agency
 * over all years (`agg_flags_all`), which the flags panel of a view with no agency reads instead
 * of every project's bits.
 */
import { FLAG_IDS } from '../../../src/lib/query/flag-defs.ts';
import { FLAG_BIT_COLUMNS, flagBit } from '../../../src/lib/query/flag-bits.ts';
import { namedTables, ruleOver } from '../../../src/lib/query/flags.ts';
import {
  FLAG_BITS,
  FLAG_COUNT_TABLES,
  flagCountColumn,
  TABLES,
  type BitScope,
} from '../../../src/lib/schema/tables.ts';
import type { StageDb } from './db.ts';

export async function buildFlagBits(db: StageDb): Promise<void> {
  db.stage('computing the integrity flags at their default thresholds');
  const years = (await db.rows(`SELECT DISTINCT fiscal_year AS y FROM projects ORDER BY 1`)).map(
    (x) => Number(x.y),
  );
  // One row per project, flag and scope the rule covers (`flagged` as the rule says): all years
  // (null), then each year alone.
  const runs: string[] = [];
  for (const id of FLAG_IDS) {
    for (const y of [null, ...years]) {
      const inputs = namedTables(y === null ? '' : `WHERE fiscal_year = ${Number(y)}`);
      runs.push(`SELECT project_seq, ${flagBit(id)} AS bit, ${y !== null} AS one_year, flagged
        FROM (${ruleOver(id, {}, inputs)})`);
    }
  }
  await db.run(`CREATE OR REPLACE TABLE flag_rows AS ${runs.join('\nUNION ALL\n')}`);
  const { year, all } = FLAG_BIT_COLUMNS;
  const bits = (oneYear: boolean, onlyFlagged: boolean) =>
    `coalesce(bit_or(bit) FILTER (WHERE one_year = ${oneYear}${onlyFlagged ? ' AND flagged' : ''}), 0)::INTEGER`;
  await db.run(`CREATE OR REPLACE TABLE flag_bits AS
    SELECT project_seq, ${bits(true, false)} AS ${year.covered}, ${bits(true, true)} AS ${year.flagged},
      ${bits(false, false)} AS ${all.covered}, ${bits(false, true)} AS ${all.flagged}
    FROM flag_rows GROUP BY project_seq`);
  await db.run(`CREATE OR REPLACE TABLE projects AS
    SELECT p.*, ${FLAG_BITS.map((c) => `coalesce(f.${c}, 0)::INTEGER AS ${c}`).join(', ')}
    FROM projects p LEFT JOIN flag_bits f USING (project_seq)`);
  await db.run(`DROP TABLE flag_rows`);
  await db.run(`DROP TABLE flag_bits`);
  // Their counts by year and agency over each project's own year, and by agency over all years.
  for (const scope of ['year', 'all'] as const) {
    const table = FLAG_COUNT_TABLES[scope];
    // Its keys: the columns before `projects` (tables.ts).
    const keys = TABLES[table].slice(0, TABLES[table].indexOf('projects'));
    await db.run(`CREATE OR REPLACE TABLE ${table} AS
      SELECT ${keys.join(', ')}, count(*)::INTEGER AS projects, ${flagCountsSql(scope)}
      FROM projects GROUP BY ALL`);
  }
}

/** Each flag's counts in a scope (FLAG_COUNT_TABLES' columns) over rows of one project each. */
export function flagCountsSql(scope: BitScope): string {
  return FLAG_IDS.flatMap((id) => {
    const { covered, flagged } = FLAG_BIT_COLUMNS[scope];
    const bit = flagBit(id);
    return [
      `count(*) FILTER (WHERE ${covered} & ${bit} = 0)::INTEGER AS ${flagCountColumn(id, scope, 'uncovered')}`,
      `count(*) FILTER (WHERE ${flagged} & ${bit} <> 0)::INTEGER AS ${flagCountColumn(id, scope, 'flagged')}`,
    ];
  }).join(',\n');
}
