/** JSON pointers (RFC 6901): the one place that escapes, splits and follows them. */

/** Escapes a key for a JSON pointer (`a/b` → `a~1b`). */
export function escapePointer(key: string): string {
  // Most keys hold neither character: no regex pass, no new string.
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Unescapes one pointer segment (`a~1b` → `a/b`). */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer of a path of keys (`['a/b', 0]` → `/a~1b/0`), after `base` (a pointer itself). */
export function pointerOf(path: readonly (string | number)[], base = ''): string {
  return base + path.map((key) => `/${escapePointer(String(key))}`).join('');
}

/** The keys of a pointer, unescaped (`/steps/0/with` → `['steps', '0', 'with']`). */
export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointer);
}

/** The value at `pointer` inside `value`, or undefined when the path does not exist. */
export function valueAtPointer(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const key of pointerSegments(pointer)) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
