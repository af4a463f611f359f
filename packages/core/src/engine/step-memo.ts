import { revealAll } from '../sensitive/sensitive';

/** Most bytes (as JSON, revealed) a step may remember in one run. */
export const MAX_MEMO_BYTES = 64 * 1024;
/** Longest key of a remembered value. */
export const MAX_MEMO_KEY_LENGTH = 128;

/** What a step remembered in one run (see `StepContext.remember`). */
export interface StepMemo {
  /** The values remembered so far, by key. */
  readonly values: Readonly<Record<string, unknown>>;
  remember<T>(key: string, produce: () => T | Promise<T>): Promise<T>;
}

/**
 * A step's memo: starts from what the journal held for the step (a resumed
 * run) and calls `persist` with every value set before handing the new value
 * to the step, so a crash after that point cannot lose it. Concurrent calls
 * for one key share one `produce`.
 */
export function createStepMemo(initial: Record<string, unknown>, persist: (values: Record<string, unknown>) => Promise<void>): StepMemo {
  const values: Record<string, unknown> = { ...initial };
  const pending = new Map<string, Promise<unknown>>();
  return {
    values,
    async remember<T>(key: string, produce: () => T | Promise<T>): Promise<T> {
      if (typeof key !== 'string' || key.length === 0 || key.length > MAX_MEMO_KEY_LENGTH) {
        throw new Error(`remember: the key must be a string of 1 to ${MAX_MEMO_KEY_LENGTH} characters`);
      }
      if (Object.hasOwn(values, key)) return values[key] as T;
      let p = pending.get(key);
      if (!p) {
        p = (async () => {
          const value = await produce();
          const next = { ...values, [key]: value };
          const bytes = jsonBytes(next, key);
          if (bytes > MAX_MEMO_BYTES)
            throw new Error(`remember('${key}'): the step's remembered values would take ${bytes} bytes, over the limit of ${MAX_MEMO_BYTES}`);
          await persist(next);
          values[key] = value;
          return value;
        })();
        pending.set(key, p);
        p.then(
          () => pending.delete(key),
          () => pending.delete(key),
        );
      }
      return (await p) as T;
    },
  };
}

function jsonBytes(values: Record<string, unknown>, key: string): number {
  const text = JSON.stringify(revealAll(values));
  if (text === undefined) throw new Error(`remember('${key}'): the value must be JSON`);
  return Buffer.byteLength(text, 'utf8');
}
