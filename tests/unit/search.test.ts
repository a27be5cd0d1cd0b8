/**
 * Keyword search: the text rules, and the word index (built by the ingest, read by the site's
 * own query code on native DuckDB) against an independent scan of every published project name.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFilters } from '../../src/lib/query/filters';
import { matchTable, runSearch, termRuns, type SearchIn } from '../../src/lib/query/search';
import { sourceFiles, type Ask, type Row } from '../../src/lib/query/aggregate';
import { COPY_SORTS, rowsSql } from '../../src/lib/query/page-sql';
import { searchAnswers, searchPage } from '../../src/lib/query/search-page';
import { parquet } from '../../src/lib/query/sql';
import { FREQUENT_WORDS } from '../../scripts/ingest/stages/search-index';
import {
  highlight,
  indexWords,
  matchesAll,
  normalizeText,
  queryWords,
  TERM_HITS_PART,
  TERM_HITS_WHOLE,
} from '../../src/lib/search/text';
import { filesHolding, tableFiles, type ManifestFile } from '../../src/lib/schema/tables';
import { rows } from '../helpers/duckdb';
import { REAL } from '../helpers/paths';
import { namedDetails, table } from '../helpers/expected';
import { SHARED_GEN } from '../helpers/fixtures';
import { fixtureDirs, ingestFixtures, siteTotals, type Site } from '../helpers/site';
import { projectNames, reference, wholeWords } from '../helpers/search';

describe('text rules', () => {
  it('normalises Thai digits, invisible characters, sara am, Latin case and spaces', () => {
    expect(normalizeText('ถนน  หมู่ที่ ๑๒\u200b')).toBe('ถนน หมู่ที่ 12');
    expect(normalizeText('น\u0e4d\u0e32ประปา')).toBe('น\u0e33ประปา');
    // Nikhahit, tone, sara aa (a common typing order) folds to tone + sara am.
    expect(normalizeText('น\u0e4d\u0e49\u0e32')).toBe('น\u0e49\u0e33');
    expect(normalizeText(' UAV\u00a0E-Bidding ')).toBe('uav e-bidding');
    expect(normalizeText('e\u0301')).toBe('\u00e9');
  });

  it('segments words as the browser does, keeping only letters and digits', () => {
    expect(indexWords('ซื้ออาหารเสริม (นม) โรงเรียน ภาคเรียนที่ ๒')).toEqual([
      'ซื้อ',
      'อาหาร',
      'เสริม',
      'นม',
      'โรงเรียน',
      'ภาค',
      'เรียน',
      'ที่',
      '2',
    ]);
  });

  it('gives clear problems for empty, punctuation-only, too long and too many words', () => {
    expect(queryWords('  ').problem).toBe('empty');
    expect(queryWords('(-) ...!').problem).toBe('empty');
    expect(queryWords('ก'.repeat(500)).problem).toBe('too_long');
    expect(queryWords('a b c d e f g h i j k l m').problem).toBe('too_many_words');
    const { filters, invalid } = parseFilters(new URLSearchParams({ q: 'ถนน'.repeat(200) }));
    expect(filters.q).toBeNull();
    expect(invalid).toEqual(['q: longer than 200 characters']);
    const sql = parseFilters(new URLSearchParams({ q: "'; DROP TABLE projects; --" }));
    expect(sql.filters.q).toBe("'; DROP TABLE projects; --");
    expect(queryWords(sql.filters.q!).words).toEqual(['drop', 'table', 'projects']);
  });

  it('searches a short word typed against other letters together with them (ศาลายา, ซื้อยา)', () => {
    expect(queryWords('ศาลายา').words).toEqual(['ศาลายา']); // ICU: ศาลา|ยา
    expect(queryWords('ซื้อยา').words).toEqual(['ซื้อยา']);
    expect(queryWords('ยาแก้ปวด').words).toEqual(['ยาแก้', 'ปวด']);
    expect(queryWords('ซื้อ ยา').words).toEqual(['ซื้อ', 'ยา']);
    expect(queryWords('รถ').words).toEqual(['รถ']);
    expect(queryWords('e-bidding').words).toEqual(['e', 'bidding']);
  });

  it('highlights the matched parts of the original text', () => {
    const parts = highlight('ซื้ออากาศยานไร้คนขับ (UAV) ๒ ลำ', ['uav', 'ไร้คนขับ', '2']);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['ไร้คนขับ', 'UAV', '๒']);
    expect(parts.map((p) => p.text).join('')).toBe('ซื้ออากาศยานไร้คนขับ (UAV) ๒ ลำ');
    // Decomposed sara am in the text still highlights the whole original characters.
    const am = highlight('น\u0e4d\u0e32ประปา', ['น\u0e33ประปา']);
    expect(am).toEqual([{ text: 'น\u0e4d\u0e32ประปา', mark: true }]);
  });
});

/** A real set's project names by id (the files in ../shared/data/real, read as they are). */
function realNames(file: string, id: string, name: string): Map<string, string> {
  const recs = parse(readFileSync(`${REAL}/${file}`), { columns: true, bom: true }) as Record<
    string,
    string
  >[];
  return new Map(recs.map((r) => [r[id]!, r[name]!]));
}

