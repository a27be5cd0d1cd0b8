/**
 * Exports from the built site in Chromium: each format downloaded for several filters and read
 * back (csv-parse, ExcelJS, native DuckDB), compared with native DuckDB's answer on the same data.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provenance } from '../../src/lib/export/provenance';
import { EXPORT_COLUMNS } from '../../src/lib/query/export';
import {
  filtersToSearch,
  needsContracts,
  NO_FILTERS,
  type Filters,
} from '../../src/lib/query/filters';
import { th } from '../../src/lib/i18n/th';
import {
  download,
  launch,
  serve,
  SharedPage,
  shownIds,
  visit,
  type TestServer,
} from '../helpers/browser';
import { lit, rows } from '../helpers/duckdb';
import {
  decimal,
  expectedTotals,
  filterCases,
  manifestOf,
  namedDetails,
  sumText,
  table,
} from '../helpers/expected';
import { TMP } from '../helpers/paths';
import { BUILD, DEMO_DATA, FORMULA_NAME, MARKUP_DATA } from './setup-paths';

let browser: Browser;
let server: TestServer;
let markup: TestServer;
const OUT = path.join(TMP, 'e2e-exports');

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launch();
  server = await serve({ root: BUILD });
  markup = await serve({ root: BUILD, dataDir: MARKUP_DATA });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await markup?.close();
});

const shared = new SharedPage(() => browser);

/**
 * The view with its export ready: the demo's in the page its tests share (followed as a link: one
 * engine for all of them), another origin's in a page of its own.
 */
async function view(origin: string, f: Partial<Filters>): Promise<Page> {
  const href = `${origin}/explore${filtersToSearch({ ...NO_FILTERS, ...f })}`;
  let page: Page;
  if (origin === server.origin) {
    page = await shared.get();
    await visit(page, href);
  } else {
    page = await browser.newPage();
    await page.goto(href);
    await page.waitForSelector('[data-testid="explorer"][data-state="ready"]', { timeout: 60_000 });
  }
  await page.waitForSelector('[data-testid="export-csv"]:not([disabled])');
  return page;
}

/** Close a page of its own; the shared one stays open for the next test. */
const done = (page: Page) => (shared.holds(page) ? undefined : page.close());

const labels = (grain: 'projects' | 'contracts') =>
  EXPORT_COLUMNS[grain].map((c) => th.export[`col_${c.key}` as keyof typeof th.export]);

/**
 * A downloaded CSV: BOM, one header row (the grain's columns in order; a project-grain view with
 * no contract filter leaves out the matching contracts' value), the rows keyed by machine names.
 */
function readCsv(
  bytes: Buffer,
  grain: 'projects' | 'contracts',
  contractFilter = false,
  leftOut: readonly string[] = [],
) {
  const text = bytes.toString('utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [header, ...body] = parse(text.slice(1)) as string[][];
  const cols = EXPORT_COLUMNS[grain].filter(
    (c) =>
      (grain === 'contracts' || contractFilter || c.key !== 'matching_contract_value') &&
      !leftOut.includes(c.key),
  );
  expect(header).toEqual(labels(grain).filter((_, i) => cols.includes(EXPORT_COLUMNS[grain][i]!)));
  const keys = cols.map((c) => c.key);
  return body.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]!])));
}

