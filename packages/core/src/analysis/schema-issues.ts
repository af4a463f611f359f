import type { ErrorObject, ValidateFunction } from 'ajv';
import { checkingValidatorFor, type PrecompiledValidator } from '../util/ajv';
import { escapePointer, pointerSegments, valueAtPointer } from '../util/json-pointer';
import { closest, didYouMean } from './did-you-mean';
import type { IssueAnchor } from './issues';

/** A problem found by a JSON Schema check, at the offending field (unknown keys at the key). */
export interface SchemaIssue<C extends string> {
  code: C | 'UNKNOWN_KEY';
  message: string;
  pointer: string;
  anchor: IssueAnchor;
}

/**
 * Validates a document against a JSON Schema (compiled once per schema
 * object, unless `precompiled` is that schema's validator generated ahead of
 * time) and returns every problem as an issue at its field, worded by
 * {@link schemaIssues}; an empty list when it is valid.
 */
export function checkAgainstSchema<C extends string>(value: unknown, schema: object, code: C, precompiled?: PrecompiledValidator): Array<SchemaIssue<C>> {
  const validate = (precompiled as ValidateFunction | undefined) ?? checkingValidatorFor(schema);
  return validate(value) ? [] : schemaIssues(validate.errors ?? [], value, code);
}

/**
 * Turns ajv errors into issues, the one formatter of schema errors: unknown
 * keys at the key with a "did you mean" when a known key is close, a failed
 * union once, a missing field not again when an unknown key misspells it.
 *
 * @param base the pointer of the validated value inside its document.
 * @param errors from a validator compiled with `verbose` (see `validatorFor`).
 */
export function schemaIssues<C extends string>(errors: readonly ErrorObject[], value: unknown, code: C, base = ''): Array<SchemaIssue<C>> {
  const out: Array<SchemaIssue<C>> = [];
  const seen = new Set<string>();
  // A failed union is reported once, for the union, not once per branch.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  // An unknown key that is a likely typo of a missing required key (`nmae`
  // for `name`) is reported once, as the typo, not again as the missing key.
  const meant = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const c = closest(String(e.params.additionalProperty), knownKeys(e));
    if (c !== undefined) meant.add(`${e.instancePath}|${c}`);
  }
  for (const e of errors) {
    if (unions.some((u) => e.schemaPath.startsWith(u))) continue;
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const pointer = base + e.instancePath;
    const field = fieldName(pointer);
    let d: SchemaIssue<C>;
    if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      const child = `${pointer}/${escapePointer(key)}`;
      const where = field ? ` in ${field}` : '';
      d = { code: 'UNKNOWN_KEY', message: `unknown key '${key}'${where}${didYouMean(key, knownKeys(e))}`, pointer: child, anchor: 'key' };
    } else if (e.keyword === 'required') {
      const missing = String(e.params.missingProperty);
      if (meant.has(`${e.instancePath}|${missing}`)) continue;
      d = { code, message: `${field ? `${field}: ` : ''}missing required field '${missing}'`, pointer, anchor: 'value' };
    } else {
      const got = valueAtPointer(value, e.instancePath);
      d = { code, message: `${field || 'document'} ${describe(e)} (got ${show(got)})`, pointer, anchor: e.keyword === 'propertyName' ? 'key' : 'value' };
    }
    const key = `${d.pointer}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/** The keys an object schema declares (for an `additionalProperties` error). */
function knownKeys(e: ErrorObject): string[] {
  return Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'type':
      return `must be ${[e.params.type].flat().join(' or ')}`;
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `must match ${e.params.pattern}`;
    case 'anyOf':
    case 'oneOf': {
      const types = (e.schema as Array<{ type?: unknown }>).map((b) => b.type);
      return types.every((t) => typeof t === 'string') ? `must be ${[...new Set(types)].join(' or ')}` : 'matches none of its allowed forms';
    }
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** `/workflows/0/file` → `workflows[0].file`. */
export function fieldName(pointer: string): string {
  let out = '';
  for (const seg of pointerSegments(pointer)) {
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

/** A short rendering of a value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
