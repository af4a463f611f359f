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
