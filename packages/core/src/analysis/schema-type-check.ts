import type { TemplateExpression } from '../expressions/template';
import { checkingValidatorFor } from '../util/ajv';
import { escapePointer } from '../util/json-pointer';
import type { IssueCode, IssueList } from './issues';
import { schemaIssues } from './schema-issues';

/** What a template is checked against, and how its issues are labelled. */
export interface SchemaTarget {
  schema: object;
  /** `STEP_INPUT_INVALID` for a step's `with`, `OUTPUT_INVALID` for an output with a `type`. */
  code: IssueCode;
  /** Message prefix, e.g. `step input`. */
  label: string;
}

/**
 * Checks a template (a step's `with`, an output's value) against a JSON
 * Schema before the run. A field given as a whole expression is checked by
 * its static type (`typeOf`: a JSON type, or undefined when the checker knows
 * none, which is accepted); a string with interpolations is a string of
 * unknown content; inside a value an expression produces nothing is known.
 */
export function checkTemplateAgainstSchema(
  value: unknown,
  pointer: string,
  target: SchemaTarget,
  sites: readonly TemplateExpression[],
  typeOf: (site: TemplateExpression) => string | undefined,
  issues: IssueList,
): void {
  const byPointer = new Map<string, TemplateExpression>();
  for (const s of sites) if (!byPointer.has(s.pointer)) byPointer.set(s.pointer, s);
  const siteType = (site: TemplateExpression) => (site.whole ? typeOf(site) : 'string');
  // Validate a probe where each expression of known type is a sample of that type.
  const probe = withSamples(value, pointer, byPointer, ancestorsOf(byPointer.keys(), pointer), siteType);
  const validate = checkingValidatorFor(target.schema);
  if (validate(probe)) return;
  const errors = validate.errors ?? [];
  // A union (anyOf/oneOf) with a branch that takes the expression's type accepts it.
  const acceptedByUnion = new Set(
    errors
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && byPointer.has(pointer + e.instancePath))
      .filter((e) => {
        const t = siteType(byPointer.get(pointer + e.instancePath)!);
        return t === undefined || (e.schema as Array<{ type?: string | string[] }>).some((b) => b.type === undefined || typeAccepts(b.type, t));
      })
      .map((e) => pointer + e.instancePath),
  );
  const kept = errors.filter((e) => {
    const at = pointer + e.instancePath;
    const site = byPointer.get(at);
    if (site) return !acceptedByUnion.has(at) && (e.keyword === 'type' || e.keyword === 'anyOf' || e.keyword === 'oneOf') && siteType(site) !== undefined;
    // Inside a value an expression produces, nothing is known before the run.
    for (const p of byPointer.keys()) if (at.startsWith(p + '/')) return false;
    return true;
  });
  for (const d of schemaIssues(kept, value, target.code, pointer)) {
    const site = d.code === 'UNKNOWN_KEY' ? undefined : byPointer.get(d.pointer);
    const message = site ? `${d.message.replace(/ \(got .*\)$/, '')} (got \${{ ${site.expression.source} }}, of type ${siteType(site)})` : d.message;
    issues.error(d.code, `${target.label}: ${message}`, d.pointer, d.anchor);
  }
}

function typeAccepts(expected: string | string[], actual: string): boolean {
  return [expected].flat().some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

const SAMPLES: Record<string, () => unknown> = {
  string: () => '',
  integer: () => 0,
  number: () => 0.5,
  boolean: () => false,
  object: () => ({}),
  array: () => [],
  null: () => null,
};

/** Every pointer strictly above a site, down from `root`: where the probe differs from the value. */
function ancestorsOf(pointers: Iterable<string>, root: string): Set<string> {
  const out = new Set<string>();
  for (const p of pointers) {
    for (let i = p.lastIndexOf('/'); i >= root.length; i = p.lastIndexOf('/', i - 1)) {
      const parent = p.slice(0, i);
      if (out.has(parent)) break;
      out.add(parent);
      if (i === 0) break;
    }
  }
  return out;
}

/** The value with each typed site replaced by a sample; parts with no site under them are the value's own (ajv only reads them). */
function withSamples(
  value: unknown,
  pointer: string,
  sites: ReadonlyMap<string, TemplateExpression>,
  above: ReadonlySet<string>,
  typeOf: (s: TemplateExpression) => string | undefined,
): unknown {
  const site = sites.get(pointer);
  if (site) {
    const t = typeOf(site);
    return t !== undefined && Object.hasOwn(SAMPLES, t) ? SAMPLES[t]!() : value;
  }
  if (!above.has(pointer)) return value;
  if (Array.isArray(value)) return value.map((v, i) => withSamples(v, `${pointer}/${i}`, sites, above, typeOf));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSamples(v, `${pointer}/${escapePointer(k)}`, sites, above, typeOf)]));
  }
  return value;
}
