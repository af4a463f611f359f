import { celEnvironment } from './cel-environment';
import { RE2_MATCHES } from './regex';

/** Namespaces as written in expressions (cel-js names their types). */
const NAMESPACES: Array<[RegExp, string]> = [
  [/^CelNamespace\./, 'cel.'],
  [/^OptionalNamespace\./, 'optional.'],
];

/** Notes on standard functions whose behaviour here is worth saying. */
const NOTES: Record<string, string> = {
  'string.matches(string): bool': 'RE2 syntax, evaluated in linear time; true when the pattern matches somewhere in the string',
};

/**
 * The functions and macros expressions may call, as Markdown, generated from
 * the environment's own definitions so that the documentation cannot drift:
 * the functions this language adds, with their descriptions, then CEL's
 * standard library by signature (`expr` is an argument a macro takes as an
 * expression, not a value).
 */
export function expressionFunctionsMarkdown(): string {
  const functions = celEnvironment()
    .getDefinitions()
    .functions.filter((f) => f.name !== RE2_MATCHES);
  const own = functions.filter((f) => f.description);
  const standard = functions.filter((f) => !f.description);
  const shown = (signature: string) => NAMESPACES.reduce((s, [from, to]) => s.replace(from, to), signature).replaceAll('ast', 'expr');
  const lines = ['Added by this language:', '', '| Function | What it does |', '| --- | --- |'];
  for (const f of own) lines.push(`| \`${shown(f.signature)}\` | ${f.description} |`);
  lines.push('', `CEL's standard library (${standard.length} signatures):`, '');
  for (const f of standard) lines.push(`- \`${shown(f.signature)}\`${NOTES[f.signature] ? `: ${NOTES[f.signature]}` : ''}`);
  return `${lines.join('\n')}\n`;
}
