import type { OutputSpec, ProviderOperation, ProviderRegistry } from '@innominatus/core';
import type { DeclaredOutputs } from './placeholder-check';

/** Per registry, the declared outputs by type and class: a claim, once registered, never changes. */
const known = new WeakMap<ProviderRegistry, Map<string, Readonly<Record<string, OutputSpec>>>>();

/**
 * The outputs a resource has once active, as its provider declares them:
 * those its create workflow returns and, when the provider updates the type,
 * that its update workflow returns too (after an update, the outputs are the
 * update's). `undefined` for a type no provider serves. Worked out once per
 * type and class served (a type not served is asked again: a provider may
 * be registered for it later).
 */
export function declaredOutputs(registry: ProviderRegistry): DeclaredOutputs {
  let cache = known.get(registry);
  if (!cache) {
    cache = new Map();
    known.set(registry, cache);
  }
  const served = cache;
  return (resource) => {
    const key = JSON.stringify([resource.type, resource.class ?? null]);
    let outputs = served.get(key);
    if (!outputs) {
      outputs = outputsOf(registry, resource.type, resource.class);
      if (outputs) served.set(key, outputs);
    }
    return outputs;
  };
}

function outputsOf(registry: ProviderRegistry, type: string, cls: string | undefined): Readonly<Record<string, OutputSpec>> | undefined {
  const of = (operation: ProviderOperation): Record<string, OutputSpec> | undefined => {
    try {
      return registry.resolve(type, operation, cls === undefined ? {} : { class: cls }).workflow.workflow.outputs ?? {};
    } catch {
      return undefined;
    }
  };
  const created = of('create');
  if (!created) return undefined;
  const updated = of('update');
  if (!updated) return created;
  return Object.fromEntries(Object.entries(created).filter(([k]) => Object.hasOwn(updated, k)));
}
