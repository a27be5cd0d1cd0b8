/**
 * The GitHub Actions workflows cannot run here: check what can be checked. They parse, they run
 * on the events the README promises, their steps come in the order that publishes only checked
 * data, and every `npm run X` they call is a script of this package.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/paths';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  id?: string;
  'working-directory'?: string;
}
interface Job {
  steps: Step[];
  needs?: string | string[];
  container?: string;
  environment?: { name: string };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = (name: string) =>
  parse(readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8')) as Workflow;
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object })
    .scripts,
);
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

function npmScripts(w: Workflow): string[] {
  return steps(w).flatMap((s) =>
    [...(s.run ?? '').matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]!),
  );
}

describe('.github/workflows', () => {
  it('ci.yml runs .ci/run on push and pull request, in Debian with Node 20', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const job = Object.values(ci.jobs)[0]!;
    expect(job.container).toBe('node:20-bookworm');
    const run = job.steps.find((s) => s.run?.includes('.ci/run'));
    expect(run).toMatchObject({ run: 'bash .ci/run', 'working-directory': 'main' });
    // The real records are checked out beside the project, where the tests read them (../shared).
    expect(
      job.steps.some((s) => s.uses?.startsWith('actions/checkout@') && s.with?.path === 'shared'),
    ).toBe(true);
  });

  it('deploy.yml runs weekly and by hand: fetch → ingest → build → budget → upload → deploy → host check', () => {
    const d = load('deploy.yml');
    const cron = (d.on.schedule as { cron: string }[])[0]!.cron.split(' ');
    expect(cron).toHaveLength(5);
    expect(cron.slice(2, 4)).toEqual(['*', '*']); // any day of the month, any month…
    expect(cron[4]).toMatch(/^[0-6]$/); // …on one day of the week
    expect(d.on).toHaveProperty('workflow_dispatch');
    expect(d.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' });
    const all = steps(d);
    const at = (pred: (s: Step) => boolean, what: string) => {
      const i = all.findIndex(pred);
      expect(i, what).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      at((s) => /npm run fetch\b/.test(s.run ?? ''), 'fetch'),
      at((s) => /npm run ingest -- --out static\/data data\/egp\//.test(s.run ?? ''), 'ingest'),
      at(
        (s) =>
          s.run === 'npm run build' && s.env?.BASE_PATH === '/${{ github.event.repository.name }}',
        'build',
      ),
      at((s) => /npm run check:budget/.test(s.run ?? ''), 'budget'),
      at((s) => s.uses?.startsWith('actions/upload-pages-artifact@') ?? false, 'upload'),
      at((s) => s.uses?.startsWith('actions/deploy-pages@') ?? false, 'deploy'),
      at((s) => /npm run check:host -- "\$PAGE_URL"/.test(s.run ?? ''), 'host check'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const host = all.find((s) => s.run?.includes('check:host'))!;
    expect(host.env?.PAGE_URL).toBe('${{ steps.deployment.outputs.page_url }}');
    expect(all.find((s) => s.uses?.startsWith('actions/deploy-pages@'))!.id).toBe('deployment');
    expect(d.jobs.deploy!.needs).toBe('build');
  });

  it('deploy.yml keeps downloads, the ingest cache and the published data between runs, keyed by what was fetched', () => {
    const all = steps(load('deploy.yml'));
    const restore = all.find((s) => s.uses?.startsWith('actions/cache/restore@'))!;
    const save = all.find((s) => s.uses?.startsWith('actions/cache/save@'))!;
    for (const s of [restore, save]) {
      expect(
        s
          .with!.path!.trim()
          .split('\n')
          .map((l) => l.trim()),
      ).toEqual(['data/egp', 'data/cache', 'static/data']);
    }
    expect(save.with!.key).toContain("hashFiles('data/egp/fetched.json'");
    expect(restore.with!['restore-keys']).toBe('egp-');
    // The restore comes before the fetch, the save after the ingest.
    const i = (s: Step) => all.indexOf(s);
    expect(i(restore)).toBeLessThan(all.findIndex((s) => s.run?.includes('npm run fetch')));
    expect(i(save)).toBeGreaterThan(all.findIndex((s) => s.run?.includes('npm run ingest')));
  });

  it('every npm script a workflow calls exists, and every action is pinned to a major version', () => {
    const called = [...npmScripts(load('ci.yml')), ...npmScripts(load('deploy.yml'))];
    expect(called.length).toBeGreaterThan(0);
    for (const s of called) expect(scripts, `npm run ${s}`).toContain(s);
    for (const w of [load('ci.yml'), load('deploy.yml')]) {
      for (const s of steps(w).filter((x) => x.uses))
        expect(s.uses).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
    }
    // .ci/run's own npm commands, too.
    const ciRun = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    for (const m of ciRun.matchAll(/\bnpm run ([\w:-]+)/g)) expect(scripts).toContain(m[1]);
  });
});
