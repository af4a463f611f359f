import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TracerProvider } from '@opentelemetry/api';
import type { DestinationStream, Logger } from 'pino';
import type { Orchestrator, Store } from '@innominatus/core';
import type { ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';
import type { HostConfig } from '../config/host-config';
import type { EventHub } from '../event-hub';
import { createAuthenticator } from '../http/auth';
import { createServer } from '../http/server';
import { WritesInFlight } from '../http/writes-in-flight';
import { createWaitingResources } from '../waiting-resources';
import type { HostServices } from '../host-services';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { configSecrets, reportProviders } from './host-log';
import { hostEvents } from './host-events';
import { hostOrchestrator } from './host-orchestrator';
import { openHostStore } from './host-store';
import { startTelemetry } from './telemetry';
import { kubernetesAccess, type Simulation } from './kubernetes-access';
import { loadProviders } from './load-providers';
import { loadHostSteps } from './load-steps';
import { createStartUp, type StartUp } from './start-up';

/**
 * Longest time a claim of new work waits for the write requests being
 * answered: a burst of submissions (200 at once take 0.4–1.5 s on two
 * cores) is answered before its runs start, and a steady stream of them
 * delays the runs by at most this, then gives them a turn as long.
 */
const REQUESTS_FIRST_MS = 2_000;

/**
 * How long after the last write request was answered the runs still wait:
 * a burst's requests arrive over a few hundred milliseconds (connections still
 * reach the host while it answers the first ones), with gaps of up to
 * about 15 ms between them in which no write is in flight; without this the
 * orchestrator claimed new work in those gaps and its runs took the event
 * loop from the rest of the burst.
 */
const REQUESTS_QUIET_MS = 50;

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
    destination: options.logDestination,
    secrets: configSecrets(config),
  });
  const start = createStartUp(logger);
  try {
    const { store, encrypter } = await openHostStore(config, logger, start);
    const { kube, steps, registry, statuses } = await loadHostWork(config, options, logger, start);
    if (config.auth.tokens.length === 0) logger.warn('no API tokens are configured: every /api request will be refused with 401');
    const writes = new WritesInFlight({ maxWaitMs: REQUESTS_FIRST_MS, quietMs: REQUESTS_QUIET_MS });
    const orchestrator = hostOrchestrator(config, { store, steps, encrypter, registry, writes }, logger, start.notice);
    const telemetry = startTelemetry(config.telemetry, orchestrator, registry, options.tracerProvider);
    start.onClose(() => telemetry.close());
    if (config.telemetry.otlpEndpoint) start.notice(`traces: OTLP/HTTP to ${config.telemetry.otlpEndpoint}`);
    const hub = hostEvents(orchestrator, logger, start);
    const services: HostServices = {
      store,
      requests: orchestrator,
      registry,
      providers: statuses,
      hub,
      metrics: storeMetrics(hub, store, logger),
      authenticator: createAuthenticator(config.auth.tokens),
      logger,
      bodyLimit: config.server.bodyLimit,
      readiness: [kube.probe],
      telemetry,
      score: config.score,
      writes,
    };
    const stopWaiting = createWaitingResources(services);
    start.onClose(async () => stopWaiting());
    return runningHost(config, { app: createServer(services), services, orchestrator, logger, simulation: kube.simulation }, start);
  } catch (err) {
    await start.closeAll();
    throw err;
  }
}

/**
 * The parts that do the work: Kubernetes access (or the simulation, kept
 * beside a SQLite database so that it survives a restart with the resources),
 * the step types (built-in and configured modules) and the providers, each
 * told to the operator.
 */
async function loadHostWork(config: HostConfig, options: HostOptions, logger: Logger, start: StartUp) {
  const simulationState = config.store.kind === 'sqlite' ? `${config.store.filename}.cluster.json` : undefined;
  const kube = await kubernetesAccess(config.kubernetes, options.simulation, simulationState);
  start.onClose(kube.close);
  start.notice(`kubernetes: ${kube.description}`);
  const steps = await loadHostSteps(kube.steps, config.steps, start.notice);
  const { registry, statuses } = await loadProviders(config.providers, {
    steps,
    cacheDir: options.cacheDir ?? join(tmpdir(), 'innominatus-providers'),
    logger,
  });
  reportProviders(statuses, registry, start.notice);
  return { kube, steps, registry, statuses };
}

/** The host's metrics; the queue depth is counted in the store (one indexed query), not by loading resources. */
function storeMetrics(hub: EventHub, store: Store, logger: Logger) {
  return createMetrics(
    hub,
    () => store.countResources({ pending: true, leased: false }),
    (err) => logger.warn({ err }, 'metrics: the store did not answer the queue depth read'),
  );
}

/** The built host: `listen` serves HTTP and then starts the orchestrator; `close` (once) stops taking requests, then work, then closes every part. */
function runningHost(
  config: HostConfig,
  parts: Pick<Host, 'app' | 'services' | 'orchestrator' | 'logger'> & { simulation: Simulation | undefined },
  start: StartUp,
): Host {
  const { app, orchestrator, simulation } = parts;
  let stopped = false;
  return {
    app,
    services: parts.services,
    orchestrator,
    logger: parts.logger,
    notices: start.notices,
    ...(simulation ? { simulation } : {}),
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
      await start.closeAll();
    },
  };
}
