import type { CompiledOutput, CompiledStep, RetryPolicy } from '../engine/compile-workflow';
import { parameterSchema } from '../engine/parameters';
import type { ParameterSpec, StepSpec } from '../model/workflow';
import type { StepRegistry } from '../steps/step-registry';
import { analyzeOutputs } from './analyze-outputs';
import { analyzeStep } from './analyze-step';
import { analyzeVars, type CompiledVars } from './analyze-vars';
import { FAILURE_STEP_VARIABLES } from './context-types';
import { collectDeclarations, isObject } from './declarations';
import { IssueList, type AnalysisIssue } from './issues';
import { checkShape } from './workflow-shape';
import { checkSizesWithVars } from './value-sizes';
import { WorkflowTypes } from './workflow-types';
import type { TemplateExpression } from '../expressions/template';

/** Options of {@link analyzeWorkflow}. */
export interface AnalyzeOptions {
  /** Retry policy for steps that set none. Default: 3 tries, 1 s backoff doubling to 30 s. */
  defaultRetry?: Partial<RetryPolicy>;
}

/** A workflow's parts, compiled (present only when the analysis found no error). */
export interface CompiledParts {
  parameterSchema: Record<string, unknown>;
  /** Parameters declared `type: number`: their whole numbers stay doubles in CEL. */
  doubleParameters: string[];
  vars: CompiledVars;
  steps: CompiledStep[];
  /** The `onFailure` steps, indexed after the steps (`steps.length + i`). */
  cleanup: CompiledStep[];
  outputs: CompiledOutput[];
}

/** The outcome of {@link analyzeWorkflow}: every issue, and the compiled parts when there is no error. */
export interface WorkflowAnalysis {
  issues: AnalysisIssue[];
  compiled?: CompiledParts;
  /**
   * The JSON type (`string`, `integer`, `number`, `boolean`, `object`,
   * `array`, `null`) of each step input value given as a whole expression,
   * by its JSON pointer, where the type checker knows it: what checks of
   * applied manifests against their kinds' schemas need.
   */
  expressionTypes: ReadonlyMap<string, string>;
}

/**
 * The one analysis of a workflow, in phases: shape; declarations (names
 * used twice, parameter schemas and defaults); vars (references, cycles,
 * inferred types in dependency order); each step (type, references, CEL types,
 * input schema, deferred fields, durations); outputs. Every rule of the
 * language lives here: the engine compiles with it and the SDK's validator
 * reports its issues with file positions.
 */
export function analyzeWorkflow(value: unknown, registry: StepRegistry, options: AnalyzeOptions = {}): WorkflowAnalysis {
  const issues = new IssueList();
  if (!checkShape(value, issues)) return { issues: issues.items, expressionTypes: new Map() };
  const doc = value as Record<string, unknown>;
  const declared = collectDeclarations(doc, registry, issues);
  const types = new WorkflowTypes(declared);
  const vars = analyzeVars(declared, types, issues);
  const retry: RetryPolicy = { attempts: 3, backoffMs: 1000, maxBackoffMs: 30_000, ...options.defaultRetry };
  const stepScope = { declared, types, registry, retry, issues };
  const steps = (doc.steps as StepSpec[]).map((spec, index) => analyzeStep(spec, index, stepScope));
  const cleanup = ((doc.onFailure ?? []) as StepSpec[]).map((spec, i) =>
    analyzeStep(spec, steps.length + i, stepScope, { pointer: `/onFailure/${i}`, variables: FAILURE_STEP_VARIABLES, noResumeFrom: true }),
  );
  const outputs = analyzeOutputs(isObject(doc.outputs) ? doc.outputs : {}, declared, types, vars.tainted, issues);
  checkSizesWithVars(readingSites(steps, cleanup, outputs), vars.sizes, issues);
  const expressionTypes = wholeInputTypes(steps, types);
  if (issues.hasErrors) return { issues: issues.items, expressionTypes };
  const params = (doc.parameters ?? []) as ParameterSpec[];
  return {
    issues: issues.items,
    compiled: {
      parameterSchema: parameterSchema(params),
      doubleParameters: params.filter((p) => p.type === 'number').map((p) => p.name),
      vars: { order: vars.order, templates: vars.templates },
      steps,
      cleanup,
      outputs,
    },
    expressionTypes,
  };
}

/** The expressions of the steps (input, condition, loop list), the cleanup steps and the outputs. */
function readingSites(steps: readonly CompiledStep[], cleanup: readonly CompiledStep[], outputs: readonly CompiledOutput[]): TemplateExpression[] {
  const sites: TemplateExpression[] = [];
  for (const step of [...steps, ...cleanup]) {
    for (const t of [step.condition, step.loop?.list, step.input]) if (t) sites.push(...t.expressions);
  }
  for (const output of outputs) sites.push(...output.template.expressions);
  return sites;
}

function wholeInputTypes(steps: readonly CompiledStep[], types: WorkflowTypes): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of steps) {
    for (const site of step.input.expressions) {
      const t = site.whole ? types.jsonTypeOf(site) : undefined;
      if (t !== undefined) out.set(site.pointer, t);
    }
  }
  return out;
}
