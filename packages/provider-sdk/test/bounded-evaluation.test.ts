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

const workflow = (expr: string) => `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: wf
parameters:
  - { name: a, type: array, items: { type: string } }
  - { name: b, type: array, items: { type: string } }
steps:
  - name: a
    type: test-apply
    with:
      manifest: { kind: x, metadata: { name: y } }
outputs:
  x: '\${{ ${expr} }}'
`;

describe('validate refuses expressions whose estimated work is over the limit', () => {
  it('comprehensions nested over parameter lists: EXPRESSION_COST at the outer comprehension', () => {
    expect(validate(workflow('parameters.a.all(x, parameters.b.exists(y, y == x))'))).toStrictEqual([
      "wf.yaml:14:24: error: expression 'parameters.a.all(x, parameters.b.exists(y, y == x))' may take 700,080,004 evaluation steps at character 14 (a list of unknown size counts as 10,000 elements, the most one may hold); the limit is 1,000,000: nest fewer comprehensions [EXPRESSION_COST]",
    ]);
  });

  it('a list doubled through nested cel.bind: EXPRESSION_COST at the + that crosses the list limit', () => {
    // [1, 2] doubled 13 times: 16,384 elements, over the 10,000 a list may hold.
    let body = 'a13';
    for (let i = 13; i >= 1; i--) body = `cel.bind(a${i}, a${i - 1} + a${i - 1}, ${body})`;
    const expr = `cel.bind(a0, [1, 2], ${body})`;
    expect(validate(workflow(expr))).toStrictEqual([
      `wf.yaml:14:321: error: expression '${expr.slice(0, 57)}...' builds a list of up to 16,384 elements at character 311; the limit is 10,000 [EXPRESSION_COST]`,
    ]);
  });

  it('one comprehension over a parameter list validates', () => {
    expect(validate(workflow('parameters.a.all(x, x.matches("^[a-z]+$"))'))).toStrictEqual([]);
  });
});

/** `cel.bind(a0, first, cel.bind(a1, a0 + a0, ... aN))`: `first` doubled `levels` times. */
function doubled(levels: number, first: string): string {
  let inner = `a${levels}`;
  for (let i = levels; i >= 1; i--) inner = `cel.bind(a${i}, a${i - 1} + a${i - 1}, ${inner})`;
  return `cel.bind(a0, ${first}, ${inner})`;
}

/** A workflow whose var `a` is a string of 524,288 characters and `b` twice that (1 MiB, the most a string may hold). */
const chain = (vars: string, step = "'x'", output = "'\${{ vars.b.size() }}'") => `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: wf
vars:
  a: '\${{ ${doubled(18, '"ab"')} }}'
  b: '\${{ vars.a + vars.a }}'
${vars}steps:
  - name: a
    type: test-apply
    with:
      manifest: { kind: x, metadata: { name: ${step} } }
outputs:
  x: ${output}
`;

describe('validate follows the sizes of vars into the expressions that read them', () => {
  const cases: Array<{ name: string; text: string; expected: string[] }> = [
    {
      name: 'a var built from a var of 1 MiB: EXPRESSION_COST at its +',
      text: chain(`  c: '\${{ vars.b + "x" }}'\n`),
      expected: [
        'wf.yaml:8:18: error: expression \'vars.b + "x"\' builds a string of up to 1,048,577 characters at character 8; the limit is 1,048,576 [EXPRESSION_COST]',
      ],
    },
    {
      name: 'a var of 6,000 elements written as YAML, joined to itself: at the +',
      text: chain(`  items: [${Array.from({ length: 6000 }, () => '1').join(', ')}]\n  both: '\${{ vars.items + vars.items }}'\n`),
      expected: [
        "wf.yaml:9:25: error: expression 'vars.items + vars.items' builds a list of up to 12,000 elements at character 12; the limit is 10,000 [EXPRESSION_COST]",
      ],
    },
    {
      name: 'split of a large var, through a var of the var: at split',
      text: chain(`  c: '\${{ vars["a"] }}'\n  parts: '\${{ vars.c.split("") }}'\n`),
      expected: [
        'wf.yaml:9:22: error: expression \'vars.c.split("")\' builds a list of up to 524,288 elements at character 8; the limit is 10,000 [EXPRESSION_COST]',
      ],
    },
    {
      name: 'a map literal of large vars: at its brace',
      text: chain(`  m: '\${{ {"a": vars.b, "b": vars.b, "c": vars.b, "d": vars.b} }}'\n`),
      expected: [
        'wf.yaml:8:11: error: expression \'{"a": vars.b, "b": vars.b, "c": vars.b, "d": vars.b}\' builds a value of up to 4,194,312 characters and elements in all at character 1; the limit is 4,194,304 [EXPRESSION_COST]',
      ],
    },
    {
      name: 'a step input and an output reading a large var: each at its +',
      text: chain('', "'\${{ vars.b + vars.b }}'", "'\${{ base64Encode(vars.b) }}'"),
      expected: [
        "wf.yaml:12:58: error: expression 'vars.b + vars.b' builds a string of up to 2,097,152 characters at character 8; the limit is 1,048,576 [EXPRESSION_COST]",
        "wf.yaml:14:11: error: expression 'base64Encode(vars.b)' builds a string of up to 1,398,104 characters at character 1; the limit is 1,048,576 [EXPRESSION_COST]",
      ],
    },
  ];

  it.each(cases)('$name', ({ text, expected }) => {
    expect(validate(text)).toStrictEqual(expected);
  });

  it('the same vars within the limits validate', () => {
    expect(validate(chain(`  c: '\${{ vars.a + "x" }}'\n  parts: '\${{ vars.b.split(",", 2) }}'\n`))).toStrictEqual([]);
    // A size that is only an upper bound is not refused: split on a separator makes up to 1,048,577 strings of vars.b, at run time one.
    expect(validate(chain(`  parts: '\${{ vars.b.split(",").size() }}'\n  clean: '\${{ vars.b.trim() + "x" }}'\n`))).toStrictEqual([]);
  });
});
