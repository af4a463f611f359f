import type { ErrorObject } from 'ajv';
import { pointerSegments, valueAtPointer } from '@innominatus/core/internal';
import type { Issue } from '../errors';
import type { YamlSource } from './yaml-source';

/** A short, safe rendering of a value a user wrote, for error messages. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Turns ajv errors into issues that name the field (dotted path), say what is
 * wrong, quote the value written, and give line and column when the input was YAML.
 */
export function schemaIssues(errors: ErrorObject[] | null | undefined, root: unknown, source?: YamlSource, prefix = ''): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const e of errors ?? []) {
    // `if/then` and `oneOf` wrappers repeat what their branches already said.
    // `propertyNames` wraps the error its key got, which is reported with the key.
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'propertyNames') continue;
    let segments = pointerSegments(e.instancePath);
    let message: string;
    const keyName = e.propertyName;
    const value = keyName === undefined ? valueAtPointer(root, e.instancePath) : keyName;
    switch (e.keyword) {
      case 'required':
        segments = [...segments, String(e.params.missingProperty)];
        message = 'is required';
        break;
      case 'additionalProperties':
        segments = [...segments, String(e.params.additionalProperty)];
        message = 'is not a known field';
        break;
      case 'const':
        message = `must be ${showValue(e.params.allowedValue)}; got ${showValue(value)}`;
        break;
      case 'enum':
        message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => showValue(v)).join(', ')}; got ${showValue(value)}`;
        break;
      case 'pattern': {
        // A schema can say in words what its pattern means (`x-hint`); ajv passes it with `verbose`.
        const hint = (e.parentSchema as { 'x-hint'?: string } | undefined)?.['x-hint'];
        message = `${hint ? `must be ${hint}` : `must match ${e.params.pattern}`}; got ${showValue(value)}`;
        break;
      }
      case 'errorMessage':
        message = `${e.message}; got ${showValue(value)}`;
        break;
      default:
        message = `${e.message}; got ${showValue(value)}`;
    }
    if (keyName !== undefined) message = `key ${showValue(keyName)} ${message.replace(`; got ${showValue(keyName)}`, '')}`;
    const field = prefix + (segments.length ? segments.join('.') : '(document)');
    const key = `${field}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = source?.positionOf(segments);
    issues.push({ field, message, ...(pos ? { line: pos.line, col: pos.col } : {}) });
  }
  return issues;
}
