import { BaseSequencer, type TestSequencerConstructor, type TestSpecification } from 'vitest/node';

/**
 * A vitest sequencer that queues the projects' files in the given order of
 * project names instead of vitest's alphabetical one, keeping vitest's order
 * inside each project (the files that failed last time first, then the
 * longest, by its results cache; by size without one). The workers take the
 * queue in this order, and one that finishes a file of a non-isolated project
 * keeps its process only if the next file queued is of the same project, so a
 * project's files stay together. A project not named goes last.
 *
 * @param order the project names, first queued first
 */
export function projectOrderSequencer(order: readonly string[]): TestSequencerConstructor {
  const rank = (spec: TestSpecification) => {
    const at = order.indexOf(spec.project.name);
    return at === -1 ? order.length : at;
  };
  return class ProjectOrderSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      // Array.prototype.sort is stable: vitest's order holds within a project.
      return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
    }
  };
}