/** The XLSX export of the view, read back with ExcelJS (the library that wrote it). */
async function readXlsx(page: Page): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  const { bytes } = await download(page, 'export-xlsx');
  await book.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return book;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('exports of the explorer (generated data)', () => {
  it('CSV holds every row of the view, in its order, for several filters', async () => {
    const cases = (await filterCases(DEMO_DATA)).filter((_, i) => [0, 3, 12, 17, 19].includes(i));
    const page = await view(server.origin, {});
    for (const c of cases) {
      const want = await expectedTotals(DEMO_DATA, c);
      // Followed as a link: one engine for every case.
      await visit(page, `${server.origin}/explore${filtersToSearch({ ...NO_FILTERS, ...c })}`);
      await expect
        .poll(() => page.getAttribute('[data-testid="export-rows"]', 'data-value'))
        .toBe(want.projects);
      if (want.projects === '0') {
        expect(await page.isDisabled('[data-testid="export-csv"]')).toBe(true);
        continue;
      }
      const csv = readCsv(
        (await download(page, 'export-csv')).bytes,
        'projects',
        needsContracts({ ...NO_FILTERS, ...c }),
      );
      expect({ c, n: String(csv.length) }).toEqual({ c, n: want.projects });
      expect({ c, budget: sumText(csv.map((r) => r.budget!)) }).toEqual({
        c,
        budget: decimal(want.budget),
      });
      // The same order as the table on screen.
      const shown = await shownIds(page);
      expect(csv.slice(0, shown.length).map((r) => r.project_id)).toEqual(shown);
      // Thai text intact: the names native DuckDB reads from the published details.
      const names = await rows(
        `SELECT project_id, project_name FROM ${namedDetails(DEMO_DATA)} WHERE project_id IN (${shown.map(() => '?').join(', ')})`,
        shown,
      );
      expect(names.length).toBe(shown.length);
      for (const x of names) {
        expect(csv.find((r) => r.project_id === x.project_id)!.project_name).toBe(x.project_name);
      }
      expect(csv[0]!.project_name).toMatch(/[\u0E00-\u0E7F]/);

      await page.selectOption('[data-testid="export-grain"]', 'contracts');
      const contracts = readCsv((await download(page, 'export-csv')).bytes, 'contracts');
      expect({ c, n: String(contracts.length) }).toEqual({ c, n: want.contracts });
      expect({ c, agreed: sumText(contracts.map((r) => r.contract_value!)) }).toEqual({
        c,
        agreed: decimal(want.agreed),
      });
      // The grain is the panel's, kept from view to view: back to projects for the next case.
      await page.selectOption('[data-testid="export-grain"]', 'projects');
    }
    await done(page);
  });

  const busy = async () => {
    const [b] = await rows(`SELECT a.dept_name, p.fiscal_year FROM ${table(DEMO_DATA, 'projects')} p
      JOIN ${table(DEMO_DATA, 'agencies')} a USING (agency_id) GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`);
    return { fy: [Number(b!.fiscal_year)], agency: String(b!.dept_name), sort: 'fy' as const };
  };
  const vendor = async () => ({ ...(await filterCases(DEMO_DATA))[12]!, sort: '-agreed' as const });

  for (const [label, filters] of [
    ['one agency’s year', busy],
    ['one winner, all years', vendor],
  ] as const) {
    it(`XLSX, Parquet, JSON and NDJSON hold the same rows, with the provenance (${label})`, async () => {
      const f: Partial<Filters> = await filters();
      const want = await expectedTotals(DEMO_DATA, f);
      const m = manifestOf(DEMO_DATA);
      const page = await view(server.origin, f);
      await page.selectOption('[data-testid="export-grain"]', 'contracts');
      const n = Number(want.contracts);
      expect(n).toBeGreaterThan(5);

      const checkProvenance = (p: Provenance) => {
        const link = new URL(p.permalink);
        expect(link.origin + link.pathname).toBe(`${server.origin}/explore`);
        expect(link.searchParams.get('snap')).toBe(m.snapshot_id.slice(0, 12));
        link.searchParams.delete('snap');
        expect(`?${link.searchParams}`).toBe(filtersToSearch({ ...NO_FILTERS, ...f }));
        expect(p.snapshot_id).toBe(m.snapshot_id);
        expect(p.manifest_sha256).toBe(sha256(readFileSync(path.join(DEMO_DATA, 'manifest.json'))));
        expect(p.rows).toBe(n);
        expect(p.grain).toBe('contracts');
        for (const v of [f.agency, f.vendor].filter(Boolean)) {
          expect(p.filters.th).toContain(v);
          expect(p.filters.en).toContain(v);
        }
        if (f.fy?.length) expect(p.filters.en).toContain(`Fiscal years: ${f.fy[0]}`);
        expect(p.sql).toMatch(/^SELECT[\s\S]+read_parquet\(\[[\s\S]+ORDER BY/);
        if (f.fy?.length) expect(p.params).toContain(f.fy[0]);
        expect(p.licence).toBe(m.licence);
        expect(p.licence).toMatch(/Creative Commons Attribution/);
        expect(p.source).toMatch(/data\.go\.th/);
        expect(Math.abs(Date.parse(p.exported_at) - Date.now())).toBeLessThan(600_000);
      };

      // JSON: an object with the provenance and the rows.
      const json = JSON.parse((await download(page, 'export-json')).bytes.toString('utf8')) as {
        provenance: Provenance;
        rows: Record<string, unknown>[];
      };
      checkProvenance(json.provenance);
      expect(json.rows).toHaveLength(n);
      expect(Object.keys(json.rows[0]!)).toEqual(EXPORT_COLUMNS.contracts.map((c) => c.key));
      if (f.fy?.length) {
        expect(json.rows.map((r) => r.fiscal_year)).toEqual(json.rows.map(() => f.fy![0]));
      }

      // NDJSON: the provenance first, then one row per line.
      const lines = (await download(page, 'export-ndjson')).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n');
      checkProvenance((JSON.parse(lines[0]!) as { provenance: Provenance }).provenance);
      expect(lines.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual(json.rows);

      // Parquet: typed columns, read by native DuckDB, the provenance in its key-value metadata.
      const pq = await download(page, 'export-parquet');
      expect(pq.name).toMatch(
        new RegExp(
          `^phasi-pai-nai_contracts_${m.snapshot_id.slice(0, 12)}_\\d{8}T\\d{4}\\.parquet$`,
        ),
      );
      const pqFile = path.join(OUT, 'view.parquet');
      writeFileSync(pqFile, pq.bytes);
      const [agg] =
        await rows(`SELECT count(*)::VARCHAR AS n, sum(contract_value)::VARCHAR AS agreed,
        typeof(any_value(contract_value)) AS money, typeof(any_value(contract_date)) AS date,
        typeof(any_value(vendor_tin)) AS tin FROM ${lit(pqFile)}`);
      expect(agg).toEqual({
        n: want.contracts,
        agreed: want.agreed,
        money: 'DECIMAL(18,2)',
        date: 'DATE',
        tin: 'VARCHAR',
      });
      const kv = Object.fromEntries(
        (
          await rows(
            `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit(pqFile)})`,
          )
        ).map((r) => [r.k, r.v]),
      );
      expect(kv.snapshot_id).toBe(m.snapshot_id);
      expect(kv.rows).toBe(String(n));
      checkProvenance({
        ...(Object.fromEntries(
          Object.entries(kv).map(([k, v]) => [
            k,
            /^[[{]|^\d+$|^(true|false)$/.test(String(v)) ? JSON.parse(String(v)) : v,
          ]),
        ) as unknown as Provenance),
      });

      // XLSX: read back with the library that wrote it.
      const book = await readXlsx(page);
      const sheet = book.getWorksheet('data')!;
      expect(sheet.rowCount).toBe(n + 1);
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(labels('contracts'));
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const col = (key: string) => EXPORT_COLUMNS.contracts.findIndex((c) => c.key === key) + 1;
      let total = 0n;
      for (let i = 2; i <= n + 1; i++) {
        const v = sheet.getRow(i).getCell(col('contract_value')).value;
        if (v !== null) {
          expect(typeof v).toBe('number');
          total += BigInt(Math.round(Number(v) * 100));
        }
        const d = sheet.getRow(i).getCell(col('contract_date')).value;
        if (d !== null) expect(d).toBeInstanceOf(Date);
        expect(typeof sheet.getRow(i).getCell(col('project_id')).value).toBe('string');
      }
      expect(sumText([`${total / 100n}.${String(total % 100n).padStart(2, '0')}`])).toBe(
        decimal(want.agreed),
      );
      const prov = Object.fromEntries(
        book
          .getWorksheet('provenance')!
          .getSheetValues()
          .slice(2)
          .map((r) => [(r as string[])[1], (r as string[])[2]]),
      );
      expect(prov.snapshot_id).toBe(m.snapshot_id);
      expect(JSON.parse(prov.filters!)).toEqual(json.provenance.filters);
      await done(page);
    });
  }

  it('cites the view with a pinned permalink, and downloads chart data as CSV with its source', async () => {
    const m = manifestOf(DEMO_DATA);
    const page = await view(server.origin, { fy: [2566] });
    await page.click('[data-testid="cite"]');
    const cite = await page.inputValue('[data-testid="citation"]');
    expect(cite).toContain(`${server.origin}/explore?fy=2566&snap=${m.snapshot_id.slice(0, 12)}`);
    expect(cite).toContain('ปีงบประมาณ: 2566');
    // The source in the page's language (#21: it was English in the Thai citation).
    expect(cite).toContain(m.licence_th);
    expect(cite).not.toContain('Creative Commons');

    await page.click('[data-testid="chart-agencies"] summary');
    const shown = await page.$$eval('[data-testid="chart-agencies-table"] tbody tr', (trs) =>
      trs.map((tr) => tr.querySelector('td')!.textContent),
    );
    const file = await download(page, 'chart-agencies-csv');
    const [, ...body] = parse(file.bytes.toString('utf8').slice(1)) as string[][];
    expect(body.map((r) => r[0])).toEqual(shown);
    // A chart's data carries the export's provenance: the snapshot in its file name, and the
    // view's citation (filters, snapshot, permalink, source) under its table (#21).
    expect(file.name).toContain(`_${m.snapshot_id.slice(0, 12)}_`);
    const chartCite = (await page.textContent('[data-testid="chart-agencies-cite"]'))!;
    expect(chartCite).toContain('ปีงบประมาณ: 2566');
    expect(chartCite).toContain(`snap=${m.snapshot_id.slice(0, 12)}`);
    expect(chartCite).toContain(m.licence_th);
    const top = await rows(
      `SELECT sum(budget)::DOUBLE AS b FROM ${table(DEMO_DATA, 'projects')} WHERE fiscal_year = 2566
       GROUP BY agency_id ORDER BY b DESC LIMIT 1`,
    );
    expect(Number(body[0]![1])).toBeCloseTo(Number(top[0]!.b), 2);
    await done(page);
  });

  it('downloads the charts (drawn SVG and bar lists) as SVG and PNG with their title, the view in words, the snapshot and the source (#24)', async () => {
    const m = manifestOf(DEMO_DATA);
    const page = await view(server.origin, { fy: [2565, 2566] });
    for (const id of ['chart-year-method', 'chart-month', 'chart-vendors']) {
      // A bar list is HTML on the page; its image draws one bar per item of the list.
      const marks = id === 'chart-vendors' ? 'ol li' : '.mark';
      const title = (await page.textContent(`[data-testid="${id}"] figcaption`))!;
      const cite = (await page.textContent(`[data-testid="${id}-cite"]`))!.trim();
      const svg = await download(page, `${id}-svg`);
      expect(svg.name).toMatch(
        new RegExp(`^phasi-pai-nai_${id}_${m.snapshot_id.slice(0, 12)}_.*\\.svg$`),
      );
      // Parsed by the browser's own XML parser: valid, with the title, the chart's bars and the
      // citation (filters in words, snapshot, date, permalink, source and licence).
      const parsed = await page.evaluate((text) => {
        const d = new DOMParser().parseFromString(text, 'image/svg+xml');
        const root = d.documentElement;
        return {
          error: d.querySelector('parsererror')?.textContent ?? null,
          width: Number(root.getAttribute('width')),
          height: Number(root.getAttribute('height')),
          // The title and citation: the root's own text (the chart's is inside its own svg).
          texts: [...root.children]
            .filter((e) => e.localName === 'text')
            .map((t) => t.textContent ?? ''),
          bars: [...d.querySelectorAll('rect[data-value]')].map((r) =>
            Number(r.getAttribute('data-value')),
          ),
          // The site's font, inlined: Thai draws where no Thai font is installed.
          font: [...d.querySelectorAll('style')].some((x) =>
            x.textContent!.includes('data:font/woff2;base64,'),
          ),
        };
      }, svg.bytes.toString('utf8'));
      expect(parsed.error).toBeNull();
      // The title, the legend the page shows beside the chart (its HTML is not in the SVG), then
      // the citation in lines.
      const legend = (await page.locator(`[data-testid="${id}"] .legend li`).allTextContents()).map(
        (l) => l.trim(),
      );
      if (id === 'chart-year-method') expect(legend.length).toBeGreaterThan(0);
      else expect(legend).toEqual([]);
      expect(parsed.texts.slice(0, 1 + legend.length)).toEqual([title, ...legend]);
      expect(parsed.texts.slice(1 + legend.length).join(' ')).toBe(cite.split(/\s+/).join(' '));
      expect(cite).toContain(m.snapshot_id.slice(0, 12));
      expect(cite).toContain(m.licence_th);
      expect(cite).toContain('ปีงบประมาณ: 2565, 2566');
      expect(parsed.bars).toEqual(
        await page
          .locator(`[data-testid="${id}"] ${marks}`)
          .evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-value')))),
      );
      expect(parsed.bars.length).toBeGreaterThan(1);
      expect(parsed.font).toBe(true);
      // The PNG is that image drawn at twice its size, and not blank.
      const png = await download(page, `${id}-png`);
      expect(png.name).toMatch(/\.png$/);
      expect(png.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([
        parsed.width * 2,
        parsed.height * 2,
      ]);
      const inked = await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        [c.width, c.height] = [img.width, img.height];
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i]! < 200 || px[i + 2]! < 200) n++;
        return n / (px.length / 4);
      }, png.bytes.toString('base64'));
      expect(inked).toBeGreaterThan(0.02);
    }
    await done(page);
  });

  it('embeds a chart alone (/chart in an iframe): the explorer chart of the same view, linked to it (#24)', async () => {
    const page = await view(server.origin, { fy: [2566] });
    const code = await page.inputValue('[data-testid="chart-vendors-embed"]');
    const src = /<iframe src="([^"]+)"/.exec(code)![1]!.replace(/&amp;/g, '&');
    const url = new URL(src);
    expect(url.origin).toBe(server.origin);
    expect(url.pathname).toBe('/chart');
    expect(url.searchParams.get('chart')).toBe('chart-vendors');
    expect(url.searchParams.getAll('fy')).toEqual(['2566']);
    const table = (p: Page) =>
      p.locator('[data-testid="chart-vendors-table"] tbody tr').allTextContents();
    const want = await table(page);
    expect(want.length).toBeGreaterThan(1);

    // The snippet in another site's page: the chart alone, with no header or footer. That page
    // is about:blank, not a secure context (as an http news page is not): no Web Crypto there.
    const host = await browser.newPage();
    await host.setContent(`<!doctype html><title>a story</title>${code}`);
    const frame = await (await host.waitForSelector('iframe')).contentFrame();
    await frame!.waitForSelector('[data-testid="chart-embed"][data-state="ready"]', {
      timeout: 60_000,
    });
    await frame!.waitForSelector('[data-testid="chart-vendors"] ol li');
    expect(await frame!.locator('figure').count()).toBe(1);
    expect(await frame!.locator('header, footer').count()).toBe(0);
    expect(
      await frame!.locator('[data-testid="chart-vendors-table"] tbody tr').allTextContents(),
    ).toEqual(want);
    const link = new URL(
      (await frame!.getAttribute('[data-testid="chart-embed-view"]', 'href'))!,
      src,
    );
    expect(`${link.pathname}${link.search}`).toBe('/explore?fy=2566');
    // Its citation names the whole view on the explorer.
    expect(await frame!.textContent('[data-testid="chart-vendors-cite"]')).toContain(
      `${server.origin}/explore?fy=2566`,
    );
    await host.close();

    // A chart name it does not know: said, with the names it does.
    await page.goto(`${server.origin}/chart?chart=nope&fy=2566`);
    await page.waitForSelector('[data-testid="chart-embed"][data-state="error"]');
    expect(await page.textContent('[data-testid="chart-embed"]')).toContain('chart-year-method');
    await done(page);
  });
});

