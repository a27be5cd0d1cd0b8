import path from 'node:path';
import { fixturePath, generatedPaths, SHARED_GEN } from '../helpers/fixtures';
import { TMP } from '../helpers/paths';

/** What the e2e global setup builds; the tests read it from these fixed places. */
export const E2E = path.join(TMP, 'e2e');
/** The generated demo set (its CSVs and truth.json in DEMO_SRC), shared with the unit tests. */
export const DEMO_SET = SHARED_GEN;
export const DEMO_SRC = generatedPaths(DEMO_SET.rows, DEMO_SET.seed).src;
export const ASSETS = path.join(E2E, 'assets');
export const DEMO_DATA = path.join(ASSETS, 'data');
export const BUILD = path.join(E2E, 'build');
export const BUILD_BASE = path.join(E2E, 'build-base');
export const BASE_PATH = '/some-repo';
/** The shared drone fixture (tests/helpers/fixtures.ts), built by the global setup. */
export const DRONE_DATA = fixturePath('drone');
export const MARKUP_DATA = path.join(E2E, 'markup-data');
export const MARKUP_SRC = path.join(E2E, 'markup-src');
/** The real Paraguay OCDS sample, ingested from its folder. */
export const OCDS_DATA = path.join(E2E, 'ocds-data');
/** A winner name made of markup, planted in the markup dataset: the page must show it as text. */
export const MARKUP_NAME = '<img src=x onerror="window.__xss=1">บริษัท <b>ทดสอบ</b> จำกัด';
/** A winner name a spreadsheet would run as a formula, planted on a winner with a valid TIN. */
export const FORMULA_NAME = '=HYPERLINK("https://example.invalid/","คลิก") บริษัท สูตร จำกัด';
