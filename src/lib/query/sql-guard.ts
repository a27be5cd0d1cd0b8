/**
 * What the SQL console (/sql) lets a shared link run: one statement that only reads the dataset's
 * tables. Anything that writes, attaches, installs, sets, or names a file or URL is refused
 * before DuckDB sees it, so a link cannot make a reader's browser contact another origin. Pure.
 *
 * DuckDB-WASM 1.28 (DuckDB 0.9.1) has no `json_serialize_sql` (the json extension is not built
 * in), so the check works on tokens: comments and string literals are told apart from words, and
 * the rules fail closed (an unusual but harmless query may be refused; the message says why).
 * The engine is pinned, so its table functions are known: those that read files or URLs are
 * refused by name; tests check the list against the engine's own catalog.
 */

export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol';
  /** The text (quotes removed and unescaped for `quoted` and `string`). */
  text: string;
  /** Offset of its first character in the SQL. */
  at: number;
}

export type Refusal =
  'empty' | 'unterminated' | 'multiple' | 'statement' | 'word' | 'function' | 'file';

export type Checked =
  { ok: true; sql: string } | { ok: false; reason: Refusal; detail: string; at: number };

/** The first word of a statement that reads. */
const READS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE']);

/** Words that only statements which write, attach, install, load or configure use. */
const DENIED_WORDS = new Set([
  'ABORT',
  'ALTER',
  'ANALYZE',
  'ATTACH',
  'BEGIN',
  'CALL',
  'CHECKPOINT',
  'COMMIT',
  'COPY',
  'CREATE',
  'DEALLOCATE',
  'DELETE',
  'DETACH',
  'DROP',
  'EXECUTE',
  'EXPORT',
  'GRANT',
  'IMPORT',
  'INSERT',
  'INSTALL',
  'LOAD',
  'MERGE',
  'PRAGMA',
  'PREPARE',
  'RESET',
  'REVOKE',
  'ROLLBACK',
  'SET',
  'TRUNCATE',
  'UPDATE',
  'USE',
  'VACUUM',
]);

/**
 * The engine's table functions (`duckdb_functions()` of DuckDB-WASM 1.28.0, function_type
 * `table`), split: those that only compute or describe the database may be called; the others
 * read files or URLs, write, or take memory pointers.
 */
export const TABLE_FUNCTIONS_ALLOWED = [
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_temporary_files',
  'duckdb_types',
  'duckdb_views',
  'generate_series',
  'pragma_collations',
  'pragma_database_size',
  'pragma_metadata_info',
  'pragma_platform',
  'pragma_storage_info',
  'pragma_table_info',
  'pragma_version',
  'range',
  'repeat',
  'repeat_row',
  'summary',
  'test_all_types',
  'test_vector_types',
  'unnest',
] as const;
export const TABLE_FUNCTIONS_DENIED = [
  'arrow_scan',
  'arrow_scan_dumb',
  'checkpoint',
  'duckdb_extensions',
  'force_checkpoint',
  'glob',
  'index_scan',
  'parquet_metadata',
  'parquet_scan',
  'parquet_schema',
  'pragma_detailed_profiling_output',
  'pragma_last_profiling_output',
  'read_csv',
  'read_csv_auto',
  'read_parquet',
  'seq_scan',
] as const;
/** Names of file-reading functions in later engines, refused too should the engine move. */
const DENIED_PREFIXES = [
  'read_',
  'parquet_',
  'iceberg_',
  'delta_',
  'sqlite_',
  'postgres_',
  'mysql_',
];
const DENIED_FUNCTIONS = new Set<string>(TABLE_FUNCTIONS_DENIED);

/**
 * A string or quoted name DuckDB would read as a file when it stands where a table does (its
 * "replacement scans" go by the extension), or any URL.
 */
const FILE_LIKE =
  /:\/\/|^[/~]|^\.\.?\/|\.(csv|tsv|txt|parquet|json|jsonl|ndjson|gz|gzip|zst|zstd|xlsx?|db|duckdb|sqlite3?|arrow|ipc|feather)(\W|$)/i;

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[\w$\u0080-\uffff]/;

