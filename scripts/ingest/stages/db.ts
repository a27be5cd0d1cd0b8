/** What each stage of the ingest is given: the working database, and a name for what runs now. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ManifestFile } from '../../../src/lib/schema/tables.ts';

export interface Progress {
  /** What runs now, e.g. `reading part-3.csv`. */
  stage: string;
  /** 0–100, or -1 when DuckDB cannot tell. */
  percent: number;
  rows: number;
  elapsedMs: number;
}

/** A file a stage wrote (its size and hash are added when the snapshot is sealed). */
export type WrittenFile = Omit<ManifestFile, 'bytes' | 'sha256'>;

export interface StageDb {
  readonly conn: DuckDBConnection;
  /** Names what runs now, for the progress line. */
  stage(name: string): void;
  /** One statement, with DuckDB's progress reported while it runs. */
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  scalar(sql: string): Promise<number>;
  progress?: (p: Progress) => void;
}
