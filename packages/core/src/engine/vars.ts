import { WorkflowError } from '../errors';
import { compileTemplate, escapePointer, type Template } from '../expressions/template';

/** The vars of a workflow, compiled and in an order where each comes after the vars it reads. */
export interface CompiledVars {
  order: string[];
  templates: Map<string, Template>;
}

const VAR_VARIABLES = ['parameters', 'vars', 'resource', 'run'] as const;

/**
 * Compiles `vars` and orders them by dependency.
 *
 * @throws WorkflowError `VARS_CYCLE` naming the loop (`a -> b -> a`), or
 * `WORKFLOW_INVALID` for a reference to a var that does not exist.
 */
export function compileVars(vars: Record<string, unknown> = {}): CompiledVars {
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw new WorkflowError('vars must be a map of name: value', { path: '/vars' });
  }
  const templates = new Map<string, Template>();
  const deps = new Map<string, string[]>();
  for (const [name, value] of Object.entries(vars)) {
    const t = compileTemplate(value, { pointer: `/vars/${escapePointer(name)}`, variables: VAR_VARIABLES });
    templates.set(name, t);
    const d = new Set<string>();
    for (const e of t.expressions) {
      for (const r of e.expression.references) {
        if (r.root !== 'vars') continue;
        const target = r.path[0];
        if (target === undefined) {
          throw new WorkflowError(`var '${name}' reads all of 'vars'; name the var it needs`, { path: e.pointer });
        }
        if (!(target in vars)) {
          throw new WorkflowError(`var '${name}' reads vars.${target}, which is not declared`, { path: e.pointer });
        }
        d.add(target);
      }
    }
    deps.set(name, [...d]);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') {
      const loop = [...stack.slice(stack.indexOf(n)), n];
      throw new WorkflowError(`vars form a cycle: ${loop.join(' -> ')}`, { code: 'VARS_CYCLE', path: `/vars/${escapePointer(n)}` });
    }
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) visit(d);
    stack.pop();
    state.set(n, 'done');
    order.push(n);
  };
  for (const n of templates.keys()) visit(n);
  return { order, templates };
}
