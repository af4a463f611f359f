import { ExpressionError } from '../errors';
import { isSensitive, MAX_VALUE_DEPTH, reveal } from '../sensitive/sensitive';
import { setOwn } from '../util/set-own';

/**
 * Converts a JS value for CEL: whole numbers become CEL ints (BigInt) unless
 * `wholeAsDouble`, sensitive values are unwrapped (the caller tracks taint).
 * With `share`, a plain object or array with nothing to convert inside is
 * returned as it is, not copied, so the CEL form shares it with the value
 * (a run's scope keeps both for the run's life): neither may change
 * afterwards. Without it, objects and arrays are always copied.
 */
export function toCel(value: unknown, wholeAsDouble = false, depth = 0, share = false): unknown {
  if (isSensitive(value)) return toCel(reveal(value), wholeAsDouble, depth, share);
  if (typeof value === 'number') return !wholeAsDouble && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) {
    return share ? sharedArrayToCel(value, wholeAsDouble, depth) : value.map((v) => toCel(v, wholeAsDouble, depth + 1));
  }
  if (value instanceof Date || value instanceof Uint8Array) return value;
  const entries = Object.entries(value);
  let out: Record<string, unknown> | undefined = share && Object.getPrototypeOf(value) === Object.prototype ? undefined : {};
  for (const [i, [k, v]] of entries.entries()) {
    const c = toCel(v, wholeAsDouble, depth + 1, share);
    if (!out && c === v) continue;
    if (!out) {
      out = {};
      for (const [pk, pv] of entries.slice(0, i)) setOwn(out, pk, pv);
    }
    setOwn(out, k, c);
  }
  return out ?? value;
}

/** {@link toCel} of an array with `share`: the array itself when no item changes. */
function sharedArrayToCel(value: unknown[], wholeAsDouble: boolean, depth: number): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const c = toCel(v, wholeAsDouble, depth + 1, true);
    if (!out && c === v) continue;
    out ??= value.slice(0, i);
    out[i] = c;
  }
  return out ?? value;
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
