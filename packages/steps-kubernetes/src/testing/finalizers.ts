import type { MockObject } from './types';

/** The object's finalizers with `finalizer` added at the end (the same list when it is there already). */
export function withFinalizer(o: MockObject, finalizer: string): string[] {
  const finalizers = o.metadata.finalizers ?? [];
  return finalizers.includes(finalizer) ? finalizers : [...finalizers, finalizer];
}

/** The object's finalizers without `finalizer`; null when none is left, which a merge patch writes as no `finalizers` field. */
export function withoutFinalizer(o: MockObject, finalizer: string): string[] | null {
  const rest = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return rest.length ? rest : null;
}
