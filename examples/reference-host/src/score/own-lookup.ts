import { isSensitive, reveal } from '@innominatus/core';

/** True when `value` is a plain mapping (not a list, not null). */
export const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Follows `keys` through nested mappings by own properties only (so
 * `constructor` or `__proto__` is never found on a plain object), looking
 * inside sensitive wrappers. `found: false` names the first key missing.
 */
export function ownLookup(
  value: unknown,
  keys: readonly string[],
): { found: true; value: unknown; sensitive: boolean } | { found: false; missing: string; depth: number } {
  let v = value;
  let secret = isSensitive(v);
  for (const [depth, key] of keys.entries()) {
    if (isSensitive(v)) v = reveal(v);
    if (!isMapping(v) || !Object.hasOwn(v, key)) return { found: false, missing: key, depth };
    v = v[key];
    secret ||= isSensitive(v);
  }
  return { found: true, value: v, sensitive: secret };
}
