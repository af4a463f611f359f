import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics/diagnostic';
import { validateWorkflow } from '../src/validate/workflow-validator';
import { parseYamlText } from '../src/yaml/load-yaml';
import { testSteps } from './helpers/test-steps';

function validate(text: string): string[] {
  const parsed = parseYamlText(text, 'wf.yaml');
  const ds = parsed.value === undefined ? parsed.diagnostics : validateWorkflow(parsed.value, parsed.source, testSteps()).diagnostics;
  return ds.map(formatDiagnostic);
}

const HEAD = `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: wf
parameters:
  - { name: replicas, type: integer }
  - { name: label, type: string }
  - { name: ratio, type: number }
  - { name: tier, type: string, enum: [small, large] }
  - { name: cfg, type: object }
vars:
  n: \${{ parameters.replicas + 1 }}
  greeting: hello \${{ parameters.label }}
steps:
  - name: a
    type: test-apply
    with:
      manifest: { kind: x, metadata: { name: y } }
`;

/** A workflow whose output `x` is the expression (line 20, the expression text from column 11). */
const inOutput = (expr: string) => `${HEAD}outputs:\n  x: '\${{ ${expr} }}'\n`;

describe('type checking', () => {
  // Each mistake: the expression, then the one diagnostic it gives.
  const cases: Array<[string, string]> = [
    [
      '"probe-" + parameters.replicas',
      `wf.yaml:20:20: error: expression '"probe-" + parameters.replicas' does not type-check at character 10: no such overload: string + int; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ],
    [
      'parameters.replicas == "3"',
      `wf.yaml:20:31: error: expression 'parameters.replicas == "3"' does not type-check at character 21: no such overload: int == string; compare values of one type: int(...) or string(...) converts [EXPRESSION_TYPE]`,
    ],
    [
      'parameters.replicas.startsWith("1")',
      `wf.yaml:20:31: error: expression 'parameters.replicas.startsWith("1")' does not type-check at character 21: found no matching overload for 'int.startsWith(string)'; startsWith() works on strings: call it on string(...) [EXPRESSION_TYPE]`,
    ],
    [
      'steps["a"].outputs.name + 1',
      `wf.yaml:20:35: error: expression 'steps["a"].outputs.name + 1' does not type-check at character 25: no such overload: string + int; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ],
    [
      'steps["a"].outputs.uid.size() > "2"',
      `wf.yaml:20:41: error: expression 'steps["a"].outputs.uid.size() > "2"' does not type-check at character 31: no such overload: int > string [EXPRESSION_TYPE]`,
    ],
    [
      'steps["a"].skipped + 1',
      `wf.yaml:20:30: error: expression 'steps["a"].skipped + 1' does not type-check at character 20: no such overload: bool + int [EXPRESSION_TYPE]`,
    ],
    [
      'vars.n + "x"',
      `wf.yaml:20:18: error: expression 'vars.n + "x"' does not type-check at character 8: no such overload: int + string; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ],
    [
      'vars.greeting * 2',
      `wf.yaml:20:25: error: expression 'vars.greeting * 2' does not type-check at character 15: no such overload: string * int [EXPRESSION_TYPE]`,
    ],
    [
      'resource.name - 1',
      `wf.yaml:20:25: error: expression 'resource.name - 1' does not type-check at character 15: no such overload: string - int [EXPRESSION_TYPE]`,
    ],
    [
      'run.attempt + "x"',
      `wf.yaml:20:23: error: expression 'run.attempt + "x"' does not type-check at character 13: no such overload: int + string; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ],
    [
      'parameters.tier + 1',
      `wf.yaml:20:27: error: expression 'parameters.tier + 1' does not type-check at character 17: no such overload: string + int; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ],
    [
      'parameters.replicas > 1 ? "many" : 1',
      `wf.yaml:20:35: error: expression 'parameters.replicas > 1 ? "many" : 1' does not type-check at character 25: Ternary branches must have the same type, got 'string' and 'int'; give both branches one type, or convert one with string(...) [EXPRESSION_TYPE]`,
    ],
  ];
  for (const [expr, expected] of cases) {
    it(`reports ${expr}`, () => {
      expect(validate(inOutput(expr))).toEqual([expected]);
    });
  }

  it('accepts what is well typed, and what only the run can know', () => {
    for (const expr of [
      '"probe-" + string(parameters.replicas)',
      'parameters.ratio * parameters.replicas',
      'parameters.replicas + parameters.ratio',
      'parameters.cfg.anything + 1',
      '"tier" in parameters',
      'has(parameters.cfg) ? parameters.cfg.x : "none"',
      'steps["a"].outputs.name.startsWith("u")',
      'vars.n * 2',
      'resource.properties.size == "large"',
    ]) {
      expect(validate(inOutput(expr)), expr).toEqual([]);
    }
  });

  it('types deferred fields over their own variables', () => {
    const yaml = HEAD.replace(
      'type: test-apply\n    with:\n      manifest: { kind: x, metadata: { name: y } }',
      'type: test-wait\n    with:\n      name: x\n      successWhen: object.status.ready == 1 + "a"',
    );
    expect(validate(yaml)).toEqual([
      `wf.yaml:19:45: error: expression 'object.status.ready == 1 + "a"' does not type-check at character 26: no such overload: int + string; convert the number with string(...) to join it to text [EXPRESSION_TYPE]`,
    ]);
  });

  it('checks a whole-value expression against the step input schema', () => {
    const yaml = HEAD.replace('metadata: { name: y }', 'metadata: { name: "${{ parameters.replicas * 2 }}" }');
    expect(validate(yaml)).toEqual([
      'wf.yaml:18:46: error: step input: steps[0].with.manifest.metadata.name must be string (got ${{ parameters.replicas * 2 }}, of type integer) [STEP_INPUT_INVALID]',
    ]);
  });

  it("refuses an 'if' that is not a bool", () => {
    const yaml = HEAD.replace('type: test-apply\n', 'type: test-apply\n    if: parameters.replicas\n');
    expect(validate(yaml)).toEqual(["wf.yaml:17:9: error: 'if' must give true or false; 'parameters.replicas' is of type int [EXPRESSION_TYPE]"]);
  });
});

describe('outputs', () => {
  it('reports an unknown key of the long form, with what was meant', () => {
    const yaml = `${HEAD}outputs:\n  x:\n    value: \${{ parameters.label }}\n    sensitve: true\n`;
    expect(validate(yaml)).toEqual([
      "wf.yaml:22:5: error: unknown key 'sensitve' in outputs.x; did you mean 'sensitive'? (an output's long form has value, sensitive, description, type) [UNKNOWN_KEY]",
    ]);
  });

  it('checks a value against the output type', () => {
    const yaml = `${HEAD}outputs:\n  x:\n    value: \${{ parameters.label }}\n    type: { type: integer }\n  y:\n    value: \${{ parameters.replicas }}\n    type: { type: integer }\n`;
    expect(validate(yaml)).toEqual([
      "wf.yaml:21:12: error: output 'x': outputs.x.value must be integer (got ${{ parameters.label }}, of type string) [OUTPUT_INVALID]",
    ]);
  });
});
