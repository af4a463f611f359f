import { ProviderRegistry, type StepRegistry } from '@innominatus/core';
import { loadProviderSource, type Diagnostic } from '@innominatus/provider-sdk';
import type { Logger } from 'pino';
import type { ProviderConfig } from '../config/host-config';
import type { ProviderDiagnostic, ProviderStatus } from '../host-services';

/** Options of {@link loadProviders}. */
export interface LoadProvidersOptions {
  steps: StepRegistry;
  /** Where git providers are cloned. */
  cacheDir: string;
  logger: Logger;
}

function toDiagnostic(d: Diagnostic): ProviderDiagnostic {
  return { severity: d.severity, code: d.code, message: d.message, file: d.file, line: d.line, col: d.col };
}

/**
 * Loads and validates every enabled provider and registers those without
 * errors. A provider that fails (bad YAML, unknown step type, a type another
 * provider already serves, an unreachable repository) is logged with its
 * diagnostics and left out; the others still serve.
 */
export async function loadProviders(configs: readonly ProviderConfig[], options: LoadProvidersOptions): Promise<{ registry: ProviderRegistry; statuses: ProviderStatus[] }> {
  const registry = new ProviderRegistry();
  const statuses: ProviderStatus[] = [];
  for (const config of configs) {
    const source: ProviderStatus['source'] = config.source.type === 'filesystem'
      ? { type: 'filesystem', path: config.source.path }
      : { type: 'git', repository: config.source.repository, ref: config.source.ref };
    const status: ProviderStatus = { name: config.name, enabled: config.enabled, status: 'disabled', source, diagnostics: [] };
    statuses.push(status);
    if (!config.enabled) {
      options.logger.info({ provider: config.name }, 'provider disabled in the configuration');
      continue;
    }
    try {
      const result = await loadProviderSource(
        config.source.type === 'filesystem'
          ? { dir: config.source.path }
          : { git: { url: config.source.repository, ref: config.source.ref, ...(config.source.path ? { path: config.source.path } : {}) } },
        { steps: options.steps, cacheDir: options.cacheDir, ...(config.source.type === 'filesystem' ? { displayRoot: config.source.path } : {}) },
      );
      status.diagnostics = result.diagnostics.map(toDiagnostic);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (!result.provider || errors.length) throw new Error(`${errors.length} error(s) in the provider`);
      if (result.provider.provider.metadata.name !== config.name) {
        throw new Error(`the configuration names it '${config.name}' but its provider.yaml says '${result.provider.provider.metadata.name}'`);
      }
      registry.register(result.provider);
      status.status = 'registered';
      if (result.provider.commit && source.type === 'git') source.commit = result.provider.commit;
      options.logger.info({ provider: config.name, types: registry.types().filter((t) => registry.providerOf(t) === config.name) }, 'provider registered');
    } catch (err) {
      status.status = 'failed';
      if (status.diagnostics.every((d) => d.severity !== 'error')) status.diagnostics.push({ severity: 'error', message: (err as Error).message });
      options.logger.error({ provider: config.name, diagnostics: status.diagnostics }, `provider '${config.name}' not registered: ${(err as Error).message}`);
    }
  }
  return { registry, statuses };
}
