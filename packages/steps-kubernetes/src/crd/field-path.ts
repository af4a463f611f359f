import type { FieldPath } from './types';

/** `['spec', 'items', 0, 'name']` → `spec.items[0].name`, as the API server writes field paths. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
