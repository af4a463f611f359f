/**
 * Sets `key` on a plain object being built as its own enumerable, writable
 * property. Assigned, which is fast, unless the key is `__proto__`: assigning
 * that one would set the prototype, so it is defined instead, and a
 * `__proto__` key in data stays a key.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
