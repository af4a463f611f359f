import { InnominatusError, ProviderRegistry, type LoadedProvider } from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { loadProviderSource, type ProviderSource, type SourceOptions } from './load-source';

/** The outcome of {@link loadRegistry}. */
export interface RegistryLoadResult {
  /** Every provider that validated and registered without conflict. */
  registry: ProviderRegistry;
  /** Every problem of every provider, conflicts included (`PROVIDER_CONFLICT`, at the second provider's name). */
  diagnostics: Diagnostic[];
}

/**
 * Loads many providers (folders or git sources) into one
 * {@link ProviderRegistry}. A provider with errors, or one claiming a type
 * another provider already serves, is left out and reported; the others are
 * registered. Providers load concurrently and register in the given order.
 *
 * @example
 * const { registry, diagnostics } = await loadRegistry(['providers/database-team'], { steps });
 */
export async function loadRegistry(sources: readonly ProviderSource[], options: SourceOptions): Promise<RegistryLoadResult> {
  const registry = new ProviderRegistry();
  const diagnostics: Diagnostic[] = [];
  const results = await Promise.all(sources.map((s) => loadProviderSource(s, options)));
  for (const result of results) {
    diagnostics.push(...result.diagnostics);
    const loaded = result.provider;
    if (!loaded || hasErrors(result.diagnostics)) continue;
    const conflict = registerOrReport(registry, loaded);
    if (conflict) diagnostics.push(conflict);
  }
  return { registry, diagnostics };
}

/**
 * Registers a provider that validated; when the registry refuses it (a name
 * or resource type another provider already has), returns that refusal as a
 * `PROVIDER_CONFLICT` diagnostic at the provider's name, worded as the registry words it.
 */
export function registerOrReport(registry: ProviderRegistry, loaded: LoadedProvider): Diagnostic | undefined {
  try {
    registry.register(loaded);
    return undefined;
  } catch (err) {
    if (!InnominatusError.is(err)) throw err;
    const pos = loaded.source?.positionOf('/metadata/name') ?? { line: 1, col: 1 };
    return {
      code: 'PROVIDER_CONFLICT',
      severity: 'error',
      message: err.message,
      file: loaded.source?.file ?? '',
      line: pos.line,
      col: pos.col,
      pointer: '/metadata/name',
    };
  }
}
