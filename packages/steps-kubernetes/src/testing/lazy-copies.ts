import { clone } from './merge';
import type { MockObject, StoreEvent } from './types';

/** What a write did, as the store answers it (`WriteResult` without its object). */
interface WriteOutcome {
  created: boolean;
  changed: boolean;
  warnings: string[];
}

/**
 * A write's result for `stored` (the object as stored, which the store never
 * changes): its `object` is a copy made when first read, and kept, so every
 * reader sees the same copy, as if it had been made at the write. A caller
 * that does not read it (a simulator's writes) costs no copy.
 */
export function writeResult(outcome: WriteOutcome, stored: MockObject): WriteOutcome & { object: MockObject } {
  const result = { created: outcome.created, changed: outcome.changed, warnings: outcome.warnings } as WriteOutcome & { object: MockObject };
  copiedOnRead(result, 'object', stored);
  return result;
}

/** The stored object behind each event made by {@link changeEvent}. */
const storedBehind = new WeakMap<object, MockObject>();

/** The object stored before the change, behind each event made by {@link changeEvent}. */
const previousBehind = new WeakMap<object, MockObject>();

/**
 * A store event about `stored` (the object as stored, never changed): its
 * `object`, and its `previous` (`event.previous`, the object stored before,
 * which shares fields with what is stored: a status write's copy is shallow,
 * managed fields trees are shared), are each a copy made when first read and
 * kept, so listeners share one copy, which they may change without changing
 * what is stored. Readers in the mock cluster that only read use
 * {@link storedObject} and {@link storedPrevious}, and no copy is made for them.
 */
export function changeEvent(event: Omit<StoreEvent, 'object'>, stored: MockObject): StoreEvent {
  const e = {
    type: event.type,
    kind: event.kind,
    resourceVersion: event.resourceVersion,
    ...(event.propagationPolicy ? { propagationPolicy: event.propagationPolicy } : {}),
  } as StoreEvent;
  copiedOnRead(e, 'object', stored, storedBehind);
  if (event.previous) copiedOnRead(e, 'previous', event.previous, previousBehind);
  return e;
}

/**
 * Makes `target[key]` a copy of `source` made when first read and kept (a
 * value set replaces it); `behind`, when given, keeps `source` for `target`
 * until a value is set.
 */
function copiedOnRead<K extends string>(target: { [P in K]?: MockObject }, key: K, source: MockObject, behind?: WeakMap<object, MockObject>): void {
  let copy: MockObject | undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): MockObject {
      copy ??= clone(source);
      return copy;
    },
    set(value: MockObject) {
      copy = value;
      behind?.delete(target);
    },
  });
  behind?.set(target, source);
}

/** The object of a store event as stored, not a copy (never to be changed): for readers in the mock cluster that only read it. */
export function storedObject(e: Pick<StoreEvent, 'object'>): Readonly<MockObject> {
  return storedBehind.get(e) ?? e.object;
}

/** The object before a store event's change as it was stored, not a copy (never to be changed): for readers in the mock cluster that only read it. */
export function storedPrevious(e: Pick<StoreEvent, 'previous'>): Readonly<MockObject> | undefined {
  return previousBehind.get(e) ?? e.previous;
}
