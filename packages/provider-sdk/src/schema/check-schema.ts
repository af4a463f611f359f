import { escapePointer } from '@innominatus/core';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostic';
import { closest, didYouMean } from '../diagnostics/did-you-mean';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { compiled, type ErrorObject } from './ajv';

/**
 * Validates a document against a JSON Schema and turns every ajv error into a
 * diagnostic at the offending field (unknown keys at the key, with a "did you
 * mean" when a known key is close).
 */
export function checkSchema(value: unknown, schema: object, source: YamlSourceMap, code: DiagnosticCode): Diagnostic[] {
  const validate = compiled(schema);
  if (validate(value)) return [];
  return schemaDiagnostics(validate.errors ?? [], value, source, code, '');
}

/** Maps ajv errors to diagnostics; `base` is the pointer of the validated value inside the document. */
export function schemaDiagnostics(errors: readonly ErrorObject[], value: unknown, source: YamlSourceMap, code: DiagnosticCode, base: string): Diagnostic[] {
  const out: Diagnostic[] = [];
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
    let d: Diagnostic;
    if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      const child = `${pointer}/${escapePointer(key)}`;
      const where = field ? ` in ${field}` : '';
      d = at(source.keyPositionOf(child), 'UNKNOWN_KEY', `unknown key '${key}'${where}${didYouMean(key, knownKeys(e))}`, child, source);
    } else if (e.keyword === 'required') {
      const missing = String(e.params.missingProperty);
      if (meant.has(`${e.instancePath}|${missing}`)) continue;
      d = at(source.positionOf(pointer), code, `${field ? `${field}: ` : ''}missing required field '${missing}'`, pointer, source);
    } else if (e.keyword === 'pattern' && e.instancePath.endsWith('/propertyNames')) {
      continue;
    } else {
      const got = valueAt(value, e.instancePath);
      const pos = e.keyword === 'propertyName' ? source.keyPositionOf(pointer) : source.positionOf(pointer);
      d = at(pos, code, `${field || 'document'} ${describe(e)} (got ${show(got)})`, pointer, source);
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
  return Object.keys(((e.parentSchema as { properties?: object } | undefined)?.properties) ?? {});
}

function at(pos: { line: number; col: number }, code: DiagnosticCode, message: string, pointer: string, source: YamlSourceMap): Diagnostic {
  return { code, severity: 'error', message, file: source.file, line: pos.line, col: pos.col, pointer };
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
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

function valueAt(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const raw of pointer.split('/').slice(1)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
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
