import type { OutputSpec, ProviderOperation, ProviderRegistry } from '@innominatus/core';
import type { DeclaredOutputs } from './placeholder-check';

/**
 * The outputs a resource has once active, as its provider declares them:
 * those its create workflow returns and, when the provider updates the type,
 * that its update workflow returns too (after an update, the outputs are the
 * update's). `undefined` for a type no provider serves.
 */
export function declaredOutputs(registry: ProviderRegistry): DeclaredOutputs {
  const outputsOf = (type: string, cls: string | undefined, operation: ProviderOperation): Record<string, OutputSpec> | undefined => {
    try {
      return registry.resolve(type, operation, cls === undefined ? {} : { class: cls }).workflow.workflow.outputs ?? {};
    } catch {
      return undefined;
    }
  };
  return (resource) => {
    const created = outputsOf(resource.type, resource.class, 'create');
    if (!created) return undefined;
    const updated = outputsOf(resource.type, resource.class, 'update');
    if (!updated) return created;
    return Object.fromEntries(Object.entries(created).filter(([k]) => Object.hasOwn(updated, k)));
  };
}
