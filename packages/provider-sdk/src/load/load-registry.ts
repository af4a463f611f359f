import { InnominatusError, ProviderRegistry } from '@innominatus/core';
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
    try {
      registry.register(loaded);
    } catch (err) {
      if (!InnominatusError.is(err)) throw err;
      const pos = loaded.source?.positionOf('/metadata/name') ?? { line: 1, col: 1 };
      diagnostics.push({ code: 'PROVIDER_CONFLICT', severity: 'error', message: err.message, file: loaded.source?.file ?? '', line: pos.line, col: pos.col, pointer: '/metadata/name' });
    }
  }
  return { registry, diagnostics };
}
