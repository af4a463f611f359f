import {
  type Clock,
  createEngine,
  ENGINE_EVENT_NAMES,
  InnominatusError,
  StepRegistry,
  type EngineEvents,
  type LoadedProvider,
  type ResourceContext,
  type StepDefinition,
} from '@innominatus/core';
import { ProviderSdkError } from '../errors';
import type { KubeConfigSource } from '@innominatus/steps-kubernetes';
import { defaultSteps } from '../steps/default-steps';

/** A KubeConfig object, a kubeconfig file path or kubeconfig text. */
type Kubeconfig = NonNullable<KubeConfigSource['kubeconfig']>;

/** An engine event as captured: its name in `event`, then its (already redacted) payload. */
export type CapturedEvent = { [K in keyof EngineEvents]: { event: K } & Parameters<EngineEvents[K]>[0] }[keyof EngineEvents];

/** A log line written by the engine or a step during the run (already redacted). */
export interface CapturedRunLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  parameters?: Record<string, unknown>;
  /** The resource request, as the orchestrator passes it (`resource.*` in expressions). */
  resource?: ResourceContext;
  /**
   * Step types to run with. Default: the Kubernetes steps (connected to
   * `cluster` or `kubeconfig`) plus the steps given to `loadProviderForTest`.
   * Given, these are used in addition to the Kubernetes steps when a cluster
   * or kubeconfig is given, and alone otherwise.
   */
  steps?: Iterable<StepDefinition>;
  /** A mock cluster (`createMockCluster()` of `@innominatus/steps-kubernetes/testing`): the Kubernetes steps talk to it. */
  cluster?: { nock(options?: { namespace?: string }): Kubeconfig };
  /** A kubeconfig for the Kubernetes steps (when not using `cluster`): a KubeConfig, a file path or kubeconfig text. */
  kubeconfig?: Kubeconfig;
  signal?: AbortSignal;
  /**
   * What the run's time runs on: each step's timeout, the backoff between a
   * step's tries and the steps' own waits (a wait's `timeout`, a Secret's
   * `within`). Default: the system clock. A test of a timeout passes
   * `createFakeClock()` of `@innominatus/core/testing` and moves it once the
   * wait has observed what it must (see `onEvent`), so the test neither
   * waits out the timeout nor races it.
   */
  clock?: Clock;
  /**
   * Called with each engine event as it happens (the same objects `events`
   * holds at the end), e.g. to move a fake `clock` once a wait reports what
   * it observed (`step:progress`).
   */
  onEvent?: (event: CapturedEvent) => void;
}

/** What a test run produced. */
export interface WorkflowRun {
  runId: string;
  status: 'succeeded' | 'failed';
  /** The outputs (sensitive ones as `Sensitive`, use `reveal()`); empty when the run failed. */
  outputs: Record<string, unknown>;
  /** Why the run failed. */
  error?: InnominatusError<string>;
  /** Every engine event, in order. */
  events: CapturedEvent[];
  /** Every log line, in order. */
  logs: CapturedRunLog[];
}

/**
 * Runs one workflow of a provider on the core engine and captures its
 * events and logs. Resolves for failed runs too (`status: 'failed'`, `error`),
 * so a test can assert on how a run fails.
 *
 * @example
 * const cluster = createMockCluster();
 * const run = await runWorkflow(provider, 'provision-postgres', { parameters: { db_name: 'orders' }, cluster });
 * expect(run.status).toBe('succeeded');
 */
export async function runWorkflow(provider: LoadedProvider, name: string, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
  const workflow = provider.workflows.get(name);
  if (!workflow) {
    throw new ProviderSdkError(
      'USAGE',
      `provider '${provider.provider.metadata.name}' has no workflow '${name}' (workflows: ${[...provider.workflows.keys()].join(', ')})`,
    );
  }
  const registry = new StepRegistry();
  const kubeconfig = options.cluster ? options.cluster.nock() : options.kubeconfig;
  if (kubeconfig !== undefined || options.steps === undefined) registry.registerAll(await defaultSteps(kubeconfig === undefined ? undefined : { kubeconfig }));
  const extra = [...(options.steps ?? []), ...((provider as { extraSteps?: readonly StepDefinition[] }).extraSteps ?? [])];
  for (const s of extra) if (!registry.has(s.type)) registry.register(s);

  const logs: CapturedRunLog[] = [];
  const capture = (level: CapturedRunLog['level']) => (message: string, data?: Record<string, unknown>) => {
    logs.push(data === undefined ? { level, message } : { level, message, data });
  };
  const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
  const engine = createEngine({ steps: registry, logger, ...(options.clock && { clock: options.clock }) });
  const events: CapturedEvent[] = [];
  for (const event of ENGINE_EVENT_NAMES) {
    engine.events.on(event, (payload: object) => {
      const captured = { event, ...payload } as CapturedEvent;
      events.push(captured);
      options.onEvent?.(captured);
    });
  }
  try {
    const result = await engine.run(workflow, {
      parameters: options.parameters ?? {},
      context: options.resource && { resource: options.resource },
      signal: options.signal,
    });
    return { runId: result.runId, status: 'succeeded', outputs: result.outputs, events, logs };
  } catch (err) {
    if (!InnominatusError.is(err)) throw err;
    const runId = (err as { runId?: string }).runId ?? '';
    return { runId, status: 'failed', outputs: {}, error: err, events, logs };
  }
}

/**
 * Everything a run let out, as one string: its events, its log lines and
 * its error (message, `describe()`, JSON and stack). A test that a secret
 * never leaks checks the secret is not in it.
 */
export function capturedText(run: WorkflowRun): string {
  const err = run.error;
  return JSON.stringify({
    events: run.events,
    logs: run.logs,
    error: err ? { message: err.message, describe: err.describe(), json: JSON.parse(JSON.stringify(err)), stack: err.stack } : null,
  });
}
