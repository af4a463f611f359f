import { formatReference } from '../expressions/references';
import type { TemplateExpression } from '../expressions/template';
import type { Declarations } from './declarations';
import { lookupSchema } from './schema-lookup';

/** What sensitive value an expression reads (e.g. `step output 'steps["x"].outputs.password'`), if any. */
export function sensitiveSource(site: TemplateExpression, declared: Declarations, taintedVars: ReadonlySet<string>): string | undefined {
  for (const ref of site.expression.references) {
    const [first, second, ...rest] = ref.path;
    if (first === undefined) continue;
    if (ref.root === 'parameters' && declared.parameters.get(first)?.sensitive === true) return `parameter '${first}'`;
    if (ref.root === 'vars' && taintedVars.has(first)) return `var '${first}'`;
    if (ref.root === 'steps' && second === 'outputs') {
      const output = declared.steps.get(first)?.output;
      if (output && lookupSchema(output, rest).sensitive) return `step output '${formatReference(ref)}'`;
    }
  }
  return undefined;
}

/** The vars computed, directly or through other vars, from a sensitive value. */
export function taintedVariables(varSites: ReadonlyMap<string, readonly TemplateExpression[]>, declared: Declarations): Set<string> {
  const tainted = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, sites] of varSites) {
      if (tainted.has(name)) continue;
      if (sites.some((s) => sensitiveSource(s, declared, tainted) !== undefined)) {
        tainted.add(name);
        changed = true;
      }
    }
  }
  return tainted;
}
