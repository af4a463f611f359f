import { ExpressionError } from '../errors';
import { isSensitive, MAX_VALUE_DEPTH, reveal } from '../sensitive/sensitive';
import { setOwn } from '../util/set-own';

/**
 * Converts a JS value for CEL: whole numbers become CEL ints (BigInt) unless
 * `wholeAsDouble`, sensitive values are unwrapped (the caller tracks taint).
 */
export function toCel(value: unknown, wholeAsDouble = false, depth = 0): unknown {
  if (isSensitive(value)) return toCel(reveal(value), wholeAsDouble, depth);
  if (typeof value === 'number') return !wholeAsDouble && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, wholeAsDouble, depth + 1));
  if (value instanceof Date || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, toCel(v, wholeAsDouble, depth + 1));
  return out;
}

/** Converts a CEL result back to plain JSON-friendly JS: ints become numbers (when safe), maps become objects. */
export function fromCel(value: unknown, source: string, depth = 0): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) {
      throw new ExpressionError(source, `expression '${source}' produced an integer beyond ±2^53, which JSON numbers cannot hold exactly`);
    }
    return n;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => fromCel(v, source, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, String(k), fromCel(v, source, depth + 1));
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const proto = Object.getPrototypeOf(value);
  const ctor = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (ctor === 'Optional') {
    const opt = value as { hasValue?: () => boolean; value?: () => unknown };
    return opt.hasValue?.() ? fromCel(opt.value?.(), source, depth + 1) : null;
  }
  if (ctor === 'UnsignedInt' || ctor === 'Uint') return fromCel(BigInt(String(value)), source, depth);
  if (proto !== Object.prototype && proto !== null) {
    // CEL duration, optional, type values and the like: show their text form.
    return String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, fromCel(v, source, depth + 1));
  return out;
}
