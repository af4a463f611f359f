import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { projectOrderSequencer } from './support/project-order-sequencer';

const root = '/repo';
/** What vitest's results cache would hold for each `project:file`: the file's last duration. */
const durations: Record<string, number> = {
  'shared:a.test.ts': 100,
  'shared:b.test.ts': 900,
  'shared-nock:c.test.ts': 50,
  'shared-nock:d.test.ts': 700,
  'unit:e.test.ts': 10,
  'tarballs:f.test.ts': 5000,
  'extra:g.test.ts': 1,
};
const ctx = {
  config: { root },
  cache: {
    getFileTestResults: (key: string) => (key in durations ? { duration: durations[key], failed: false } : undefined),
    getFileStats: () => ({ size: 1 }),
  },
} as unknown as Vitest;
const spec = (project: string, file: string, isolate = project === 'unit' || project === 'tarballs') =>
  ({ project: { name: project, config: { sequence: { groupOrder: 0 }, isolate } }, moduleId: join(root, file) }) as unknown as TestSpecification;
const names = (specs: TestSpecification[]) => specs.map((s) => `${s.project.name}:${s.moduleId.slice(root.length + 1)}`);

describe('projectOrderSequencer', () => {
  it("queues the projects in the given order, each project's files longest first, a project not named last", async () => {
    const Sequencer = projectOrderSequencer(['unit', 'shared', 'tarballs', 'shared-nock']);
    const files = Object.keys(durations).map((key) => spec(key.split(':')[0]!, key.split(':')[1]!));
    const sorted = await new Sequencer(ctx).sort(files.reverse());
    expect(names(sorted)).toEqual([
      'unit:e.test.ts',
      'shared:b.test.ts',
      'shared:a.test.ts',
      'tarballs:f.test.ts',
      'shared-nock:d.test.ts',
      'shared-nock:c.test.ts',
      'extra:g.test.ts',
    ]);
  });

  it('puts the files of a project that failed last time first within it, as vitest does', async () => {
    const failing = {
      ...ctx,
      cache: { ...ctx.cache, getFileTestResults: (key: string) => ({ duration: durations[key], failed: key === 'shared:a.test.ts' }) },
    };
    const Sequencer = projectOrderSequencer(['shared']);
    const sorted = await new Sequencer(failing as unknown as Vitest).sort([spec('shared', 'b.test.ts'), spec('shared', 'a.test.ts')]);
    expect(names(sorted)).toEqual(['shared:a.test.ts', 'shared:b.test.ts']);
  });
});
