import { ProviderRegistry, scrubText, type StepRegistry } from '@innominatus/core';
import { loadProviderSource, type Diagnostic } from '@innominatus/provider-sdk';
import type { Logger } from 'pino';
import type { ProviderConfig } from '../config/host-config';
import type { ProviderDiagnostic, ProviderStatus } from '../host-services';
import { credentialsOf, withoutCredentials } from '../util/url-credentials';

/** Options of {@link loadProviders}. */
export interface LoadProvidersOptions {
  steps: StepRegistry;
  /** Where git providers are cloned. */
  cacheDir: string;
  logger: Logger;
}

/** Replaces a repository URL (with its credentials) and any credential left over by their redacted forms. */
function cleaner(repository: string | undefined): (text: string) => string {
  if (repository === undefined) return (text) => text;
  const display = withoutCredentials(repository);
  const secrets = credentialsOf(repository, { tokenAsUser: true });
  return (text) => scrubText(text.split(repository).join(display), secrets);
}

function toDiagnostic(d: Diagnostic, clean: (text: string) => string): ProviderDiagnostic {
  return { severity: d.severity, code: d.code, message: clean(d.message), file: d.file, line: d.line, col: d.col };
}

/**
 * Loads and validates every enabled provider and registers those without
 * errors. A provider that fails (bad YAML, unknown step type, a type another
 * provider already serves, an unreachable repository) is logged with its
 * diagnostics and left out; the others still serve.
 */
export async function loadProviders(
  configs: readonly ProviderConfig[],
  options: LoadProvidersOptions,
): Promise<{ registry: ProviderRegistry; statuses: ProviderStatus[] }> {
  const registry = new ProviderRegistry();
  const statuses: ProviderStatus[] = [];
  for (const config of configs) {
    // A repository URL may carry a deploy token: status, diagnostics and log lines get it without.
    const clean = cleaner(config.source.type === 'git' ? config.source.repository : undefined);
    const source: ProviderStatus['source'] =
      config.source.type === 'filesystem'
        ? { type: 'filesystem', path: config.source.path }
        : { type: 'git', repository: withoutCredentials(config.source.repository), ref: config.source.ref };
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
      status.diagnostics = result.diagnostics.map((d) => toDiagnostic(d, clean));
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
      const message = clean((err as Error).message);
      if (status.diagnostics.every((d) => d.severity !== 'error')) status.diagnostics.push({ severity: 'error', message });
      options.logger.error({ provider: config.name, diagnostics: status.diagnostics }, `provider '${config.name}' not registered: ${message}`);
    }
  }
  return { registry, statuses };
}
