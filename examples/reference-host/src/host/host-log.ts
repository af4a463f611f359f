import type { Logger } from 'pino';
import { reveal, type ProviderRegistry } from '@innominatus/core';
import type { HostConfig } from '../config/host-config';
import type { EventHub } from '../event-hub';
import type { ProviderStatus } from '../host-services';
import { credentialsOf } from '../util/url-credentials';

/** Every secret of the configuration, which the log scrubs from each line: tokens, the key, database and git credentials. */
export function configSecrets(config: HostConfig): string[] {
  return [
    ...config.auth.tokens.map((t) => reveal(t.token)),
    ...(config.secrets.encryptionKey ? [reveal(config.secrets.encryptionKey)] : []),
    ...(config.store.kind === 'postgres' ? credentialsOf(reveal(config.store.connectionString)) : []),
    ...config.providers.flatMap((p) => (p.source.type === 'git' ? credentialsOf(p.source.repository, { tokenAsUser: true }) : [])),
  ];
}

/** Tells the operator what became of each provider: the types it serves, or its first ten errors. */
export function reportProviders(statuses: readonly ProviderStatus[], registry: ProviderRegistry, notice: (text: string) => void): void {
  for (const s of statuses) {
    if (s.status === 'registered')
      notice(
        `provider ${s.name}: registered (serves ${registry
          .types()
          .filter((t) => registry.providerOf(t) === s.name)
          .join(', ')})`,
      );
    else if (s.status === 'disabled') notice(`provider ${s.name}: disabled`);
    else {
      const errors = s.diagnostics.filter((d) => d.severity === 'error');
      notice(`provider ${s.name}: NOT REGISTERED, ${errors.length} error(s):`);
      for (const d of errors.slice(0, 10)) notice(`  ${d.file ? `${d.file}:${d.line}:${d.col}: ` : ''}${d.message}${d.code ? ` [${d.code}]` : ''}`);
      if (errors.length > 10) notice(`  ... and ${errors.length - 10} more (GET /api/providers lists them all)`);
    }
  }
}

/** Logs every host event: resource moves at info, a resource waiting for its next try warns, step events at their level (failures and retries warn, progress is debug). */
export function logHostEvents(hub: EventHub, logger: Logger): () => void {
  return hub.subscribe((e) => {
    if (e.kind === 'resource')
      logger.info(
        { resourceId: e.resourceId, application: e.application, resource: e.name, from: e.from, to: e.to },
        `resource ${e.application}/${e.name}: ${e.from ?? '-'} -> ${e.to} (${e.reason})`,
      );
    else if (e.kind === 'retrying')
      logger.warn(
        {
          resourceId: e.resourceId,
          application: e.application,
          resource: e.name,
          operation: e.operation,
          failedTries: e.failedTries,
          nextAttemptAt: e.nextAttemptAt,
          since: e.error.since,
          code: e.error.code,
        },
        `resource ${e.application}/${e.name}: ${e.operation} try ${e.failedTries} failed (${e.error.message}); retrying at ${e.nextAttemptAt}`,
      );
    else {
      const level = e.status === 'failed' || e.status === 'retrying' ? 'warn' : e.status === 'progress' ? 'debug' : 'info';
      logger[level](
        { resourceId: e.resourceId, runId: e.runId, step: e.step, stepType: e.stepType, status: e.status, error: e.error },
        `step ${e.step} of ${e.application ?? '?'}/${e.resource ?? e.resourceId}: ${e.status}${e.message ? `: ${e.message}` : ''}`,
      );
    }
  });
}
