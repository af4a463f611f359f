import { CursorError } from '../errors';

/** Longest `cursor` query value accepted. */
export const MAX_CURSOR_LENGTH = 512;

/**
 * The opaque `cursor` of a list response: where the next page starts (the
 * sort key of the last item), as base64url JSON so that clients pass it back
 * unchanged rather than build it.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}: `shape` names the type of
 * each part. Anything else is a 400 `CURSOR_INVALID`.
 */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== shape.length || value.some((v, i) => typeof v !== shape[i])) {
    throw new CursorError('is not a cursor of this list; pass the `next` of the previous page unchanged');
  }
  return value as (string | number)[];
}

/**
 * One page of a list fetched with one item more than asked for: the items,
 * and the cursor of the next page when there is one.
 */
export function pageOf<T>(items: T[], limit: number, position: (last: T) => readonly (string | number)[]): { items: T[]; next?: string } {
  if (items.length <= limit) return { items };
  const page = items.slice(0, limit);
  return { items: page, next: encodeCursor(position(page[page.length - 1]!)) };
}