describe('short words on the other real sets', () => {
  const dga = realNames(
    'dga-egp-2568-sample250/dga-egp-contract-2568-250.csv',
    'รหัสโครงการ',
    'ชื่อโครงการ',
  );
  const cft = realNames('cft-lao-2560-2561/projects_flat.csv', 'project_id', 'project_name');

  it('a place name after ตำบล/อำเภอ/จังหวัด is one word: its syllables are not words', () => {
    const cases: [Map<string, string>, string, string, string][] = [
      [dga, '68079002888', 'สม', 'สมสมสะอาด'], // ตำบลสมสมสะอาด
      [dga, '68099301517', 'สะ', 'บ้านแม่สะป๊วด'], // ตำบลบ้านแม่สะป๊วด
      [cft, '60097281725', 'ตา', 'ลำตาเสา'], // ตำบลลำตาเสา
      [cft, '60117185620', 'กา', 'กายูบอเกาะ'], // ตำบลกายูบอเกาะ
    ];
    for (const [set, id, short, place] of cases) {
      const name = set.get(id)!;
      expect(indexWords(name), id).toContain(place);
      expect(indexWords(name), id).not.toContain(short);
      expect(matchesAll(name, [short]), `${short} in ${id}`).toBe(false);
    }
  });

  it('a short word that is a word of the name still matches (ไฟ in โคมไฟ, นา in บ้านนา)', () => {
    expect(matchesAll(cft.get('60117185620')!, ['ไฟ'])).toBe(true); // โคมไฟส่องสว่าง
    expect(highlight('ติดตั้งโคมไฟ', ['ไฟ']).filter((p) => p.mark)).toEqual([
      { text: 'ไฟ', mark: true },
    ]);
  });
});

describe('postings scans', () => {
  it('share a scan only when few postings lie between terms, and stay under the cap', () => {
    const span = (id: number, start: number, end: number) => ({ id, start, end });
    // Terms 3 and 5 have 10 postings between them: one scan. Term 9 lies 1M postings further.
    expect(termRuns([span(3, 0, 100), span(5, 110, 200), span(9, 1_000_200, 1_000_300)])).toEqual([
      [3, 5],
      [9, 9],
    ]);
    // 100 far-apart terms, at most 4 scans: the closest ones are merged first.
    const many = Array.from({ length: 100 }, (_, i) => span(i * 10, i * 1e6, i * 1e6 + 5));
    const runs = termRuns(many, 4);
    expect(runs).toHaveLength(4);
    expect(runs[0]![0]).toBe(0);
    expect(runs.at(-1)![1]).toBe(990);
  });
});

const dirs = fixtureDirs(SHARED_GEN.rows, SHARED_GEN.seed);
let drone: Site;
let gen: Site;
let names: Map<string, string>;

beforeAll(async () => {
  ({ drone, gen } = await ingestFixtures(dirs));
  names = await projectNames(dirs.droneDir);
}, 240_000);

async function search(s: Site, q: string, qin: SearchIn = 'name') {
  const { words } = queryWords(q);
  const hits = await runSearch(s.ask, s.m, { words, qin });
  const got = await s.ask(
    {
      sql: `SELECT p.project_id, h.rank FROM ${hits.table} h
        JOIN read_parquet([${tableFiles(s.m, 'projects').map((f) => `'${f.path}'`)}]) p USING (project_seq)`,
      params: [],
    },
    [],
  );
  return { hits, words, got: new Map(got.map((x) => [String(x.project_id), Number(x.rank)])) };
}

