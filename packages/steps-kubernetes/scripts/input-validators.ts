import { checkingValidatorsSource } from '@innominatus/core/internal';
import { kubernetesSteps } from '../src/kubernetes-steps';

/**
 * The source of the ES module the build puts in place of
 * src/input-validators.ts: ajv standalone code for each step type's input
 * schema, compiled as core's analysis compiles it, exported as
 * `inputValidators` by step type. The code `require`s ajv's small run-time
 * helpers (`ucs2length`); the build bundles them.
 */
export function inputValidatorsSource(): string {
  const steps = kubernetesSteps();
  const code = checkingValidatorsSource(Object.fromEntries(steps.map((s, i) => [`input${i}`, s.input])), true);
  const byType = steps.map((s, i) => `${JSON.stringify(s.type)}: input${i}`).join(', ');
  return `${code}\nexport const inputValidators = { ${byType} };\n`;
}
