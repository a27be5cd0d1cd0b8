/**
 * Which canonical field each column of a file holds. Official files are detected by field count
 * and values, never by header alone (egp-data.md, "Raw CKAN CSV layouts").
 */
import {
  CANONICAL_FIELDS,
  IGNORED_HEADERS,
  THAI_HEADERS,
  type CanonicalField,
} from '../../src/lib/schema/fields.ts';
import { cleanText } from '../../src/lib/format/thai.ts';

const BY_HEADER = new Map<string, CanonicalField>();
for (const f of CANONICAL_FIELDS) {
  BY_HEADER.set(THAI_HEADERS[f], f);
  BY_HEADER.set(f, f);
}

export type ColumnMap = Map<string, CanonicalField>;

/** Parse `--map SOURCE=CANONICAL` options, failing on unknown canonical names. */
export function parseMaps(specs: readonly string[]): ColumnMap {
  const maps: ColumnMap = new Map();
  for (const spec of specs) {
    const i = spec.lastIndexOf('=');
    const source = i > 0 ? cleanText(spec.slice(0, i)) : '';
    const target = i > 0 ? spec.slice(i + 1).trim() : '';
    if (!source || !(CANONICAL_FIELDS as readonly string[]).includes(target)) {
      throw new Error(
        `--map "${spec}": expected SOURCE=CANONICAL with CANONICAL one of: ${CANONICAL_FIELDS.join(', ')}`,
      );
    }
    maps.set(source, target as CanonicalField);
  }
  return maps;
}

export interface HeaderLayout {
  /** Field held by each header position (null: ignored column). */
  fields: (CanonicalField | null)[];
  /** Header cells that map to nothing (reported, never silently dropped from the summary). */
  unmapped: string[];
  /** Whether rows of 28 fields under this header are the raw FY2568 layout. */
  acceptsRaw28: boolean;
}

export class LayoutError extends Error {}

export function resolveHeader(header: readonly string[], maps: ColumnMap): HeaderLayout {
  const cells = header.map((h) => cleanText(h.replace(/^\uFEFF/, '')));
  const fields: (CanonicalField | null)[] = [];
  const unmapped: string[] = [];
  // An explicit --map is the user's word: it takes its field from an official header naming the
  // same one (that column is then reported as not used). Two columns that name one field the
  // same way would lose one's values unseen: an input error naming both.
  const mapped = new Set(cells.flatMap((c) => (maps.has(c) ? [maps.get(c)!] : [])));
  const seen = new Map<CanonicalField, number>();
  for (const [i, cell] of cells.entries()) {
    const viaMap = maps.get(cell);
    const direct = BY_HEADER.get(cell);
    const f = viaMap ?? (direct && mapped.has(direct) ? null : direct) ?? null;
    const first = f ? seen.get(f) : undefined;
    if (f && first !== undefined) {
      const how = (c: string) => (maps.has(c) ? ` (--map ${c}=${f})` : '');
      throw new LayoutError(
        `columns ${first + 1} "${cells[first]}"${how(cells[first]!)} and ${i + 1} "${cell}"${how(cell)} both hold ${f} (${THAI_HEADERS[f]}); rename one, or --map it to another field`,
      );
    }
    if (f) seen.set(f, i);
    fields.push(f);
    if (!f && (direct || !IGNORED_HEADERS.has(cell))) unmapped.push(cell);
  }
  // Raw FY2568 parts carry a wrong header of 26 or 31 official names over 28-field rows.
  const official = cells.length > 0 && cells[0] === THAI_HEADERS.seq;
  const acceptsRaw28 = official && (cells.length === 26 || cells.length === 31);
  if (!seen.has('project_id') && !acceptsRaw28) {
    throw new LayoutError(
      `unknown layout: no column holds project_id (รหัสโครงการ). Header seen (${cells.length} fields): ` +
        `${cells.join(' | ')}. Closest known layout: ${closestLayout(cells)}. ` +
        `Map columns with --map SOURCE=CANONICAL, e.g. --map "Project ID=project_id".`,
    );
  }
  return { fields, unmapped, acceptsRaw28 };
}

function closestLayout(cells: readonly string[]): string {
  const known = new Set(Object.values(THAI_HEADERS));
  const hits = cells.filter((c) => known.has(c)).length;
  const count = cells.length;
  const name =
    count >= 32
      ? 'CKAN datastore (33 fields)'
      : count >= 30
        ? 'FY2565–2567 parts (31 fields)'
        : 'raw FY2568 parts (28 fields)';
  return `${name}; ${hits} of ${count} header names are official Thai headers`;
}
