import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, StepRegistry } from '../src/index';
import { echo, workflow } from './helpers';

const registry = new StepRegistry([echo]);
const issues = (w: unknown) => analyzeWorkflow(w, registry).issues.map((i) => [i.code, i.pointer, i.message]);

describe("vars' inferred types", () => {
  it('carry through chains of vars, and type errors are reported in the order the vars are declared', () => {
    const wf = workflow({
      parameters: [{ name: 'replicas', type: 'integer' }],
      vars: {
        // Levels: count 0, label 1 (reads count), name 0, title 2 (reads label and name), bad_late 3, bad_early 1.
        bad_early: '${{ vars.count + "x" }}',
        count: '${{ parameters.replicas * 2 }}',
        label: '${{ string(vars.count) + "-replicas" }}',
        name: 'db',
        title: '${{ vars.name + ": " + vars.label }}',
        bad_late: '${{ vars.title + 1 }}',
      },
      steps: [{ name: 'show', type: 'echo', with: { value: '${{ vars.title }}' } }],
    });
    expect(issues(wf)).toEqual([
      [
        'EXPRESSION_TYPE',
        '/vars/bad_early',
        'expression \'vars.count + "x"\' does not type-check at character 12: no such overload: int + string; convert the number with string(...) to join it to text',
      ],
      [
        'EXPRESSION_TYPE',
        '/vars/bad_late',
        "expression 'vars.title + 1' does not type-check at character 12: no such overload: string + int; convert the number with string(...) to join it to text",
      ],
    ]);
  });

  it('a var read from a later level keeps its type: a string var compared with an int is refused', () => {
    const wf = workflow({
      vars: { a: 'x', b: '${{ vars.a + "y" }}', c: '${{ vars.b == 1 }}' },
      steps: [{ name: 'show', type: 'echo', with: { value: '${{ vars.c }}' } }],
    });
    expect(issues(wf)).toEqual([
      [
        'EXPRESSION_TYPE',
        '/vars/c',
        "expression 'vars.b == 1' does not type-check at character 8: no such overload: string == int; compare values of one type: int(...) or string(...) converts",
      ],
    ]);
  });
});