/** Queries people type, and parts of real names that cut words in two. */
function droneQueries(): string[] {
  const fixed = [
    'โดรน',
    'อากาศยานไร้คนขับ',
    'ไร้คนขับ',
    'ขับ',
    'ซื้อ โดรน',
    'UAV',
    'uav เกษตร',
    'e-bidding',
    'ประปา',
    'นม',
    'จ้างเหมา',
    'เฉพาะเจาะจง',
    'สำรวจ',
    'ฉีดพ่น',
    '๒๕๖๖',
    '2566',
    'ยาน ไร้',
    'ระบบ',
  ];
  // Windows of real names at fixed strides (deterministic).
  const all = [...names.values()];
  const windows: string[] = [];
  for (let i = 0; i < all.length && windows.length < 40; i += 97) {
    const n = normalizeText(all[i]!);
    const at = (i * 7) % Math.max(1, n.length - 8);
    windows.push(n.slice(at, at + 3 + (i % 6)));
  }
  return [...fixed, ...windows];
}

describe('the word index on the real drone projects', () => {
  it('finds exactly the projects whose names hold every word (parts of words too)', async () => {
    let nonEmpty = 0;
    for (const q of droneQueries()) {
      const { words, got, hits } = await search(drone, q);
      if (words.length === 0) continue;
      const expected = [...names].filter(([, n]) => reference(n, words)).map(([id]) => id);
      expect([...got.keys()].sort(), q).toEqual(expected.sort());
      expect(hits.rows, q).toBe(expected.length);
      if (expected.length) nonEmpty++;
      // Whole-word matches rank first: rank 0 exactly when every word is one of the name's words.
      for (const [id, rank] of got) {
        expect(rank, `${q} ${id}`).toBe(wholeWords(names.get(id)!, words) ? 0 : 1);
      }
    }
    expect(nonEmpty).toBeGreaterThan(25);
  });

  it("reads a frequent word's hits as the ingest found them, equal to the rule over names", async () => {
    const terms = tableFiles(drone.m, 'search_terms');
    const all = await drone.ask(
      { sql: `SELECT term, kind, projects FROM ${parquet(terms)} ORDER BY term_id`, params: [] },
      terms,
    );
    const frequent = all
      .filter((t) => Number(t.kind) === TERM_HITS_WHOLE)
      .map((t) => String(t.term));
    // The ingest's rule: the words in the most projects, each in at least FREQUENT_WORDS.min.
    expect(frequent.length).toBeGreaterThan(20);
    const words = all.filter((t) => Number(t.kind) === 0);
    const least = Math.min(
      ...words.filter((t) => frequent.includes(String(t.term))).map((t) => Number(t.projects)),
    );
    expect(least).toBeGreaterThanOrEqual(FREQUENT_WORDS.min);
    for (const q of frequent) {
      const { words: w, hits, got } = await search(drone, q);
      expect(w).toEqual([q]);
      // Only the word's own hits were read: its match table holds kinds 2 and 3 alone.
      const kinds = await drone.ask(
        { sql: `SELECT DISTINCT kind FROM ${matchTable(hits.table)} ORDER BY 1`, params: [] },
        [],
      );
      expect({ q, kinds: kinds.map((k) => Number(k.kind)) }).toEqual({
        q,
        kinds: kinds.length === 2 ? [TERM_HITS_WHOLE, TERM_HITS_PART] : [TERM_HITS_WHOLE],
      });
      const expected = [...names].filter(([, n]) => reference(n, w)).map(([id]) => id);
      expect([...got.keys()].sort(), q).toEqual(expected.sort());
      for (const [id, rank] of got)
        expect(rank, `${q} ${id}`).toBe(wholeWords(names.get(id)!, w) ? 0 : 1);
    }
  });

  it('matches a 1–2 character word only as a word of the name, not inside one (#21)', async () => {
    // รถ is inside สามารถ in 65077370604 (ICU cuts ความสามารถพิเศษฯ as ความ|สา|มา|รถ|พิเศษฯ) and
    // ยา ends the place name ศาลายา in 66027031003; รถ is a word in ขับรถ and บำรุงรถระบบ.
    const car = (await search(drone, 'รถ')).got;
    expect(car.has('65077370604')).toBe(false);
    for (const id of ['65017354521', '66089046878', '67129001449'])
      expect(car.has(id), id).toBe(true);
    expect((await search(drone, 'ยา')).got.has('66027031003')).toBe(false);
    // The long words still match inside those names.
    expect((await search(drone, 'สามารถ')).got.get('65077370604')).toBe(0);
    expect((await search(drone, 'ศาลายา')).got.get('66027031003')).toBe(0);
  });

  it('combines with a fiscal year: the totals of the matching projects of that year', async () => {
    const fy = await rows(
      `SELECT project_id FROM ${table(dirs.droneDir, 'details')} WHERE fiscal_year = 2566`,
    );
    const inYear = new Set(fy.map((x) => String(x.project_id)));
    const expected = [...names]
      .filter(([id, n]) => inYear.has(id) && reference(n, queryWords('โดรน').words))
      .map(([id]) => id);
    expect(expected.length).toBeGreaterThan(100);
    // The site's totals under q + fy equal native DuckDB over the same projects.
    const { filters } = parseFilters(new URLSearchParams({ q: 'โดรน', fy: '2566' }));
    const r = await drone.resolve(filters);
    const t = await siteTotals(drone, r);
    expect(Number(t.projects)).toBe(expected.length);
    const [b] = await rows(
      `SELECT coalesce(sum(budget), 0)::VARCHAR AS b FROM ${table(dirs.droneDir, 'projects')}
       WHERE project_id IN (SELECT unnest(?::VARCHAR[]))`,
      [`[${expected.map((x) => `"${x}"`).join(',')}]`],
    );
    expect(t.budget).toBe(b!.b);
  });

  it('gives clear empty results for SQL-looking text and words nobody wrote', async () => {
    for (const q of ["'; DROP TABLE projects; --", 'zzzqqq', 'โดรน zzzqqq']) {
      const { got, hits } = await search(drone, q);
      expect(got.size, q).toBe(0);
      expect(hits.rows).toBe(0);
    }
  });
});

