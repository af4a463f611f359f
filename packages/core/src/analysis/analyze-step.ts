import type { CompiledStep, RetryPolicy } from '../engine/compile-workflow';
import { WORKFLOW_VARIABLES } from '../expressions/cel-environment';
import { compileExpression, type CompiledExpression } from '../expressions/expression';
import type { Template } from '../expressions/template';
import { hasTemplate } from '../expressions/template-scanner';
import { STEP_FIELDS, type StepSpec } from '../model/workflow';
import { type TSchema, Type } from '@sinclair/typebox';
import { stepOutputSchema, type StepDefinition } from '../steps/define-step';
import type { StepRegistry } from '../steps/step-registry';
import { escapePointer } from '../util/json-pointer';
import { analyzeForEach } from './analyze-for-each';
import type { Declarations } from './declarations';
import { closest, didYouMean } from './did-you-mean';
import { durationField } from './durations';
import type { IssueList } from './issues';
import { checkReferences } from './reference-check';
import { checkTemplateAgainstSchema } from './schema-type-check';
import { compileIssueCode, compileSites } from './template-sites';
import type { ExpressionTypeChecker } from './type-checker';
import type { WorkflowTypes } from './workflow-types';

/** Where a step is written: its JSON pointer and the variables its expressions read (default: a step of `steps`). */
export interface StepPlace {
  /** e.g. `/onFailure/0`; default `/steps/INDEX`. */
  pointer?: string;
  variables?: readonly string[];
  /** `resumeFrom` is not allowed here (an `onFailure` step). */
  noResumeFrom?: boolean;
}

/** Everything a step analysis needs from the workflow around it. */
export interface StepScope {
  declared: Declarations;
  types: WorkflowTypes;
  registry: StepRegistry;
  retry: RetryPolicy;
  issues: IssueList;
}

/** The outputs of a step of an unknown type: anything (such a workflow does not compile, so the step never runs). */
const UNKNOWN_OUTPUT: TSchema = Type.Unknown();

/**
 * Analyses one step: its type, `if` (a template, or bare CEL), `with` (its
 * expressions, their references and types, and the input schema), its
 * deferred fields (bare CEL the step evaluates later), timeout and retry.
 */
export function analyzeStep(spec: StepSpec, index: number, scope: StepScope, place: StepPlace = {}): CompiledStep {
  const { registry, issues } = scope;
  const base = place.pointer ?? `/steps/${index}`;
  const definition = registry.find(spec.type);
  if (!definition) {
    const known = registry.types();
    issues.error('UNKNOWN_STEP_TYPE', `unknown step type '${spec.type}'${didYouMean(spec.type, known)} (known: ${known.join(', ') || 'none'})`, `${base}/type`);
  }
  const loop = analyzeForEach(spec, index, scope, base, place.variables ?? WORKFLOW_VARIABLES);
  const variables = loop ? [...(place.variables ?? WORKFLOW_VARIABLES), ...Object.keys(loop.roots)] : (place.variables ?? WORKFLOW_VARIABLES);
  const checkerOf = () => scope.types.checker(variables, undefined, loop?.roots);
  const withValue = spec.with ?? {};
  const deferred = definition ? compileDeferred(definition, withValue, base, scope) : new Map<string, CompiledExpression>();
  const checker = checkerOf();
  const { template: input, ok } = compileSites(withValue, { pointer: `${base}/with`, variables, literalKeys: Object.keys(definition?.deferred ?? {}) }, issues);
  const refsOk = input.expressions.map((site) => checkReferences(site, { kind: 'step', index }, scope.declared, issues).ok).every(Boolean);
  const typed = ok && refsOk && scope.types.checkAll(input.expressions, checker, issues);
  // An input written under a misspelt `with` (`wiht:`) is reported as that unknown key, not again as an empty input.
  if (definition && typed && !inputMisspelt(spec)) {
    const target = { schema: definition.input, code: 'STEP_INPUT_INVALID' as const, label: 'step input' };
    checkTemplateAgainstSchema(withValue, `${base}/with`, target, input.expressions, (s) => scope.types.jsonTypeOf(s), issues);
  }
  const condition = compileCondition(spec, index, scope, base, variables, checkerOf);
  const timeoutMs = durationField(spec.timeout ?? definition?.timeout, `${base}/timeout`, 0, issues);
  const retry: RetryPolicy = {
    attempts: spec.retry?.attempts ?? scope.retry.attempts,
    backoffMs: durationField(spec.retry?.backoff, `${base}/retry/backoff`, scope.retry.backoffMs, issues),
    maxBackoffMs: durationField(spec.retry?.maxBackoff, `${base}/retry/maxBackoff`, scope.retry.maxBackoffMs, issues),
  };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1 || retry.attempts > 100) {
    issues.error('WORKFLOW_SCHEMA', `retry.attempts must be an integer from 1 to 100 (got ${JSON.stringify(retry.attempts)})`, `${base}/retry/attempts`);
  }
  if (place.noResumeFrom && spec.resumeFrom !== undefined)
    issues.error('RESUME_FROM_INVALID', 'an onFailure step runs once the run has failed: it cannot resume from a step', `${base}/resumeFrom`, 'key');
  const resumeFromIndex = place.noResumeFrom ? undefined : resumeFrom(spec, index, base, scope);
  return {
    index,
    pointer: base,
    spec,
    definition: definition!,
    outputSchema: definition ? stepOutputSchema(definition, spec.with) : UNKNOWN_OUTPUT,
    input,
    ...(condition ? { condition } : {}),
    deferred,
    timeoutMs,
    retry,
    ...(resumeFromIndex === undefined ? {} : { resumeFromIndex }),
    ...(loop ? { loop: { list: loop.list, parallelism: loop.parallelism } } : {}),
  };
}

