/** What the documentation states as fact, checked against the code it describes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/lib/schema/tables';
import { ROOT } from '../helpers/paths';

describe('docs', () => {
  it('docs/data-schema.md states the schema version the ingest writes', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/data-schema.md'), 'utf8');
    expect(/\(currently (\d+)\)/.exec(doc)?.[1]).toBe(String(SCHEMA_VERSION));
  });
});