/** The SQL as tokens (comments dropped), or where a string, name or comment is left open. */
export function tokenize(sql: string): Token[] | { unterminated: number } {
  const out: Token[] = [];
  let i = 0;
  const quoted = (q: string, kind: 'string' | 'quoted'): boolean => {
    const start = i;
    let text = '';
    i++;
    for (;;) {
      const j = sql.indexOf(q, i);
      if (j < 0) return false;
      text += sql.slice(i, j);
      if (sql[j + 1] === q) {
        text += q;
        i = j + 2;
      } else {
        i = j + 1;
        break;
      }
    }
    out.push({ kind, text, at: start });
    return true;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? sql.length : j + 1;
    } else if (sql.startsWith('/*', i)) {
      const j = sql.indexOf('*/', i + 2);
      if (j < 0) return { unterminated: i };
      i = j + 2;
    } else if (c === "'" || c === '"') {
      const start = i;
      if (!quoted(c, c === "'" ? 'string' : 'quoted')) return { unterminated: start };
    } else if (c === '$' && /^\$([A-Za-z_]\w*)?\$/.test(sql.slice(i))) {
      // A dollar-quoted string: $$…$$ or $tag$…$tag$.
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i))![0];
      const j = sql.indexOf(tag, i + tag.length);
      if (j < 0) return { unterminated: i };
      out.push({ kind: 'string', text: sql.slice(i + tag.length, j), at: i });
      i = j + tag.length;
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < sql.length && WORD_PART.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i), at: start });
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      const start = i;
      while (i < sql.length && /[\d._eE]/.test(sql[i]!)) i++;
      out.push({ kind: 'number', text: sql.slice(start, i), at: start });
    } else {
      out.push({ kind: 'symbol', text: c, at: i });
      i++;
    }
  }
  return out;
}

/** One statement that only reads, or the first reason it is refused and where. */
export function checkReadOnly(sql: string): Checked {
  const toks = tokenize(sql);
  if (!Array.isArray(toks)) {
    return { ok: false, reason: 'unterminated', detail: '', at: toks.unterminated };
  }
  // Trailing semicolons end the one statement; any other separates two.
  let end = toks.length;
  while (end > 0 && toks[end - 1]!.kind === 'symbol' && toks[end - 1]!.text === ';') end--;
  const body = toks.slice(0, end);
  if (!body.length) return { ok: false, reason: 'empty', detail: '', at: 0 };
  const semi = body.find((t) => t.kind === 'symbol' && t.text === ';');
  if (semi) return { ok: false, reason: 'multiple', detail: ';', at: semi.at };
  const first = body[0]!;
  const opens = first.kind === 'symbol' && first.text === '(';
  if (!opens && !(first.kind === 'word' && READS.has(first.text.toUpperCase()))) {
    return { ok: false, reason: 'statement', detail: first.text, at: first.at };
  }
  for (const [n, t] of body.entries()) {
    if (t.kind === 'word' && DENIED_WORDS.has(t.text.toUpperCase())) {
      return { ok: false, reason: 'word', detail: t.text.toUpperCase(), at: t.at };
    }
    const next = body[n + 1];
    const called = next?.kind === 'symbol' && next.text === '(';
    if ((t.kind === 'word' || t.kind === 'quoted') && called) {
      const name = t.text.toLowerCase();
      if (DENIED_FUNCTIONS.has(name) || DENIED_PREFIXES.some((p) => name.startsWith(p))) {
        return { ok: false, reason: 'function', detail: name, at: t.at };
      }
    }
    if ((t.kind === 'string' || t.kind === 'quoted') && FILE_LIKE.test(t.text)) {
      return { ok: false, reason: 'file', detail: t.text, at: t.at };
    }
  }
  // The statement without its trailing semicolons (and what follows them).
  return { ok: true, sql: (end < toks.length ? sql.slice(0, toks[end]!.at) : sql).trim() };
}

/**
 * Which of `tables` the SQL names (as a word or quoted name, in any case): the console gives each
 * a view. A column of the same name counts too; that only makes a view the query does not use.
 * (DuckDB 0.9's own table-name lookup binds the query, and fails on USING joins and on views.)
 */
export function namedTables<T extends string>(sql: string, tables: readonly T[]): T[] {
  const toks = tokenize(sql);
  if (!Array.isArray(toks)) return [];
  const words = new Set(
    toks.filter((t) => t.kind === 'word' || t.kind === 'quoted').map((t) => t.text.toLowerCase()),
  );
  return tables.filter((t) => words.has(t));
}

/** Line and column (1-based) of an offset, for messages. */
export function lineCol(sql: string, at: number): { line: number; col: number } {
  const before = sql.slice(0, at).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}
