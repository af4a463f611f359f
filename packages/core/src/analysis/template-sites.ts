import { compileTemplate, type CompileTemplateOptions, type Template, type TemplateProblem } from '../expressions/template';
import type { IssueCode, IssueList } from './issues';

/** The issue code of an expression refused at compile time: too costly, else a syntax error. */
export function compileIssueCode(err: unknown): IssueCode {
  return (err as { code?: string } | null)?.code === 'EXPRESSION_COST' ? 'EXPRESSION_COST' : 'EXPRESSION_SYNTAX';
}

/**
 * Compiles a template collecting every expression that does not parse
 * (`EXPRESSION_SYNTAX` at the character, or `EXPRESSION_COST` when its
 * estimated work is over the limit), instead of stopping at the first.
 * `ok` is false when any did not parse; such a template is never rendered.
 */
export function compileSites(
  value: unknown,
  options: Omit<CompileTemplateOptions, 'problems'>,
  issues: IssueList,
  label = '',
): { template: Template; ok: boolean } {
  const problems: TemplateProblem[] = [];
  const template = compileTemplate(value, { ...options, problems });
  for (const p of problems) issues.error(compileIssueCode(p.error), `${label}${p.error.message}`, p.pointer, { offset: p.offset });
  return { template, ok: problems.length === 0 };
}
