/**
 * Brands: how a value made by one copy of this package is recognised by
 * another (its CommonJS and ESM builds, or two versions side by side), where
 * `instanceof` fails. A brand is a `Symbol.for` key, so every copy shares it
 * through the global symbol registry.
 */

/** Marks `target` with `brand` (non-enumerable, so it never shows in JSON or logs). */
export function setBrand(target: object, brand: symbol): void {
  Object.defineProperty(target, brand, { value: true });
}

/** True when `value` carries `brand`, whichever copy of the package made it. */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
