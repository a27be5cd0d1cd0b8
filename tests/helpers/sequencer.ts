/**
 * Test order for both projects together: the longest files first (last run's durations; on a
 * fresh clone the largest files), whichever project they belong to. Vitest's own order runs one
 * project's files before the other's, which left one worker idle while the longest unit file
 * started last.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const key = (f: TestSpecification) =>
      `${f.project.name}:${f.moduleId.slice(this.ctx.config.root.length + 1)}`;
    const weight = (f: TestSpecification) =>
      cache.getFileTestResults(key(f))?.duration ?? cache.getFileStats(key(f))?.size ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
