import { ApiStatusError } from './api-status';
import { isPlainObject } from './merge';
import type { MockObject } from './types';

/** One term of a label or field selector. */
export interface SelectorTerm {
  key: string;
  test(value: string | undefined): boolean;
}

/** The value a field selector key reads: `metadata.name`, `involvedObject.uid`, `type`... (any dotted path to a scalar). */
export function fieldValue(o: MockObject, key: string): string | undefined {
  let at: unknown = o;
  for (const part of key.split('.')) {
    if (!isPlainObject(at)) return undefined;
    at = at[part];
  }
  return typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean' ? String(at) : undefined;
}

/** Parses `a=b,c!=d,e,!f` (labels) or `metadata.name=x` (fields); 400 on a term it cannot read. */
export function parseSelector(selector: string | undefined): SelectorTerm[] {
  if (!selector) return [];
  return selector
    .split(',')
    .filter(Boolean)
    .map((term) => {
      const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*([^\s]*)\s*$/.exec(term);
      if (m) {
        const [, key, op, value] = m;
        return { key: key!, test: (v) => (op === '!=' ? v !== value : v === value) };
      }
      const exists = /^\s*(!?)([^!=\s]+)\s*$/.exec(term);
      if (exists) return { key: exists[2]!, test: (v) => (exists[1] ? v === undefined : v !== undefined) };
      throw new ApiStatusError(400, 'BadRequest', `unable to parse requirement: '${term}'`);
    });
}
