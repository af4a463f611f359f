import type { Template } from '../expressions/template';
import type { StepSpec } from '../model/workflow';
import type { CelType } from './cel-types';
import { checkReferences } from './reference-check';
import type { StepScope } from './analyze-step';
import { compileSites } from './template-sites';

/** The most iterations of a forEach step run at once. */
export const MAX_PARALLELISM = 16;

/** A forEach step's loop: its list, how many iterations run at once, and the types of `item` and `index`. */
export interface CompiledLoop {
  list: Template;
  parallelism: number;
  /** The CEL types of the variables each iteration adds: `item` (the list's element type, `dyn` when unknown) and `index`. */
  roots: Readonly<Record<string, CelType>>;
}

/**
 * Compiles a step's `forEach` (a `${{ }}` expression giving a list, over the
 * step's own variables) and `parallelism` (an integer from 1 to
 * {@link MAX_PARALLELISM}, default 1; else `WORKFLOW_SCHEMA`, as the file
 * schema has it). A known type other than a list, text around the
 * expression, or a `parallelism` without `forEach` is `FOR_EACH_INVALID`.
 * Undefined when the step has no `forEach`.
 */
export function analyzeForEach(spec: StepSpec, index: number, scope: StepScope, base: string, variables: readonly string[]): CompiledLoop | undefined {
  const { issues } = scope;
  const parallelism = spec.parallelism ?? 1;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM)
    issues.error('WORKFLOW_SCHEMA', `parallelism must be an integer from 1 to ${MAX_PARALLELISM} (got ${JSON.stringify(parallelism)})`, `${base}/parallelism`);
  if (spec.forEach === undefined) {
    if (spec.parallelism !== undefined) issues.error('FOR_EACH_INVALID', 'parallelism applies only to a step with forEach', `${base}/parallelism`, 'key');
    return undefined;
  }
  const pointer = `${base}/forEach`;
  if (typeof spec.forEach !== 'string') {
    issues.error('WORKFLOW_SCHEMA', `forEach must be a \${{ }} expression giving a list (got ${typeof spec.forEach})`, pointer);
    return undefined;
  }
  const { template, ok } = compileSites(spec.forEach, { pointer, variables }, issues);
  const site = template.expressions[0];
  if (!site?.whole) {
    if (ok) issues.error('FOR_EACH_INVALID', 'forEach must be one ${{ }} expression giving a list', pointer);
    return undefined;
  }
  let item: CelType = 'dyn';
  const refsOk = checkReferences(site, { kind: 'step', index }, scope.declared, issues).ok;
  if (ok && refsOk && scope.types.checkAll([site], scope.types.checker(variables), issues)) {
    const t = scope.types.typeOf(site) ?? 'dyn';
    if (t.startsWith('list<') && t.endsWith('>')) item = t.slice(5, -1);
    else if (t !== 'dyn' && t !== 'list')
      issues.error('FOR_EACH_INVALID', `forEach must give a list; '${site.expression.source}' is of type ${t}`, pointer, { offset: site.offset });
  }
  return { list: template, parallelism, roots: { item, index: 'int' } };
}
