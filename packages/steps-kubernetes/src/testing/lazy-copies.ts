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
  let copy: MockObject | undefined;
  return {
    created: outcome.created,
    changed: outcome.changed,
    warnings: outcome.warnings,
    get object(): MockObject {
      copy ??= clone(stored);
      return copy;
    },
    set object(value: MockObject) {
      copy = value;
    },
  };
}

/** The stored object behind each event made by {@link changeEvent}. */
const storedBehind = new WeakMap<object, MockObject>();

/**
 * A store event about `stored` (the object as stored, never changed): its
 * `object` is a copy made when first read and kept, so listeners share one
 * copy, which they may change without changing what is stored. Readers in
 * the mock cluster that only read use {@link storedObject}, and no copy is
 * made for them.
 */
export function changeEvent(event: Omit<StoreEvent, 'object'>, stored: MockObject): StoreEvent {
  let copy: MockObject | undefined;
  const e: StoreEvent = {
    type: event.type,
    get object(): MockObject {
      copy ??= clone(stored);
      return copy;
    },
    set object(value: MockObject) {
      copy = value;
      storedBehind.delete(e);
    },
    ...(event.previous ? { previous: event.previous } : {}),
    kind: event.kind,
    resourceVersion: event.resourceVersion,
    ...(event.propagationPolicy ? { propagationPolicy: event.propagationPolicy } : {}),
  };
  storedBehind.set(e, stored);
  return e;
}

/** The object of a store event as stored, not a copy (never to be changed): for readers in the mock cluster that only read it. */
export function storedObject(e: Pick<StoreEvent, 'object'>): Readonly<MockObject> {
  return storedBehind.get(e) ?? e.object;
}