describe('qin=all on generated data', () => {
  it('adds the projects of agencies and winners whose names match, ranked after name matches', async () => {
    const [v] = await rows(
      `SELECT vendor_id, name FROM ${table(dirs.genDir, 'vendors')} WHERE tin_status = 'valid' ORDER BY vendor_id LIMIT 1`,
    );
    const word = String(v!.name).split(' ')[1]!; // บริษัท <words> จำกัด
    const asked: ManifestFile[] = [];
    const ask: Ask = (q, fs) => (asked.push(...fs), gen.ask(q, fs));
    const { got, words } = await search({ ...gen, ask }, word, 'all');
    // A winner's name matches when it contains every word (lower-cased).
    const vendors = (await rows(`SELECT vendor_id, name FROM ${table(dirs.genDir, 'vendors')}`))
      .filter((x) => words.every((w) => String(x.name).toLowerCase().includes(w)))
      .map((x) => Number(x.vendor_id));
    const byVendor = await rows(
      `SELECT DISTINCT project_id FROM ${table(dirs.genDir, 'contracts')}
       WHERE list_contains(?::INTEGER[], vendor_id)`,
      [`[${vendors.join(',')}]`],
    );
    const agencies = await rows(
      `SELECT agency_id, dept_name, dept_sub_name FROM ${table(dirs.genDir, 'agencies')}`,
    );
    const agencyIds = agencies
      .filter((a) => reference(`${a.dept_name} ${a.dept_sub_name ?? ''}`, words))
      .map((a) => Number(a.agency_id));
    const byAgency = agencyIds.length
      ? await rows(
          `SELECT project_id FROM ${table(dirs.genDir, 'projects')} WHERE list_contains(?::INTEGER[], agency_id)`,
          [`[${agencyIds.join(',')}]`],
        )
      : [];
    const genNames = await rows(
      `SELECT project_id, project_name FROM ${namedDetails(dirs.genDir)}`,
    );
    const byName = genNames
      .filter((x) => reference(String(x.project_name), words))
      .map((x) => String(x.project_id));
    const expected = new Set([
      ...byName,
      ...byVendor.map((x) => String(x.project_id)),
      ...byAgency.map((x) => String(x.project_id)),
    ]);
    expect(byVendor.length).toBeGreaterThan(0);
    expect(new Set(got.keys())).toEqual(expected);
    // Of the vendor copy's files (several, as at scale) it opens those of the matched winners.
    const copy = tableFiles(gen.m, 'contracts_by_vendor');
    const opened = new Set(asked.filter((f) => f.table === 'contracts_by_vendor'));
    expect(opened).toEqual(new Set(filesHolding(copy, vendors)));
    expect(opened.size).toBeLessThan(copy.length);
    const named = new Set(byName);
    for (const [id, rank] of got) expect(rank === 2, id).toBe(!named.has(id));
  });
});

