import { compileTemplate, type CompileTemplateOptions, type Template, type TemplateProblem } from '../expressions/template';
import type { IssueList } from './issues';

/**
 * Compiles a template collecting every expression that does not parse
 * (`EXPRESSION_SYNTAX` at the character), instead of stopping at the first.
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
  for (const p of problems) issues.error('EXPRESSION_SYNTAX', `${label}${p.error.message}`, p.pointer, { offset: p.offset });
  return { template, ok: problems.length === 0 };
}
