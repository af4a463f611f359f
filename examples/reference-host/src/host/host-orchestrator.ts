import type { Logger } from 'pino';
import {
  createEngine,
  createOrchestrator,
  fromPino,
  type Encrypter,
  type Orchestrator,
  type ProviderRegistry,
  type StepRegistry,
  type Store,
} from '@innominatus/core';
import type { HostConfig } from '../config/host-config';
import type { WritesInFlight } from '../http/writes-in-flight';
import { instanceIdFor } from './instance-id';

/** What the host's engine and orchestrator work over. */
export interface OrchestratorParts {
  store: Store;
  steps: StepRegistry;
  encrypter: Encrypter;
  registry: ProviderRegistry;
  /** Claims of new work wait for these requests to be answered. */
  writes: WritesInFlight;
}

/**
 * The engine and orchestrator over the host's store, with the instance id and
 * the configured concurrency, poll and lease, each logging as its own
 * component, claiming new work once the write requests being answered are
 * (see {@link WritesInFlight}); `notice` is told the instance name and whether it survives a restart.
 */
export function hostOrchestrator(config: HostConfig, parts: OrchestratorParts, logger: Logger, notice: (text: string) => void): Orchestrator {
  const owner = instanceIdFor(config);
  const engine = createEngine({
    steps: parts.steps,
    journal: parts.store,
    encrypter: parts.encrypter,
    logger: fromPino(logger.child({ component: 'engine' })),
  });
  const orchestrator = createOrchestrator({
    store: parts.store,
    engine,
    registry: parts.registry,
    owner,
    concurrency: config.orchestrator.concurrency,
    pollIntervalMs: config.orchestrator.pollIntervalMs,
    leaseMs: config.orchestrator.leaseMs,
    foreground: parts.writes,
    logger: fromPino(logger.child({ component: 'orchestrator' })),
  });
  notice(
    owner
      ? `instance: ${orchestrator.owner} (stable across restarts: leases it held before a restart are taken back at once)`
      : `instance: ${orchestrator.owner} (new on every start; set orchestrator.instanceId to keep one)`,
  );
  return orchestrator;
}
