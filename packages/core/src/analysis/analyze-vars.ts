import { WORKFLOW_VARIABLES } from '../expressions/cel-environment';
import type { ValueSize } from '../expressions/cost';
import type { Template, TemplateExpression } from '../expressions/template';
import { varPointer, type Declarations } from './declarations';
import { IssueList, type AnalysisIssue } from './issues';
import { checkReferences } from './reference-check';
import { taintedVariables } from './sensitivity';
import { compileSites } from './template-sites';
import { checkSizesWithVars, varValueSize } from './value-sizes';
import { orderVars } from './var-order';
import type { WorkflowTypes } from './workflow-types';

/** The variables a var's expressions may use (no steps: vars are evaluated before the first step). */
export const VAR_VARIABLES: readonly string[] = Object.freeze(['parameters', 'vars', 'resource', 'run']);

/** The vars of a workflow, compiled and in an order where each comes after the vars it reads. */
export interface CompiledVars {
  order: string[];
  templates: Map<string, Template>;
}

/** What the analysis of `vars` leaves for the phases after it. */
export interface VarsAnalysis extends CompiledVars {
  /** Vars computed from a sensitive value. */
  tainted: Set<string>;
  /** The size of each var whose size is known before the run (for the estimates of the expressions that read it). */
  sizes: Map<string, ValueSize>;
}

/**
 * Compiles each var, checks what it reads, orders the vars by dependency
 * (cycles reported) and infers each var's type and size in that order, so
 * that a var reading another is checked against the type inferred for it,
 * and a var built from a large one is refused when it would be over a limit.
 */
export function analyzeVars(declared: Declarations, types: WorkflowTypes, issues: IssueList): VarsAnalysis {
  const templates = new Map<string, Template>();
  const sites = new Map<string, readonly TemplateExpression[]>();
  const deps = new Map<string, string[]>();
  const checkable = new Set<string>();
  for (const [name, value] of declared.vars) {
    // Compiled over every root, so that a var reading `steps` is reported as such rather than as an unknown variable.
    const { template, ok } = compileSites(value, { pointer: varPointer(name), variables: WORKFLOW_VARIABLES }, issues);
    templates.set(name, template);
    sites.set(name, template.expressions);
    const read = new Set<string>();
    let refsOk = true;
    for (const site of template.expressions) {
      const r = checkReferences(site, { kind: 'vars', name }, declared, issues);
      for (const v of r.vars) read.add(v);
      refsOk &&= r.ok;
    }
    deps.set(name, [...read]);
    if (ok && refsOk) checkable.add(name);
  }
  const order = orderVars(deps, issues);
  const typeIssues = inferVarTypes(order, deps, sites, checkable, declared, types);
  const sizes = new Map<string, ValueSize>();
  for (const name of order) {
    const expressions = sites.get(name)!;
    issues.items.push(...(typeIssues.get(name) ?? []));
    if (!checkable.has(name) || !checkSizesWithVars(expressions, sizes, issues)) continue;
    const size = varValueSize(declared.vars.get(name), expressions, sizes);
    if (size) sizes.set(name, size);
  }
  for (const name of declared.vars.keys()) if (!order.includes(name)) types.setVar(name, 'dyn');
  return { order, templates, tainted: taintedVariables(sites, declared), sizes };
}

/**
 * Infers each var's type, level by level: a var's level is one more than the
 * highest of the vars it reads (0 when it reads none), and the vars of a level
 * are checked with `vars` typed by every var of the levels below. An
 * expression reads only the vars it names, so the extra fields change no
 * outcome, and the vars of one level share one checker: each checker costs a
 * CEL environment (cloning one copies the language's every function and
 * operator), one per var before. Returns each var's type errors, to be
 * reported in the vars' order.
 */
function inferVarTypes(
  order: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
  sites: ReadonlyMap<string, readonly TemplateExpression[]>,
  checkable: ReadonlySet<string>,
  declared: Declarations,
  types: WorkflowTypes,
): Map<string, readonly AnalysisIssue[]> {
  const level = new Map<string, number>();
  // Each var comes after the vars it reads, so their levels are known.
  for (const name of order) level.set(name, Math.max(-1, ...(deps.get(name) ?? []).map((d) => level.get(d) ?? -1)) + 1);
  const byLevel = [...order].sort((a, b) => level.get(a)! - level.get(b)!);
  const found = new Map<string, readonly AnalysisIssue[]>();
  let checker: ReturnType<WorkflowTypes['checker']> | undefined;
  let checkerLevel = -1;
  for (const name of byLevel) {
    const expressions = sites.get(name)!;
    if (level.get(name) !== checkerLevel) {
      checkerLevel = level.get(name)!;
      checker = undefined;
    }
    let typed = false;
    if (checkable.has(name)) {
      checker ??= types.checker(
        VAR_VARIABLES,
        byLevel.filter((v) => level.get(v)! < checkerLevel),
      );
      const list = new IssueList();
      typed = types.checkAll(expressions, checker, list);
      found.set(name, list.items);
    }
    types.setVar(name, typed ? types.valueType(declared.vars.get(name), expressions) : 'dyn');
  }
  return found;
}
