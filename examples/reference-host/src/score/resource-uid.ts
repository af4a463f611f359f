import { DEFAULT_CLASS } from '@innominatus/core';
import type { ScoreResource } from './score-spec';

/** The class a resource has when its spec names none (the providers' default class). */
export { DEFAULT_CLASS };

/**
 * Score's identity of a workload's resource: `<type>.<class>#<workload>.<name>`,
 * or `<type>.<class>#<id>` when the resource sets `id` (then every workload
 * naming the same type, class and id means the same, shared resource).
 */
export function resourceUid(workload: string, name: string, resource: Pick<ScoreResource, 'type' | 'class' | 'id'>): string {
  const kind = `${resource.type}.${resource.class ?? DEFAULT_CLASS}`;
  return resource.id !== undefined ? `${kind}#${resource.id}` : `${kind}#${workload}.${name}`;
}
