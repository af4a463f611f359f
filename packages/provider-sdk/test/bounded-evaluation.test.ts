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

  it('one comprehension over a parameter list validates', () => {
    expect(validate(workflow('parameters.a.all(x, x.matches("^[a-z]+$"))'))).toStrictEqual([]);
  });
});
