import path from 'node:path';
import { fixturePath, generatedPaths, SHARED_GEN, sitePath } from '../helpers/fixtures';
import { TMP } from '../helpers/paths';

/** The e2e tests' scratch folder, emptied by the global setup at the start of each run. */
export const E2E = path.join(TMP, 'e2e');
/**
 * What the e2e global setup builds, once for this code (a shared fixture, helpers/fixtures.ts):
 * the site builds and the datasets made for them. The tests read it from these places.
 */
export const SITE = sitePath('e2e');
/** The generated demo set (its CSVs and truth.json in DEMO_SRC), shared with the unit tests. */
export const DEMO_SET = SHARED_GEN;
export const DEMO_SRC = generatedPaths(DEMO_SET.rows, DEMO_SET.seed).src;
export const ASSETS = path.join(SITE, 'assets');
export const DEMO_DATA = path.join(ASSETS, 'data');
export const BUILD = path.join(SITE, 'build');
export const BUILD_BASE = path.join(SITE, 'build-base');
export const BASE_PATH = '/some-repo';
/** The shared drone fixture (tests/helpers/fixtures.ts), built by the global setup. */
export const DRONE_DATA = fixturePath('drone');
export const MARKUP_DATA = path.join(SITE, 'markup-data');
export const MARKUP_SRC = path.join(SITE, 'markup-src');
/** The real Paraguay OCDS sample, ingested from its folder. */
export const OCDS_DATA = path.join(SITE, 'ocds-data');
/** A winner name made of markup, planted in the markup dataset: the page must show it as text. */
export const MARKUP_NAME = '<img src=x onerror="window.__xss=1">บริษัท <b>ทดสอบ</b> จำกัด';
/** A winner name a spreadsheet would run as a formula, planted on a winner with a valid TIN. */
export const FORMULA_NAME = '=HYPERLINK("https://example.invalid/","คลิก") บริษัท สูตร จำกัด';
