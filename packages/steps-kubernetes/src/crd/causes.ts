import { formatPath } from './field-path';
import type { FieldCause, FieldPath } from './types';

/** How the API server prints a bad value in a field error (`"x"` for strings, bare numbers, JSON otherwise). */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return '"null"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** A cause keeps a copy of `path`: the validator's walk passes its own stack, which it changes as it goes on. */
const cause = (reason: FieldCause['reason'], path: FieldPath, message: string): FieldCause => ({ reason, message, field: formatPath(path), path: [...path] });

/** `Required value`. */
export const required = (path: FieldPath, detail?: string): FieldCause =>
  cause('FieldValueRequired', path, detail ? `Required value: ${detail}` : 'Required value');
/** `Invalid value: <value>: <detail>`. */
export const invalid = (path: FieldPath, value: unknown, detail: string): FieldCause =>
  cause('FieldValueInvalid', path, `Invalid value: ${showValue(value)}: ${detail}`);
/** A wrong JSON type: `Invalid value: "string": spec.x in body must be of type integer: "string"`. */
export const typeInvalid = (path: FieldPath, actualType: string, detail: string): FieldCause =>
  cause('FieldValueTypeInvalid', path, `Invalid value: ${showValue(actualType)}: ${detail}`);
/** `Unsupported value: "x": supported values: "a", "b"`. */
export const notSupported = (path: FieldPath, value: unknown, supported: unknown[]): FieldCause =>
  cause('FieldValueNotSupported', path, `Unsupported value: ${showValue(value)}: supported values: ${supported.map(showValue).join(', ')}`);
/** `Too long: may not be longer than <max>`. */
export const tooLong = (path: FieldPath, max: number): FieldCause => cause('FieldValueTooLong', path, `Too long: may not be longer than ${max}`);
/** `Too many: <n>: must have at most <max> items`. */
export const tooMany = (path: FieldPath, actual: number, max: number): FieldCause =>
  cause('FieldValueTooMany', path, `Too many: ${actual}: must have at most ${max} items`);
/** `Duplicate value: <value>`. */
export const duplicate = (path: FieldPath, value: unknown): FieldCause => cause('FieldValueDuplicate', path, `Duplicate value: ${showValue(value)}`);
/** `Forbidden: <detail>`. */
export const forbidden = (path: FieldPath, detail: string): FieldCause => cause('FieldValueForbidden', path, `Forbidden: ${detail}`);

/** `field: message`, one cause as the API server prints it. */
export function causeText(c: FieldCause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

/**
 * The message of a 422 Invalid `Status`: `postgresql.acid.zalan.do "x" is invalid: spec.teamId: Required value`,
 * with several causes in brackets, like the API server's aggregate error.
 */
export function invalidMessage(qualifiedKind: string, name: string, causes: readonly FieldCause[]): string {
  const text = causes.map(causeText);
  return `${qualifiedKind} "${name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`;
}
