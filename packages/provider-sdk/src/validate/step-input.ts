import { escapePointer, formatReference, type Reference, type StepDefinition } from '@innominatus/core';
import { compiled } from '../schema/ajv';
import { schemaDiagnostics } from '../schema/check-schema';
import type { DiagnosticSink } from './diagnostic-sink';
import type { ExpressionSite } from './expression-sites';
import { schemaType } from './output-schema';

/** Keywords that constrain a value the validator cannot know before the run. */
/**
 * Checks a step's `with` against the step type's input schema. A field given
 * as a whole expression is checked by its static type when that is known (a
 * declared parameter, or a step output with a typed schema), otherwise
 * accepted; a string with interpolations is a string of unknown content.
 */
export function checkStepInput(
  value: Record<string, unknown>,
  pointer: string,
  def: StepDefinition,
  sites: readonly ExpressionSite[],
  parameters: ReadonlyMap<string, Record<string, unknown>>,
  outputSchemaOf: (ref: Reference) => Record<string, unknown> | undefined,
  sink: DiagnosticSink,
): void {
  const byPointer = new Map<string, ExpressionSite>();
  for (const s of sites) if (!byPointer.has(s.pointer)) byPointer.set(s.pointer, s);
  const typeOf = (site: ExpressionSite) => (site.whole ? staticType(site, parameters, outputSchemaOf) : 'string');
  // Validate a probe where each whole expression of known type is a sample of that type.
  const probe = withSamples(value, pointer, byPointer, typeOf);
  const validate = compiled(def.input);
  if (validate(probe)) return;
  const errors = validate.errors ?? [];
  // A union (anyOf/oneOf) with a branch that takes the expression's type accepts it.
  const acceptedByUnion = new Set(
    errors
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && byPointer.has(pointer + e.instancePath))
      .filter((e) => {
        const t = typeOf(byPointer.get(pointer + e.instancePath)!);
        return t === undefined || (e.schema as Array<{ type?: string | string[] }>).some((b) => b.type === undefined || typeAccepts(b.type, t));
      })
      .map((e) => pointer + e.instancePath),
  );
  const kept = errors.filter((e) => {
    const at = pointer + e.instancePath;
    const site = byPointer.get(at);
    if (site) return !acceptedByUnion.has(at) && (e.keyword === 'type' || e.keyword === 'anyOf' || e.keyword === 'oneOf') && typeOf(site) !== undefined;
    // Inside a value an expression produces, nothing is known before the run.
    for (const p of byPointer.keys()) if (at.startsWith(p + '/')) return false;
    return true;
  });
  if (kept.length === 0) return;
  for (const d of schemaDiagnostics(kept, value, sink.source, 'STEP_INPUT_INVALID', pointer)) {
    const site = d.code === 'UNKNOWN_KEY' ? undefined : byPointer.get(d.pointer);
    const message = site ? `${d.message.replace(/ \(got .*\)$/, '')} (got \${{ ${site.expression.source} }}, of type ${typeOf(site)})` : d.message;
    sink.diagnostics.push({ ...d, code: d.code === 'UNKNOWN_KEY' ? 'UNKNOWN_KEY' : 'STEP_INPUT_INVALID', message: `step input: ${message}` });
  }
}

/** The JSON type of an expression that is exactly one reference to a typed value. */
function staticType(
  site: ExpressionSite,
  parameters: ReadonlyMap<string, Record<string, unknown>>,
  outputSchemaOf: (ref: Reference) => Record<string, unknown> | undefined,
): string | undefined {
  const refs = site.expression.references;
  if (refs.length !== 1) return undefined;
  const ref = refs[0]!;
  if (!ref.complete || formatReference(ref) !== site.expression.source.replace(/\s+/g, '')) return undefined;
  if (ref.root === 'parameters' && ref.path.length === 1) {
    const t = parameters.get(ref.path[0]!)?.type;
    return typeof t === 'string' ? t : undefined;
  }
  if (ref.root === 'steps') return schemaType(outputSchemaOf(ref));
  return undefined;
}

function typeAccepts(expected: string | string[], actual: string): boolean {
  return [expected].flat().some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

const SAMPLES: Record<string, unknown> = { string: '', integer: 0, number: 0.5, boolean: false, object: {}, array: [], null: null };

function withSamples(value: unknown, pointer: string, sites: ReadonlyMap<string, ExpressionSite>, typeOf: (s: ExpressionSite) => string | undefined): unknown {
  const site = sites.get(pointer);
  if (site) {
    const t = typeOf(site);
    return t !== undefined && t in SAMPLES ? structuredClone(SAMPLES[t]) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => withSamples(v, `${pointer}/${i}`, sites, typeOf));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSamples(v, `${pointer}/${escapePointer(k)}`, sites, typeOf)]));
  }
  return value;
}