describe('exports of real rows with a formula-like winner name', () => {
  it('keeps the TIN leading zero and neutralises the name in CSV and XLSX', async () => {
    const [v] = await rows(`SELECT tin FROM ${table(MARKUP_DATA, 'vendors')} WHERE name = ?`, [
      FORMULA_NAME,
    ]);
    const tin = String(v!.tin);
    expect(tin).toMatch(/^0\d{12}$/);
    const page = await view(markup.origin, { vendor: tin });
    await page.selectOption('[data-testid="export-grain"]', 'contracts');

    // The drone rows have no published method label and no signing dates: those columns are left out.
    const none = ['method_raw', 'contract_date', 'contract_finish_date'];
    const csv = readCsv((await download(page, 'export-csv')).bytes, 'contracts', false, none);
    expect(csv.length).toBeGreaterThan(0);
    for (const r of csv) {
      expect(r.vendor_tin).toBe(tin);
      expect(r.vendor_name).toBe(`'${FORMULA_NAME}`);
    }

    const book = await readXlsx(page);
    const row = book.getWorksheet('data')!.getRow(2);
    const kept = EXPORT_COLUMNS.contracts.filter((c) => !none.includes(c.key));
    const col = (key: string) => kept.findIndex((c) => c.key === key) + 1;
    expect(row.getCell(col('vendor_tin')).value).toBe(tin);
    expect(row.getCell(col('vendor_name')).value).toBe(`'${FORMULA_NAME}`);
    expect(row.getCell(col('vendor_name')).formula).toBeUndefined();

    const json = JSON.parse((await download(page, 'export-json')).bytes.toString('utf8')) as {
      rows: { vendor_tin: string; vendor_name: string }[];
    };
    // JSON is data, not a spreadsheet: the name as published.
    expect(json.rows[0]).toMatchObject({ vendor_tin: tin, vendor_name: FORMULA_NAME });
    await done(page);
  });
});
