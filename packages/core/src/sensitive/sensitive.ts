import { inspect } from 'node:util';
import { hasBrand, setBrand } from '../util/brand';
import { setOwn } from '../util/set-own';

const BRAND = Symbol.for('innominatus.sensitive');
// The value lives under a registry symbol, not a private field, so that a
// Sensitive made by another copy of this library (ESM and CJS builds, two
// versions in one tree) can still be revealed and sealed.
const VALUE = Symbol.for('innominatus.sensitive.value');

/** How deep the helpers here walk into a value. */
export const MAX_VALUE_DEPTH = 64;

/** The text that stands in for a sensitive value wherever it would be shown. */
export const REDACTED = '***';

/**
 * A value that must not be shown. It prints as `***` through `String()`,
 * `JSON.stringify`, `util.inspect` and template literals; only {@link reveal}
 * gets the value back.
 *
 * @example
 * const password = sensitive('s3cret');
 * `${password}`;        // '***'
 * reveal(password);     // 's3cret'
 */
export class Sensitive<T = unknown> {
  constructor(value: T) {
    setBrand(this, BRAND);
    Object.defineProperty(this, VALUE, { value });
    Object.freeze(this);
  }
  /** @internal use {@link reveal}. */
  static unwrap<T>(s: Sensitive<T>): T {
    return (s as unknown as Record<symbol, T>)[VALUE];
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Marks a value sensitive. Marking a sensitive value again returns it unchanged. */
export function sensitive<T>(value: T | Sensitive<T>): Sensitive<T> {
  return isSensitive(value) ? (value as Sensitive<T>) : new Sensitive(value as T);
}

/** True for a value made by {@link sensitive}, even from another copy of this library. */
export function isSensitive(value: unknown): value is Sensitive {
  return hasBrand(value, BRAND);
}

/** The plain value of a sensitive one; other values are returned as they are. */
export function reveal<T>(value: Sensitive<T> | T): T {
  return isSensitive(value) ? Sensitive.unwrap(value as Sensitive<T>) : (value as T);
}

/** True when the value is sensitive or holds a sensitive value anywhere inside. */
export function containsSensitive(value: unknown, depth = 0): boolean {
  if (isSensitive(value)) return true;
  if (depth > MAX_VALUE_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => containsSensitive(v, depth + 1));
  for (const v of Object.values(value)) if (containsSensitive(v, depth + 1)) return true;
  return false;
}

/** A deep copy with every sensitive value replaced by `***`: safe to log, emit or return. */
export function redact<T>(value: T): T {
  return mapSensitive(value, () => REDACTED) as T;
}

/** A deep copy with every sensitive value replaced by its plain value. */
export function revealAll<T>(value: T): T {
  return mapSensitive(value, (s) => reveal(s)) as T;
}

/** Deep copy that replaces each sensitive value with `fn(value)`. Plain values are shared, not copied. */
export function mapSensitive(value: unknown, fn: (s: Sensitive) => unknown, depth = 0): unknown {
  if (isSensitive(value)) return fn(value);
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = mapSensitive(value[i], fn, depth + 1);
      if (v !== value[i]) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const m = mapSensitive(v, fn, depth + 1);
    if (m !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      out[k] = m;
    }
  }
  return out ?? value;
}

/** Every plain string held sensitive inside a value (for scrubbing free text such as error messages). */
export function sensitiveStrings(value: unknown, into: Set<string> = new Set(), depth = 0): Set<string> {
  if (isSensitive(value)) {
    collectStrings(reveal(value), into, 0);
    return into;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_VALUE_DEPTH) return into;
  for (const v of Array.isArray(value) ? value : Object.values(value)) sensitiveStrings(v, into, depth + 1);
  return into;
}

function collectStrings(value: unknown, into: Set<string>, depth: number): void {
  if (typeof value === 'string') {
    if (value.length >= 3) into.add(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    const s = String(value);
    if (s.length >= 3) into.add(s);
  } else if (typeof value === 'object' && value !== null && depth < MAX_VALUE_DEPTH) {
    for (const v of Array.isArray(value) ? value : Object.values(value)) collectStrings(v, into, depth + 1);
  }
}

/**
 * Replaces every occurrence of the given secrets in free text with `***`,
 * longest first so that a secret containing another is fully hidden. Also
 * hides the URL-encoded and base64 forms.
 */
export function scrubText(text: string, secrets: Iterable<string>): string {
  const all = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    all.add(s);
    const enc = encodeURIComponent(s);
    if (enc !== s) all.add(enc);
    all.add(Buffer.from(s, 'utf8').toString('base64'));
  }
  let out = text;
  for (const s of [...all].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

/**
 * A copy of structured data that is safe to log or emit: sensitive values
 * become `***`, and every string (keys included) has the given secrets
 * scrubbed. Walks the structure rather than its JSON text, so secrets with
 * quotes or newlines are found too. Errors become their scrubbed message;
 * cycles, functions and BigInts are handled. Never throws.
 */
export function scrubValue(value: unknown, secrets: Iterable<string>): unknown {
  const list = [...secrets];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (isSensitive(v)) return REDACTED;
    if (typeof v === 'string') return list.length ? scrubText(v, list) : v;
    if (typeof v === 'bigint') return scrubText(v.toString(), list);
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v !== 'object' || v === null) return v;
    if (depth > MAX_VALUE_DEPTH) return '[too deep]';
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    if (v instanceof Error) return scrubText(`${v.name}: ${v.message}`, list);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      setOwn(out, list.length ? scrubText(k, list) : k, walk(x, depth + 1));
    }
    return out;
  };
  try {
    return walk(value, 0);
  } catch {
    return '[unprintable]';
  }
}
