import { estimateCost, isAscii, type KnownSizes, type ValueSize } from '../expressions/cost';
import { costError } from '../expressions/cost-error';
import { expressionAst, expressionSize } from '../expressions/expression';
import type { TemplateExpression } from '../expressions/template';
import type { IssueList } from './issues';

/**
 * Estimates again, now with the sizes of the vars known, each expression
 * that reads `vars`: one that builds a value over a size limit from a large
 * var (or iterates one past the step limit) is `EXPRESSION_COST` at the
 * operation at fault, as it would fail at run time. Expressions already
 * refused without the vars' sizes never reach here (they did not compile).
 *
 * @returns false when any was refused.
 */
export function checkSizesWithVars(sites: readonly TemplateExpression[], vars: KnownSizes, issues: IssueList): boolean {
  let ok = true;
  for (const site of sites) {
    if (!readsKnownVar(site, vars)) continue;
    const { excess } = estimateCost(expressionAst(site.expression), vars);
    if (!excess) continue;
    ok = false;
    const err = costError(site.expression.source, excess);
    issues.error('EXPRESSION_COST', err.message, site.pointer, { offset: site.offset + (err.offset ?? 0) });
  }
  return ok;
}

/**
 * The size of a var's value, when known before the run: a value written
 * without expressions is measured as written; a whole expression has its
 * estimate's size. A value mixing text or structure with expressions has
 * no known size.
 */
export function varValueSize(value: unknown, sites: readonly TemplateExpression[], vars: KnownSizes): ValueSize | undefined {
  if (sites.length === 0) return literalSize(value);
  const site = sites[0]!;
  if (sites.length > 1 || !site.whole || typeof value !== 'string') return undefined;
  return readsKnownVar(site, vars) ? estimateCost(expressionAst(site.expression), vars).size : expressionSize(site.expression);
}

/** True when the expression reads a var of known size (or a var it names by a computed key). */
function readsKnownVar(site: TemplateExpression, vars: KnownSizes): boolean {
  if (vars.size === 0) return false;
  return site.expression.references.some((r) => r.root === 'vars' && (r.path.length === 0 || vars.has(r.path[0]!)));
}

/** A literal's size as the estimate counts it: a string its characters; a list or map one per element or entry, plus its contents. */
function literalSize(value: unknown): ValueSize | undefined {
  if (typeof value === 'string') return { kind: 'string', length: value.length, total: value.length, ...(isAscii(value) ? { ascii: true } : {}) };
  if (Array.isArray(value)) return { kind: 'list', length: value.length, total: value.length + contents(value) };
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    let total = entries.length;
    for (const [k, v] of entries) total += k.length + contents([v]);
    return { kind: 'map', length: entries.length, total };
  }
  return undefined;
}

function contents(items: readonly unknown[]): number {
  let total = 0;
  for (const item of items) total += literalSize(item)?.total ?? 1;
  return total;
}