describe("a search's pages without every hit's facts", () => {
  it('gives every order and page as the sorted facts, from the hits and the ordered copy', async () => {
    const terms = tableFiles(drone.m, 'search_terms');
    // Frequent words found whole and inside other words (two ranks), read from the index.
    const twoRanks = (
      await drone.ask(
        {
          sql: `SELECT term FROM ${parquet(terms)} WHERE kind = ${TERM_HITS_PART} ORDER BY projects DESC LIMIT 3`,
          params: [],
        },
        terms,
      )
    ).map((t) => String(t.term));
    expect(twoRanks.length).toBe(3);
    const [word] = (
      await rows(
        `SELECT name FROM ${table(dirs.genDir, 'vendors')} WHERE tin_status = 'valid' ORDER BY vendor_id LIMIT 1`,
      )
    ).map((v) => String(v.name).split(' ')[1]!);
    const cases: [Site, Record<string, string>][] = [
      ...twoRanks.map((q) => [drone, { q }] as [Site, Record<string, string>]),
      [drone, { q: twoRanks[0]!, fy: '2566' }],
      [drone, { q: 'โดรน', fy: '2566,2567' }],
      [drone, { q: 'zzzqqq' }],
      [gen, { q: word!, qin: 'all' }],
      [gen, { q: word!, qin: 'all', fy: String(gen.m.fiscal_years[1]) }],
    ];
    const sorts = [...COPY_SORTS, 'fy', '-fy'] as const;
    // (Rows of the copy carry their names, rows of the facts their rank: neither is compared.)
    const bare = (x: Row) =>
      Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'project_name' && k !== 'rank'));
    let mixed = 0;
    let copyOnly = 0;
    for (const [s, c] of cases) {
      const r = await s.resolve(parseFilters(new URLSearchParams(c)).filters);
      expect(searchAnswers(r)).toBe(true);
      const files = sourceFiles(s.m, 'projects', r);
      const levels = files.length
        ? await s.ask(
            {
              sql: `SELECT rank, count(*)::INTEGER AS n FROM ${r.search!.table} h
                JOIN ${parquet(files)} USING (project_seq) GROUP BY rank ORDER BY rank`,
              params: [],
            },
            files,
          )
        : [];
      const total = levels.reduce((n, x) => n + Number(x.n), 0);
      const first = Number(levels[0]?.n ?? 0);
      // The first pages, one across the ranks, the last and one past the end.
      const offsets = [0, 50, Math.max(0, first - 25), Math.max(0, total - 10), total + 50];
      // The copy said to hold a tenth of the projects: ranks with few hits are read from the facts.
      const held =
        tableFiles(s.m, 'projects_top').reduce((n, f) => n + f.rows, 0) / COPY_SORTS.length;
      const tenth = { ...s.m, counts: { ...s.m.counts, projects: held * 10 } };
      for (const sort of sorts) {
        for (const offset of offsets) {
          const sorted = files.length
            ? (await s.ask(rowsSql('projects', files, r, sort, 50, offset), files)).map(bare)
            : [];
          for (const m of [s.m, tenth]) {
            const read = new Set<string>();
            const ask: Ask = (q, fs) => (fs.forEach((f) => read.add(f.table)), s.ask(q, fs));
            const page = await searchPage(ask, { m, r, sort, limit: 50, offset });
            if (page === null) {
              // Only a money order none of whose ranks the copy holds: the facts in one query.
              expect({ c, sort, offset, m: m === tenth }).toMatchObject({ m: true });
              expect(COPY_SORTS).toContain(sort);
              continue;
            }
            const got = page.map(bare);
            expect({ c, sort, offset, got }).toEqual({ c, sort, offset, got: sorted });
            if (read.has('projects_top_filters') && read.has('projects')) mixed++;
            if (read.has('projects_top_filters') && !read.has('projects')) copyOnly++;
          }
        }
      }
    }
    expect(mixed).toBeGreaterThan(0);
    expect(copyOnly).toBeGreaterThan(0);
  });
});
