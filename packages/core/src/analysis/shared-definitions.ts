import type { ParameterSpec, Workflow } from '../model/workflow';
import { StepRegistry } from '../steps/step-registry';
import { unescapePointer } from '../util/json-pointer';
import { analyzeVars } from './analyze-vars';
import { collectDeclarations, isObject, varPointer } from './declarations';
import { IssueList, type AnalysisIssue } from './issues';
import { WorkflowTypes } from './workflow-types';

/**
 * What a provider declares once for all its workflows (`parameters` and
 * `vars` of provider.yaml): every workflow of the provider has these
 * parameters and can read these vars, so that create, update and delete
 * share one naming rule.
 */
export interface SharedDefinitions {
  parameters?: ParameterSpec[];
  vars?: Record<string, unknown>;
}

/** Where a field of a workflow combined with shared definitions was written. */
export interface DefinitionOrigin {
  /** `provider`: in provider.yaml's shared definitions; `workflow`: in the workflow's own file. */
  in: 'provider' | 'workflow';
  /** The field's JSON pointer inside that document. */
  pointer: string;
}

/** A workflow with its provider's shared definitions in it (see {@link withSharedDefinitions}). */
export interface SharedWorkflow {
  /** The workflow as the engine runs it: the shared parameters first, then its own; the shared vars and its own. */
  workflow: Workflow;
  /** Names the workflow declares again although the provider declares them (pointers in the workflow's file). */
  issues: AnalysisIssue[];
  /** Where a pointer of {@link SharedWorkflow.workflow} was written. */
  origin(pointer: string): DefinitionOrigin;
}

const NO_STEPS = new StepRegistry();

/**
 * The one analysis of a provider's shared definitions, with pointers into
 * provider.yaml: the parameters' schemas and defaults, and the vars'
 * references (a shared var reads only shared parameters, other shared vars,
 * `resource` and `run`), cycles and types.
 */
export function analyzeSharedDefinitions(shared: { parameters?: unknown; vars?: unknown }): AnalysisIssue[] {
  const issues = new IssueList();
  if (shared.parameters !== undefined && !Array.isArray(shared.parameters))
    issues.error('WORKFLOW_SCHEMA', 'parameters must be a list of parameter definitions', '/parameters');
  if (shared.vars !== undefined && !isObject(shared.vars)) issues.error('WORKFLOW_SCHEMA', 'vars must be a map of name: value', '/vars');
  if (issues.hasErrors) return issues.items;
  const params = (shared.parameters ?? []) as unknown[];
  params.forEach((p, i) => {
    if (typeof (p as { name?: unknown } | null)?.name !== 'string') issues.error('WORKFLOW_SCHEMA', `parameter #${i + 1} has no name`, `/parameters/${i}`);
  });
  if (issues.hasErrors) return issues.items;
  const declared = collectDeclarations({ parameters: params, vars: shared.vars ?? {}, steps: [] }, NO_STEPS, issues);
  analyzeVars(declared, new WorkflowTypes(declared), issues);
  return issues.items;
}

/**
 * Combines a workflow with its provider's shared definitions: the shared
 * parameters come first, then the workflow's own; the workflow reads the
 * shared vars as its own. A parameter or var the workflow declares again is
 * an error (one rule, one place). Without shared definitions the workflow
 * is returned as it is.
 */
export function withSharedDefinitions(workflow: Workflow, shared: SharedDefinitions | undefined): SharedWorkflow {
  const sharedParams = Array.isArray(shared?.parameters) ? shared.parameters : [];
  const sharedVars = isObject(shared?.vars) ? shared.vars : {};
  const sharedVarNames = new Set(Object.keys(sharedVars));
  if (!isObject(workflow) || (sharedParams.length === 0 && sharedVarNames.size === 0)) {
    return { workflow, issues: [], origin: (pointer) => ({ in: 'workflow', pointer }) };
  }
  const issues = new IssueList();
  const own = Array.isArray(workflow.parameters) ? workflow.parameters : [];
  const sharedIndex = new Map(sharedParams.map((p, i) => [p?.name, i]));
  own.forEach((p, i) => {
    const j = sharedIndex.get(p?.name);
    if (j !== undefined)
      issues.error(
        'DUPLICATE_PARAMETER',
        `parameter '${p.name}' is declared by the provider (provider.yaml parameters[${j}]); remove it here`,
        `/parameters/${i}/name`,
      );
  });
  // A parameter declared again is left out (reported above), so that the rest of the analysis sees one of each.
  const kept = own.map((p, i) => [p, i] as const).filter(([p]) => !sharedIndex.has(p?.name));
  const ownVars = isObject(workflow.vars) ? workflow.vars : {};
  for (const name of Object.keys(ownVars)) {
    if (sharedVarNames.has(name))
      issues.error('DUPLICATE_VAR', `var '${name}' is declared by the provider (provider.yaml vars.${name}); remove it here`, varPointer(name), 'key');
  }
  const n = sharedParams.length;
  const combined: Workflow = { ...workflow, parameters: [...sharedParams, ...kept.map(([p]) => p)], vars: { ...sharedVars, ...ownVars } };
  const origin = (pointer: string): DefinitionOrigin => {
    const param = /^\/parameters\/(\d+)(\/.*)?$/.exec(pointer);
    if (param) {
      const i = Number(param[1]);
      if (i < n) return { in: 'provider', pointer };
      const ownIndex = kept[i - n]?.[1] ?? i - n;
      return { in: 'workflow', pointer: `/parameters/${ownIndex}${param[2] ?? ''}` };
    }
    if (pointer === '/parameters' && own.length === 0) return { in: 'provider', pointer };
    const v = /^\/vars\/([^/]*)(\/.*)?$/.exec(pointer);
    if (v && !Object.hasOwn(ownVars, unescapePointer(v[1]!)) && sharedVarNames.has(unescapePointer(v[1]!))) return { in: 'provider', pointer };
    return { in: 'workflow', pointer };
  };
  return { workflow: combined, issues: issues.items, origin };
}

/**
 * The names of shared definitions a workflow lacks: a provider's workflows
 * must be combined with its definitions ({@link withSharedDefinitions}) before they are registered.
 */
export function missingSharedDefinitions(workflow: Workflow, shared: SharedDefinitions): string[] {
  const params = new Set((Array.isArray(workflow.parameters) ? workflow.parameters : []).map((p) => p?.name));
  const vars = isObject(workflow.vars) ? workflow.vars : {};
  return [
    ...(Array.isArray(shared.parameters) ? shared.parameters : []).filter((p) => !params.has(p?.name)).map((p) => `parameters.${p?.name}`),
    ...Object.keys(isObject(shared.vars) ? shared.vars : {})
      .filter((name) => !Object.hasOwn(vars, name))
      .map((name) => `vars.${name}`),
  ];
}
