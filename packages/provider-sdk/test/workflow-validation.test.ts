import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../src/yaml/load-yaml';
import { validateWorkflow } from '../src/validate/workflow-validator';
import { formatDiagnostic } from '../src/diagnostics/diagnostic';
import { testSteps } from './helpers/test-steps';
import { PROVISION_YAML } from './helpers/fixtures';

function validate(text: string) {
  const parsed = parseYamlText(text, 'wf.yaml');
  if (parsed.value === undefined) return parsed.diagnostics;
  return validateWorkflow(parsed.value, parsed.source, testSteps()).diagnostics;
}

const HEAD = 'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata:\n  name: wf\n';

describe('validateWorkflow', () => {
  it('accepts a valid workflow', () => {
    expect(validate(PROVISION_YAML)).toEqual([]);
  });

  // Each case: the YAML, then the one expected diagnostic as `line:col code` and a part of its message.
  const cases: Array<{ name: string; yaml: string; code: string; line: number; col: number; message: string }> = [
    {
      name: 'unknown key with a suggestion',
      yaml: HEAD + 'parameters:\n  - name: a\n    type: string\n    requried: true\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'UNKNOWN_KEY',
      line: 8,
      col: 5,
      message: "unknown key 'requried' in parameters[0]; did you mean 'required'?",
    },
    {
      name: 'missing required field',
      yaml: HEAD + 'steps:\n  - name: a\n    with: {}\n',
      code: 'WORKFLOW_SCHEMA',
      line: 6,
      col: 5,
      message: "steps[0]: missing required field 'type'",
    },
    {
      name: 'wrong type',
      yaml: HEAD + 'steps: {}\n',
      code: 'WORKFLOW_SCHEMA',
      line: 5,
      col: 8,
      message: 'steps must be array (got a mapping)',
    },
    {
      name: 'resumeFrom naming a later step',
      yaml:
        HEAD +
        'steps:\n  - { name: a, type: test-credentials, resumeFrom: b, with: { name: x } }\n  - { name: b, type: test-credentials, with: { name: y } }\n',
      code: 'RESUME_FROM_INVALID',
      line: 6,
      col: 52,
      message: "resumeFrom must name an earlier step: step 'b' comes after it",
    },
    {
      name: 'resumeFrom naming no step',
      yaml:
        HEAD +
        'steps:\n  - { name: apply, type: test-credentials, with: { name: x } }\n  - { name: b, type: test-credentials, resumeFrom: aply, with: { name: y } }\n',
      code: 'RESUME_FROM_INVALID',
      line: 7,
      col: 52,
      message: "resumeFrom must name an earlier step: no step is named 'aply'; did you mean 'apply'?",
    },
    {
      name: 'forEach over a value that is not a list',
      yaml:
        HEAD +
        'parameters:\n  - { name: n, type: integer }\nsteps:\n  - name: each\n    type: test-credentials\n    forEach: ${{ parameters.n }}\n    with: { name: x }\n',
      code: 'FOR_EACH_INVALID',
      line: 10,
      col: 18,
      message: "forEach must give a list; 'parameters.n' is of type int",
    },
    {
      name: 'forEach item typed from the list',
      yaml:
        HEAD +
        'parameters:\n  - { name: ns, type: array, items: { type: integer } }\nsteps:\n  - name: each\n    type: test-credentials\n    forEach: ${{ parameters.ns }}\n    with: { name: "${{ item + \'-\' }}" }\n',
      code: 'EXPRESSION_TYPE',
      line: 11,
      col: 29,
      message: "expression 'item + '-'' does not type-check at character 6: no such overload: int + string",
    },
    {
      name: 'item outside a forEach step',
      yaml: HEAD + 'steps:\n  - { name: a, type: test-credentials, with: { name: "${{ index }}" } }\n',
      code: 'EXPRESSION_TYPE',
      line: 6,
      col: 59,
      message: "expression 'index' does not type-check at character 1: Unknown variable: index",
    },
    {
      name: 'parallelism out of range (the file schema)',
      yaml: HEAD + 'steps:\n  - { name: a, type: test-credentials, forEach: "${{ [1] }}", parallelism: 0, with: { name: x } }\n',
      code: 'WORKFLOW_SCHEMA',
      line: 6,
      col: 76,
      message: 'steps[0].parallelism must be >= 1 (got 0)',
    },
    {
      name: 'duplicate step',
      yaml: HEAD + 'steps:\n  - { name: a, type: test-credentials, with: { name: x } }\n  - { name: a, type: test-credentials, with: { name: y } }\n',
      code: 'DUPLICATE_STEP',
      line: 7,
      col: 13,
      message: "step name 'a' is already used by step 1",
    },
    {
      name: 'unknown step type',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-aply\n',
      code: 'UNKNOWN_STEP_TYPE',
      line: 7,
      col: 11,
      message: "unknown step type 'test-aply'; did you mean 'test-apply'?",
    },
    {
      name: 'step input of the wrong type',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: 42\n',
      code: 'STEP_INPUT_INVALID',
      line: 9,
      col: 13,
      message: 'step input: steps[0].with.name must be string (got 42)',
    },
    {
      name: 'step input expression whose static type is wrong',
      yaml: HEAD + 'parameters:\n  - { name: n, type: integer }\nsteps:\n  - name: a\n    type: test-credentials\n    with:\n      name: ${{ parameters.n }}\n',
      code: 'STEP_INPUT_INVALID',
      line: 11,
      col: 13,
      message: 'step input: steps[0].with.name must be string (got ${{ parameters.n }}, of type integer)',
    },
    {
      name: 'deferred expression that does not parse',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-wait\n    with:\n      name: x\n      successWhen: object.status ==\n',
      code: 'EXPRESSION_SYNTAX',
      line: 10,
      col: 36,
      message: "successWhen: expression 'object.status ==' does not parse at character 17",
    },
    {
      name: 'expression syntax error inside a double-quoted string',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: "db-${{ parameters.x + }}"\n',
      code: 'EXPRESSION_SYNTAX',
      line: 9,
      col: 35,
      message: "expression 'parameters.x +' does not parse at character 15",
    },
    {
      name: 'unclosed expression',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: db-${{ vars.x\n',
      code: 'EXPRESSION_SYNTAX',
      line: 9,
      col: 16,
      message: "has no closing '}}'",
    },
    {
      name: 'undeclared parameter',
      yaml:
        HEAD +
        'parameters:\n  - { name: db_name, type: string }\nsteps:\n  - name: a\n    type: test-credentials\n    with:\n      name: x-${{ parameters.db_nmae }}\n',
      code: 'UNKNOWN_REFERENCE',
      line: 11,
      col: 19,
      message: "'parameters.db_nmae' reads parameter 'db_nmae', which is not declared; did you mean 'db_name'?",
    },
    {
      name: 'undeclared var',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: ${{ vars.nope }}\n',
      code: 'UNKNOWN_REFERENCE',
      line: 9,
      col: 17,
      message: "'vars.nope' reads var 'nope', which is not declared",
    },
    {
      name: 'reference to a later step',
      yaml:
        HEAD +
        'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: ${{ steps["b"].outputs.data.username }}\n  - name: b\n    type: test-credentials\n    with: { name: x }\n',
      code: 'FORWARD_STEP_REFERENCE',
      line: 9,
      col: 17,
      message: `'steps["b"].outputs.data.username' reads step 'b', which runs later; a step can only read earlier steps`,
    },
    {
      name: 'reference to a missing step',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with:\n      name: ${{ steps.b.outputs.x }}\n',
      code: 'UNKNOWN_REFERENCE',
      line: 9,
      col: 17,
      message: `'steps["b"].outputs.x' reads step 'b', which does not exist`,
    },
    {
      name: 'output missing from the step output schema',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with: { name: x }\noutputs:\n  user: ${{ steps["a"].outputs.data.usr }}\n',
      code: 'UNKNOWN_OUTPUT',
      line: 10,
      col: 13,
      message: `'steps["a"].outputs.data.usr': step type 'test-credentials' has no output 'usr' under steps["a"].outputs.data`,
    },
    {
      name: 'sensitive output not marked',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with: { name: x }\noutputs:\n  url: "pg://u:${{ steps.a.outputs.data.password }}@h"\n',
      code: 'SENSITIVE_OUTPUT_NOT_MARKED',
      line: 10,
      col: 3,
      message: `output 'url' is computed from sensitive step output 'steps["a"].outputs.data.password' but is not marked 'sensitive: true'`,
    },
    {
      name: 'sensitive parameter through a var',
      yaml:
        HEAD +
        'parameters:\n  - { name: token, type: string, sensitive: true }\nvars:\n  auth: ${{ "Bearer " + parameters.token }}\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\noutputs:\n  header: ${{ vars.auth }}\n',
      code: 'SENSITIVE_OUTPUT_NOT_MARKED',
      line: 12,
      col: 3,
      message: "output 'header' is computed from sensitive var 'auth'",
    },
    {
      name: 'invalid parameter default',
      yaml:
        HEAD +
        'parameters:\n  - name: size\n    type: string\n    enum: [small, large]\n    default: huge\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'PARAMETER_DEFAULT_INVALID',
      line: 9,
      col: 14,
      message: `default "huge" of parameter 'size' is invalid: value must be equal to one of the allowed values`,
    },
    {
      name: 'vars cycle',
      yaml: HEAD + 'vars:\n  a: ${{ vars.b }}\n  b: ${{ vars.a }}\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'VARS_CYCLE',
      line: 6,
      col: 3,
      message: 'vars form a cycle: a -> b -> a',
    },
    {
      name: 'var reading a step',
      yaml: HEAD + 'vars:\n  a: ${{ steps.s.outputs.data }}\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'FORWARD_STEP_REFERENCE',
      line: 6,
      col: 10,
      message: "var 'a' cannot read step outputs",
    },
    {
      name: 'parameter declared twice',
      yaml:
        HEAD +
        'parameters:\n  - { name: a, type: string }\n  - { name: a, type: integer }\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'DUPLICATE_PARAMETER',
      line: 7,
      col: 13,
      message: "parameter 'a' is declared twice",
    },
    {
      name: 'parameter schema that does not compile',
      yaml: HEAD + 'parameters:\n  - { name: a, type: string, pattern: "([" }\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'PARAMETER_SCHEMA_INVALID',
      line: 6,
      col: 5,
      message: "parameter 'a' has an invalid schema",
    },
    {
      name: 'var reading all vars',
      yaml: HEAD + 'vars:\n  a: ${{ vars }}\nsteps:\n  - { name: s, type: test-credentials, with: { name: x } }\n',
      code: 'UNKNOWN_REFERENCE',
      line: 6,
      col: 10,
      message: "var 'a' reads all of 'vars'; name the var it needs (vars.NAME)",
    },
    {
      name: 'invalid duration',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    timeout: 10 minutes\n    with: { name: x }\n',
      code: 'INVALID_DURATION',
      line: 8,
      col: 14,
      message: "invalid duration '10 minutes'",
    },
    {
      name: 'unknown resource field',
      yaml: HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    with: { name: "${{ resource.app }}" }\n',
      code: 'UNKNOWN_REFERENCE',
      line: 8,
      col: 24,
      message: "'resource.app': resource has no field 'app'",
    },
    {
      name: 'duplicate YAML key',
      yaml: HEAD + 'steps: []\nsteps: []\n',
      code: 'DUPLICATE_KEY',
      line: 6,
      col: 1,
      message: "duplicate key 'steps'",
    },
  ];

  for (const c of cases) {
    it(`reports ${c.code}: ${c.name}`, () => {
      const ds = validate(c.yaml);
      expect(ds.map(formatDiagnostic)).toHaveLength(1);
      const d = ds[0]!;
      expect({ code: d.code, line: d.line, col: d.col, file: d.file }).toEqual({ code: c.code, line: c.line, col: c.col, file: 'wf.yaml' });
      expect(d.message).toContain(c.message);
    });
  }

  it('checks an expression against a union by its static type', () => {
    const wf = (t: string) =>
      HEAD +
      `parameters:\n  - { name: t, type: ${t} }\nsteps:\n  - name: a\n    type: test-wait\n    with:\n      name: x\n      successWhen: "true"\n      timeout: \${{ parameters.t }}\n`;
    expect(validate(wf('string'))).toEqual([]);
    expect(validate(wf('integer'))).toEqual([]);
    expect(validate(wf('boolean')).map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '13:16 STEP_INPUT_INVALID step input: steps[0].with.timeout must be string or integer (got ${{ parameters.t }}, of type boolean)',
    ]);
  });

  it('reports an unknown input key whose value is an expression plainly', () => {
    const yaml =
      HEAD + 'steps:\n  - name: a\n    type: test-apply\n    with:\n      manifest: { kind: x, metadata: { name: y } }\n      replics: ${{ 1 + 1 }}\n';
    expect(validate(yaml).map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      "10:7 UNKNOWN_KEY step input: unknown key 'replics' in steps[0].with; did you mean 'replicas'?",
    ]);
  });

  it('suggests the step key an unknown key misspells, and does not also report the key as missing', () => {
    const show = (yaml: string) => validate(HEAD + yaml).map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
    expect(show('steps:\n  - name: a\n    type: test-credentials\n    wiht:\n      name: x\n')).toEqual([
      "8:5 UNKNOWN_KEY unknown key 'wiht' in steps[0]; did you mean 'with'?",
    ]);
    expect(show('steps:\n  - nmae: a\n    type: test-credentials\n    with:\n      name: x\n')).toEqual([
      "6:5 UNKNOWN_KEY unknown key 'nmae' in steps[0]; did you mean 'name'?",
    ]);
    // A required key missing with no close unknown key is still reported.
    expect(show('steps:\n  - title: a\n    type: test-credentials\n    with:\n      name: x\n')).toEqual([
      "6:5 WORKFLOW_SCHEMA steps[0]: missing required field 'name'",
      "6:5 UNKNOWN_KEY unknown key 'title' in steps[0]",
    ]);
    // Without `with` and without a key that misspells it, the input is still checked.
    expect(show('steps:\n  - name: a\n    type: test-credentials\n')).toEqual([
      "6:5 STEP_INPUT_INVALID step input: steps[0].with: missing required field 'name'",
    ]);
  });

  it('reads a bare if: as CEL and checks it', () => {
    const yaml = HEAD + 'steps:\n  - name: a\n    type: test-credentials\n    if: parameters.on == true\n    with: { name: x }\n';
    expect(validate(yaml).map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      "8:9 UNKNOWN_REFERENCE 'parameters.on' reads parameter 'on', which is not declared",
    ]);
  });

  it('rejects ${{ }} in a deferred field', () => {
    const yaml = HEAD + 'steps:\n  - name: a\n    type: test-wait\n    with:\n      name: x\n      successWhen: ${{ object.ready }}\n';
    expect(validate(yaml).map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['10:20 STEP_INPUT_INVALID']);
  });

  it('accepts guarded references and expressions of unknown type', () => {
    const yaml =
      HEAD +
      'parameters:\n  - { name: n, type: integer }\nsteps:\n  - name: a\n    type: test-credentials\n    with: { name: x }\n  - name: b\n    type: test-apply\n    with:\n      manifest: \'\${{ parameters.n > 1 ? {"kind": "x"} : {"kind": "y"} }}\'\n      replicas: ${{ parameters.n }}\noutputs:\n  maybe: \'\${{ has(steps.a.outputs.data.extra) ? "yes" : "no" }}\'\n';
    expect(validate(yaml)).toEqual([]);
  });

  it('survives every field of the wrong type with diagnostics, never an exception', () => {
    const docs = [
      'apiVersion: 1\nkind: 2\nmetadata: 3\nparameters: 4\nvars: 5\nsteps: 6\noutputs: 7\n',
      HEAD +
        'parameters: [1, "x", [2], { name: 3, type: 4, default: {} }]\nvars: [a]\nsteps: [1, "x", [], { name: [], type: {}, if: {}, timeout: [], retry: 5, with: 6 }]\noutputs: [1]\n',
      HEAD +
        'steps:\n  - name: a\n    type: test-credentials\n    with: { name: { nested: "${{ parameters }}" } }\noutputs:\n  x: { value: { deep: [1, "${{ steps }}"] }, sensitive: "yes" }\n',
    ];
    for (const doc of docs) {
      const ds = validate(doc);
      expect(ds.length).toBeGreaterThan(0);
      for (const d of ds) {
        expect(d.severity).toBe('error');
        expect(d.line).toBeGreaterThanOrEqual(1);
      }
    }
    expect(validate(docs[2]!).map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '8:19 STEP_INPUT_INVALID step input: steps[0].with.name must be string (got a mapping)',
      '10:57 OUTPUT_INVALID outputs.x.sensitive must be boolean (got "yes")',
    ]);
    expect(validate(docs[0]!).map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '1:13 apiVersion must be string (got 1)',
      '1:13 apiVersion must be one of "innominatus.io/v1", "v1" (got 1)',
      '2:7 kind must be string (got 2)',
      '2:7 kind must be one of "Workflow" (got 2)',
      '3:11 metadata must be object (got 3)',
      '4:13 parameters must be array (got 4)',
      '5:7 vars must be object (got 5)',
      '6:8 steps must be array (got 6)',
      '7:10 outputs must be object (got 7)',
    ]);
  });

  it('collects every problem, not the first only', () => {
    const yaml =
      HEAD + 'steps:\n  - name: a\n    type: nope\n    with: { name: "${{ vars.x }}" }\n  - name: a\n    type: test-credentials\n    with: { name: 1 }\n';
    expect(
      validate(yaml)
        .map((d) => `${d.line}:${d.col} ${d.code}`)
        .sort(),
    ).toEqual(['11:19 STEP_INPUT_INVALID', '7:11 UNKNOWN_STEP_TYPE', '8:24 UNKNOWN_REFERENCE', '9:11 DUPLICATE_STEP']);
  });
});