/** The index of the earlier step `resumeFrom` names (a resume runs again from there when this step failed). */
function resumeFrom(spec: StepSpec, index: number, base: string, scope: StepScope): number | undefined {
  if (typeof spec.resumeFrom !== 'string') return undefined;
  const target = scope.declared.steps.get(spec.resumeFrom);
  if (target && target.index < index) return target.index;
  const why =
    spec.resumeFrom === spec.name
      ? 'a step cannot resume from itself'
      : target
        ? `step '${spec.resumeFrom}' comes after it`
        : `no step is named '${spec.resumeFrom}'${didYouMean(spec.resumeFrom, scope.declared.steps.keys())}`;
  scope.issues.error('RESUME_FROM_INVALID', `resumeFrom must name an earlier step: ${why}`, `${base}/resumeFrom`);
  return undefined;
}

/** `if:` is a template, or bare CEL when it holds no `${{ }}`; a known type other than bool is an error. */
function compileCondition(
  spec: StepSpec,
  index: number,
  scope: StepScope,
  base: string,
  variables: readonly string[],
  checkerOf: () => ExpressionTypeChecker,
): Template | undefined {
  if (spec.if === undefined || spec.if === true) return undefined;
  const pointer = `${base}/if`;
  const bare = typeof spec.if === 'string' && !hasTemplate(spec.if);
  if (bare) {
    try {
      compileExpression(spec.if as string, variables);
    } catch (err) {
      const e = err as { message: string; offset?: number };
      scope.issues.error(compileIssueCode(err), e.message, pointer, { offset: e.offset ?? 0 });
      return undefined;
    }
  }
  const { template, ok } = compileSites(bare ? `\${{ ${spec.if} }}` : spec.if, { pointer, variables }, scope.issues);
  // Offsets of bare CEL are inside the text as written, not inside the `${{ }}` put around it.
  const sites = bare ? template.expressions.map((s) => ({ ...s, offset: 0 })) : template.expressions;
  const refsOk = sites.map((site) => checkReferences(site, { kind: 'step', index }, scope.declared, scope.issues).ok).every(Boolean);
  if (ok && refsOk && scope.types.checkAll(sites, checkerOf(), scope.issues)) {
    const site = sites[0];
    const t = site?.whole ? scope.types.typeOf(site) : undefined;
    if (site && t !== undefined && t !== 'bool' && t !== 'dyn') {
      scope.issues.error('EXPRESSION_TYPE', `'if' must give true or false; '${site.expression.source}' is of type ${t}`, pointer, { offset: site.offset });
    }
  }
  return template;
}

/** Deferred fields hold bare CEL over the step's own variables (e.g. `object`): parsed and type-checked now. */
function compileDeferred(def: StepDefinition, withValue: Record<string, unknown>, base: string, scope: StepScope): Map<string, CompiledExpression> {
  const deferred = new Map<string, CompiledExpression>();
  for (const [field, variables] of Object.entries(def.deferred)) {
    const text = withValue[field];
    if (text === undefined || typeof text !== 'string') continue; // the input schema reports a non-string
    const pointer = `${base}/with/${escapePointer(field)}`;
    if (hasTemplate(text)) {
      scope.issues.error('STEP_INPUT_INVALID', `'${field}' is evaluated later by the step: write the CEL expression without \${{ }}`, pointer);
      continue;
    }
    let expression: CompiledExpression;
    try {
      expression = compileExpression(text, variables);
    } catch (err) {
      const e = err as { message: string; offset?: number };
      scope.issues.error(compileIssueCode(err), `${field}: ${e.message}`, pointer, { offset: e.offset ?? 0 });
      continue;
    }
    deferred.set(field, expression);
    const site = { pointer, offset: 0, whole: true, expression };
    scope.types.checkAll([site], scope.types.checker(variables), scope.issues);
  }
  return deferred;
}

/** True when a step has no `with` but has an unknown key that is a likely typo of it. */
function inputMisspelt(step: StepSpec): boolean {
  return step.with === undefined && Object.keys(step).some((k) => !STEP_FIELDS.includes(k) && closest(k, STEP_FIELDS) === 'with');
}
