import { defineStep, parseDuration, Type, type StepContext, type StepDefinition, type StepDefinitionInit, type TSchema } from '@innominatus/core';
import { usePrecompiledValidator } from '@innominatus/core/internal';
import type { KubernetesClient } from './client/kubernetes-client';
import { KubernetesError } from './errors';
import { inputValidators } from './input-validators';

/** What every step factory takes: the client, or a function making it on first use. */
export interface KubernetesStepOptions {
  client: KubernetesClient | (() => KubernetesClient);
}

/** The client of a step's options (memoised when it is a function). */
export function clientGetter(options: KubernetesStepOptions): () => KubernetesClient {
  const c = options.client;
  if (typeof c !== 'function') return () => c;
  let made: KubernetesClient | undefined;
  return () => (made ??= c());
}

/**
 * Core's `defineStep`, with the validator the build generated from the input
 * schema (see input-validators.ts) made the one a workflow's analysis checks
 * `with` blocks of the step type with.
 */
export function defineKubernetesStep<I extends TSchema, O extends TSchema>(init: StepDefinitionInit<I, O>): StepDefinition<I, O> {
  const definition = defineStep(init);
  const validate = inputValidators[definition.type];
  if (validate) usePrecompiledValidator(definition.input, validate);
  return definition;
}

/** A Kubernetes object name (RFC 1123 subdomain, as the API checks it). */
export const NameSchema = Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'object name' });
/** A namespace name. */
export const NamespaceSchema = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  description: 'namespace (default: the step default, else the kubeconfig context)',
});
/** A duration such as `30s`, `10m` or milliseconds. */
export const DurationSchema = Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Integer({ minimum: 0 })], {
  description: 'duration, e.g. 30s, 10m, 1h',
});

/** Reference to one object. */
export const ResourceRefSchema = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1, maxLength: 253 }),
    kind: Type.String({ minLength: 1, maxLength: 63 }),
    name: NameSchema,
    namespace: Type.Optional(NamespaceSchema),
  },
  { additionalProperties: false },
);

/**
 * How long a wait may last: the input's `timeout` when given, but always a
 * little less than the step's remaining time, so the step can fail with its
 * own message (quoting the last observed state) before the engine's timeout.
 */
export function waitBudgetMs(timeout: string | number | undefined, ctx: StepContext, field = 'timeout'): number {
  let own = Number.POSITIVE_INFINITY;
  if (timeout !== undefined) {
    try {
      own = parseDuration(timeout);
    } catch {
      throw new KubernetesError('K8S_INPUT_INVALID', `${field}: '${String(timeout)}' is not a duration (use e.g. 30s, 10m, 1h)`);
    }
  }
  const remaining = ctx.remainingMs();
  const margin = Math.min(1000, remaining * 0.05);
  return Math.max(0, Math.min(own, remaining - margin));
}

/** `1.5s`, `10m`, ... for messages. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${+(ms / 60_000).toFixed(1)}m`;
}

/** `postgresql apps/team-db`, `Namespace x`. */
export function describeObject(kind: string, namespace: string | undefined, name: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
