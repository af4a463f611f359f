import { fileURLToPath } from 'node:url';
import { StepRegistry, type LoadedProvider, type StepDefinition } from '@innominatus/core';
import { hasErrors } from '../diagnostics/diagnostic';
import { ProviderInvalidError } from '../errors';
import { loadProvider } from '../load/load-provider';
import { defaultSteps } from '../steps/default-steps';

/** A provider loaded for tests, with the step types it was validated against. */
export interface TestProvider extends LoadedProvider {
  /** Extra step types given to {@link loadProviderForTest}, reused by `runWorkflow`. */
  readonly extraSteps: readonly StepDefinition[];
}

/**
 * Loads and validates a provider folder for a test; throws with every
 * diagnostic (`file:line:col`) when it does not validate.
 *
 * @param dir the folder, e.g. `new URL('..', import.meta.url)`.
 * @param options.steps step types besides the default (Kubernetes) ones.
 * @example
 * const provider = await loadProviderForTest(new URL('..', import.meta.url));
 */
export async function loadProviderForTest(dir: string | URL, options: { steps?: Iterable<StepDefinition> } = {}): Promise<TestProvider> {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const extraSteps = [...(options.steps ?? [])];
  const registry = new StepRegistry(await defaultSteps());
  for (const s of extraSteps) if (!registry.has(s.type)) registry.register(s);
  const result = await loadProvider(path, { steps: registry, displayRoot: path });
  if (!result.provider || hasErrors(result.diagnostics)) {
    const err = new ProviderInvalidError(`provider in '${path}'`, result.diagnostics);
    err.message += `\n${result.diagnostics.map((d) => `  ${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`).join('\n')}`;
    throw err;
  }
  return Object.assign(result.provider, { extraSteps });
}
