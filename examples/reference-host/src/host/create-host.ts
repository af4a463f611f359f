import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TracerProvider } from '@opentelemetry/api';
import type { DestinationStream, Logger } from 'pino';
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
import type { ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';
import type { HostConfig } from '../config/host-config';
import { EventHub } from '../event-hub';
import { createAuthenticator } from '../http/auth';
import { createServer } from '../http/server';
import { createWaitingResources } from '../waiting-resources';
import { migrateSharedIndex } from '../score/shared-index-migration';
import type { HostServices } from '../host-services';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { checkStoreKey, hostEncrypter } from './encryption';
import { configSecrets, logHostEvents, reportProviders } from './host-log';
import { bridgeOrchestratorEvents } from './event-bridge';
import { startTelemetry } from './telemetry';
import { kubernetesAccess, type Simulation } from './kubernetes-access';
import { loadProviders } from './load-providers';
import { loadHostSteps } from './load-steps';
import { openStore } from './open-store';
import { instanceIdFor } from './instance-id';

/** Options of {@link createHost}. */
export interface HostOptions {
  config: HostConfig;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Timings and scripted failures of the simulated Zalando operator (`kubernetes.mode: simulate`). */
  simulation?: ZalandoOperatorOptions;
  /** Where git providers are cloned (default `<tmp>/innominatus-providers`). */
  cacheDir?: string;
  /** Spans go to this provider (tests: one with an in-memory exporter) instead of the configured OTLP exporter or the global provider. */
  tracerProvider?: TracerProvider;
}

/** A running host. */
export interface Host {
  readonly app: FastifyInstance;
  readonly services: HostServices;
  readonly orchestrator: Orchestrator;
  readonly logger: Logger;
  /** The simulated cluster, with `--simulate`. */
  readonly simulation?: Simulation;
  /** What the host told the operator at start (store, cluster, providers). */
  readonly notices: string[];
  /** Starts serving HTTP and working; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests and work, lets running steps finish (up to `graceMs`), and closes everything. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Builds a host from its configuration: store, Kubernetes access (or the
 * simulation), providers (validated; a failing one is reported and left out),
 * engine, orchestrator, metrics, events and the HTTP API.
 *
 * @example
 * const host = await createHost({ config: loadConfig({ file: 'config.yaml' }) });
 * console.log(await host.listen());
 */
export async function createHost(options: HostOptions): Promise<Host> {
  const { config } = options;
  const logger = createLogger({
    level: config.logging.level,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
    secrets: configSecrets(config),
  });
  const notices: string[] = [];
  const notice = (text: string) => {
    notices.push(text);
    logger.info(text);
  };
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: Error) => logger.error({ err }, 'error while closing'));
  };

  try {
    const { encrypter, keyFile } = hostEncrypter(config);
    if (keyFile) notice(`sensitive outputs are encrypted with the key in ${keyFile}`);
    const { store, description } = await openStore(config.store, encrypter, logger);
    closers.push(() => store.close());
    notice(`store: ${description}`);
    await checkStoreKey(config, store, encrypter, keyFile);
    const indexed = await migrateSharedIndex(store);
    if (indexed) notice(`store: the index of shared resources was built (${indexed} shared resources)`);

    // A simulated cluster lives beside a SQLite database, so that it survives a restart with the resources.
    const simulationState = config.store.kind === 'sqlite' ? `${config.store.filename}.cluster.json` : undefined;
    const kube = await kubernetesAccess(config.kubernetes, options.simulation, simulationState);
    closers.push(kube.close);
    notice(`kubernetes: ${kube.description}`);

    const steps = await loadHostSteps(kube.steps, config.steps, notice);
    const { registry, statuses } = await loadProviders(config.providers, {
      steps,
      cacheDir: options.cacheDir ?? join(tmpdir(), 'innominatus-providers'),
      logger,
    });
    reportProviders(statuses, registry, notice);
    if (config.auth.tokens.length === 0) logger.warn('no API tokens are configured: every /api request will be refused with 401');

    const owner = instanceIdFor(config);
    const orchestrator = hostOrchestrator(config, { store, steps, encrypter, registry, owner }, logger);
    notice(
      owner
        ? `instance: ${orchestrator.owner} (stable across restarts: leases it held before a restart are taken back at once)`
        : `instance: ${orchestrator.owner} (new on every start; set orchestrator.instanceId to keep one)`,
    );
    const telemetry = startTelemetry(config.telemetry, orchestrator, registry, options.tracerProvider);
    closers.push(() => telemetry.close());
    if (config.telemetry.otlpEndpoint) notice(`traces: OTLP/HTTP to ${config.telemetry.otlpEndpoint}`);
    const hub = new EventHub();
    const detach = bridgeOrchestratorEvents(orchestrator.events, hub);
    closers.push(async () => detach());
    orchestrator.events.on('orchestrator:error', (e) => logger.error({ code: e.code }, `orchestrator: ${e.message}`));
    logHostEvents(hub, logger);

    // Counted in the store (one indexed query), not by loading resources.
    const metrics = createMetrics(
      hub,
      () => store.countResources({ pending: true, leased: false }),
      (err) => logger.warn({ err }, 'metrics: the store did not answer the queue depth read'),
    );
    const services: HostServices = {
      store,
      requests: orchestrator,
      registry,
      providers: statuses,
      hub,
      metrics,
      authenticator: createAuthenticator(config.auth.tokens),
      logger,
      bodyLimit: config.server.bodyLimit,
      readiness: [kube.probe],
      telemetry,
      score: config.score,
    };
    const stopWaiting = createWaitingResources(services);
    closers.push(async () => stopWaiting());
    const app = createServer(services);
    let stopped = false;
    return {
      app,
      services,
      orchestrator,
      logger,
      notices,
      ...(kube.simulation ? { simulation: kube.simulation } : {}),
      async listen() {
        const url = await app.listen({ host: config.server.host, port: config.server.port });
        orchestrator.start();
        return url;
      },
      async close({ graceMs = 10_000 } = {}) {
        if (stopped) return;
        stopped = true;
        await app.close();
        await orchestrator.stop({ graceMs });
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The engine and orchestrator over the host's store, with the instance id and the configured concurrency, poll and lease, each logging as its own component. */
function hostOrchestrator(
  config: HostConfig,
  parts: { store: Store; steps: StepRegistry; encrypter: Encrypter; registry: ProviderRegistry; owner: string | undefined },
  logger: Logger,
): Orchestrator {
  const engine = createEngine({
    steps: parts.steps,
    journal: parts.store,
    encrypter: parts.encrypter,
    logger: fromPino(logger.child({ component: 'engine' })),
  });
  return createOrchestrator({
    store: parts.store,
    engine,
    registry: parts.registry,
    ...(parts.owner ? { owner: parts.owner } : {}),
    concurrency: config.orchestrator.concurrency,
    pollIntervalMs: config.orchestrator.pollIntervalMs,
    leaseMs: config.orchestrator.leaseMs,
    logger: fromPino(logger.child({ component: 'orchestrator' })),
  });
}
