import { InnominatusError, StepRegistry, type StepDefinition } from '@innominatus/core';
import { loadStepsModule } from '@innominatus/provider-sdk';
import type { HostConfig } from '../config/host-config';
import { HostError } from '../errors';

/**
 * The host's step types: the Kubernetes steps plus every module of the
 * configuration's `steps:` list, in order. A module that cannot be loaded, or
 * that defines a type already loaded, stops the start with
 * `STEPS_MODULE_INVALID` naming the entry. `notice` gets one line per module.
 */
export async function loadHostSteps(builtin: readonly StepDefinition[], modules: HostConfig['steps'], notice: (line: string) => void): Promise<StepRegistry> {
  const registry = new StepRegistry(builtin);
  const origin = new Map(builtin.map((s) => [s.type, 'the Kubernetes steps']));
  for (const [i, m] of modules.entries()) {
    const entry = `steps[${i}] ('${m.specifier}')`;
    let defined: StepDefinition[];
    try {
      defined = await loadStepsModule(m.specifier, m.baseDir);
    } catch (err) {
      const message = InnominatusError.is(err) ? err.message : String((err as Error)?.message ?? err);
      throw new HostError('STEPS_MODULE_INVALID', 500, `${entry}: ${message}`);
    }
    for (const s of defined) {
      const before = origin.get(s.type);
      if (before) throw new HostError('STEPS_MODULE_INVALID', 500, `${entry} defines step type '${s.type}', which is already defined by ${before}`);
      registry.register(s);
      origin.set(s.type, entry);
    }
    notice(`steps: ${m.specifier}: ${defined.map((s) => (s.version ? `${s.type} ${s.version}` : s.type)).join(', ')}`);
  }
  return registry;
}
