import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { createEngine, createOrchestrator, fromPino, InnominatusError, reveal, StepRegistry, verifyEncryptionKey, type Orchestrator } from '@innominatus/core';
import type { ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';
import type { HostConfig } from '../config/host-config';
import { EventHub } from '../event-hub';
import { createAuthenticator } from '../http/auth';
import { createServer } from '../http/server';
import { createWaitingResources } from '../waiting-resources';
import type { HostServices } from '../host-services';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { hostEncrypter } from './encryption';
import { bridgeOrchestratorEvents } from './event-bridge';
import { kubernetesAccess, type Simulation } from './kubernetes-access';
import { loadProviders } from './load-providers';
import { openStores } from './open-store';
import { instanceIdFor } from './instance-id';
import { credentialsOf } from '../util/url-credentials';

/** Options of {@link createHost}. */
export interface HostOptions {
  config: HostConfig;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Timings and scripted failures of the simulated Zalando operator (`kubernetes.mode: simulate`). */
  simulation?: ZalandoOperatorOptions;
  /** Where git providers are cloned (default `<tmp>/innominatus-providers`). */
  cacheDir?: string;
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
  const secrets = [
    ...config.auth.tokens.map((t) => reveal(t.token)),
    ...(config.secrets.encryptionKey ? [reveal(config.secrets.encryptionKey)] : []),
    ...(config.store.kind === 'postgres' ? credentialsOf(reveal(config.store.connectionString)) : []),
    ...config.providers.flatMap((p) => (p.source.type === 'git' ? credentialsOf(p.source.repository, { tokenAsUser: true }) : [])),
  ];
  const logger = createLogger({ level: config.logging.level, ...(options.logDestination ? { destination: options.logDestination } : {}), secrets });
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
    const stores = await openStores(config.store, encrypter, logger);
    closers.push(stores.close);
    notice(`store: ${stores.description}`);
    if (config.store.kind !== 'memory') {
      // A store remembers which key sealed its secrets: a different key stops the start here,
      // not later as failed reads of every resource.
      try {
        await verifyEncryptionKey(stores.store, encrypter);
      } catch (err) {
        if (InnominatusError.is(err) && err.code === 'KEY_MISMATCH') {
          const which = keyFile ? `the key in ${keyFile}` : 'the configured key (secrets.encryptionKey or INNOMINATUS_ENCRYPTION_KEY)';
          throw new Error(`${which} is not the key this store was created with: ${err.message}`);
        }
        throw err;
      }
    }

    // A simulated cluster lives beside a SQLite database, so that it survives a restart with the resources.
    const simulationState = config.store.kind === 'sqlite' ? `${config.store.filename}.cluster.json` : undefined;
    const kube = await kubernetesAccess(config.kubernetes, options.simulation, simulationState);
    closers.push(kube.close);
    notice(`kubernetes: ${kube.description}`);

    const steps = new StepRegistry(kube.steps);
    const { registry, statuses } = await loadProviders(config.providers, {
      steps, cacheDir: options.cacheDir ?? join(tmpdir(), 'innominatus-providers'), logger,
    });
    for (const s of statuses) {
      if (s.status === 'registered') notice(`provider ${s.name}: registered (serves ${registry.types().filter((t) => registry.providerOf(t) === s.name).join(', ')})`);
      else if (s.status === 'disabled') notice(`provider ${s.name}: disabled`);
      else {
        const errors = s.diagnostics.filter((d) => d.severity === 'error');
        notice(`provider ${s.name}: NOT REGISTERED, ${errors.length} error(s):`);
        for (const d of errors.slice(0, 10)) notice(`  ${d.file ? `${d.file}:${d.line}:${d.col}: ` : ''}${d.message}${d.code ? ` [${d.code}]` : ''}`);
        if (errors.length > 10) notice(`  ... and ${errors.length - 10} more (GET /api/providers lists them all)`);
      }
    }
    if (config.auth.tokens.length === 0) logger.warn('no API tokens are configured: every /api request will be refused with 401');

    const engineLogger = fromPino(logger.child({ component: 'engine' }));
    const engine = createEngine({ steps, journal: stores.store, encrypter, logger: engineLogger });
    const owner = instanceIdFor(config);
    const orchestrator = createOrchestrator({
      store: stores.store, engine, registry,
      ...(owner ? { owner } : {}),
      concurrency: config.orchestrator.concurrency,
      pollIntervalMs: config.orchestrator.pollIntervalMs,
      leaseMs: config.orchestrator.leaseMs,
      logger: fromPino(logger.child({ component: 'orchestrator' })),
    });
    notice(owner ? `instance: ${orchestrator.owner} (stable across restarts: leases it held before a restart are taken back at once)` : `instance: ${orchestrator.owner} (new on every start; set orchestrator.instanceId to keep one)`);
    const hub = new EventHub();
    const detach = bridgeOrchestratorEvents(orchestrator.events, hub);
    closers.push(async () => detach());
    orchestrator.events.on('orchestrator:error', (e) => logger.error({ code: e.code }, `orchestrator: ${e.message}`));
    hub.subscribe((e) => {
      if (e.kind === 'resource') logger.info({ resourceId: e.resourceId, application: e.application, resource: e.name, from: e.from, to: e.to }, `resource ${e.application}/${e.name}: ${e.from ?? '-'} -> ${e.to} (${e.reason})`);
      else {
        const level = e.status === 'failed' || e.status === 'retrying' ? 'warn' : e.status === 'progress' ? 'debug' : 'info';
        logger[level]({ resourceId: e.resourceId, runId: e.runId, step: e.step, stepType: e.stepType, status: e.status, error: e.error },
          `step ${e.step} of ${e.application ?? '?'}/${e.resource ?? e.resourceId}: ${e.status}${e.message ? `: ${e.message}` : ''}`);
      }
    });

    // Counted in the store (one indexed query), not by loading resources.
    const metrics = createMetrics(hub, () => stores.store.countResources({ pending: true, leased: false }), (err) => logger.warn({ err }, 'metrics: the store did not answer the queue depth read'));
    const services: HostServices = {
      store: stores.store, requests: orchestrator, registry, providers: statuses, specs: stores.specs, hub, metrics,
      authenticator: createAuthenticator(config.auth.tokens), logger, bodyLimit: config.server.bodyLimit, readiness: [kube.probe], score: config.score,
    };
    const stopWaiting = createWaitingResources(services);
    closers.push(async () => stopWaiting());
    const app = createServer(services);
    let stopped = false;
    return {
      app, services, orchestrator, logger, notices, ...(kube.simulation ? { simulation: kube.simulation } : {}),
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
