import { ApiStatusError } from './api-status';
import { clone, isPlainObject } from './merge';
import type { MockObject } from './types';

/**
 * A conversion webhook as a function: gets a copy of an object and the
 * apiVersion wanted, returns the object at that apiVersion. As on a real
 * API server, the result must keep `kind`, `metadata.name`,
 * `metadata.namespace` and `metadata.uid`; of the rest of its metadata only
 * `labels` and `annotations` are taken.
 */
export type ConversionWebhook = (object: MockObject, desiredAPIVersion: string) => MockObject;

const FAILED = 'Internal error occurred: conversion webhook for ';

/** True for the error of a conversion that failed (what controllers leave for a retry). */
export function isConversionFailure(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 500 && err.message.startsWith(FAILED);
}

/** A CRD's `spec.conversion`: `None` rewrites only apiVersion; `Webhook` calls the webhook. */
export type ConversionStrategy = { strategy: 'None' } | { strategy: 'Webhook'; clientConfig: Record<string, unknown> };

/**
 * How the objects of each custom kind are converted between its versions:
 * the strategy its CRD names, and the webhooks registered by tests (the mock
 * cluster reaches no real webhook). Converting to the version an object is
 * at is no conversion; a `Webhook` kind without a registered webhook fails
 * like an API server whose webhook is unreachable (500 InternalError).
 */
export class Conversions {
  readonly #strategies = new Map<string, ConversionStrategy>();
  readonly #webhooks = new Map<string, ConversionWebhook>();
  readonly #serviceExists: (namespace: string, name: string) => boolean;

  /** `serviceExists` tells whether a webhook's Service is in the cluster (it changes the unreachable webhook's message). */
  constructor(serviceExists: (namespace: string, name: string) => boolean) {
    this.#serviceExists = serviceExists;
  }

  /** Sets (or, with undefined, forgets) the strategy of a kind, by its `group|kind` key. */
  setStrategy(key: string, strategy: ConversionStrategy | undefined): void {
    if (strategy) this.#strategies.set(key, strategy);
    else this.#strategies.delete(key);
  }

  /** Registers (or, with undefined, removes) the webhook of a kind, by its `group|kind` key. */
  setWebhook(key: string, webhook: ConversionWebhook | undefined): void {
    if (webhook) this.#webhooks.set(key, webhook);
    else this.#webhooks.delete(key);
  }

  /** True when the kind's objects are converted by a webhook. */
  isWebhook(key: string): boolean {
    return this.#strategies.get(key)?.strategy === 'Webhook';
  }

  /** The object at `apiVersion` (itself when it is at it already), converted as the kind's strategy says. */
  convert(key: string, object: MockObject, apiVersion: string): MockObject {
    if (object.apiVersion === apiVersion) return object;
    const strategy = this.#strategies.get(key);
    if (strategy?.strategy !== 'Webhook') return { ...object, apiVersion };
    const webhook = this.#webhooks.get(key);
    if (!webhook) throw this.#unreachable(object, strategy.clientConfig);
    return checked(object, webhook(clone(object), apiVersion), apiVersion);
  }

  #unreachable(object: MockObject, clientConfig: Record<string, unknown>): ApiStatusError {
    const message = `${object.apiVersion}, Kind=${object.kind} failed: ${this.#postError(clientConfig)}`;
    return new ApiStatusError(500, 'InternalError', FAILED + message, { causes: [{ message: `conversion webhook for ${message}` }] });
  }

  /** What the API server's HTTP client says when it cannot reach the webhook. */
  #postError(clientConfig: Record<string, unknown>): string {
    const service = isPlainObject(clientConfig.service) ? clientConfig.service : undefined;
    if (service) {
      const name = String(service.name);
      const namespace = String(service.namespace);
      const path = typeof service.path === 'string' ? service.path : '/';
      const port = typeof service.port === 'number' ? service.port : 443;
      const url = `https://${name}.${namespace}.svc:${port}${path}?timeout=30s`;
      const why = this.#serviceExists(namespace, name) ? `no endpoints available for service "${name}"` : `service "${name}" not found`;
      return `Post "${url}": ${why}`;
    }
    const url = String(clientConfig.url);
    let host = url;
    try {
      const u = new URL(url);
      host = u.port ? u.host : `${u.hostname}:443`;
    } catch {
      // The CRD's validation keeps unparsable URLs out; the message then names the text as given.
    }
    return `Post "${url}?timeout=30s": dial tcp ${host}: connect: connection refused`;
  }
}

/** A webhook's answer as the API server takes it, or a TypeError naming what the test's webhook got wrong. */
function checked(original: MockObject, converted: MockObject, apiVersion: string): MockObject {
  const who = `the conversion webhook for ${original.kind} "${original.metadata.name}"`;
  if (!isPlainObject(converted) || !isPlainObject(converted.metadata)) throw new TypeError(`${who} returned no object with metadata`);
  if (converted.apiVersion !== apiVersion) throw new TypeError(`${who} returned apiVersion ${String(converted.apiVersion)}, not ${apiVersion}`);
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (converted.metadata[field] !== original.metadata[field])
      throw new TypeError(`${who} changed metadata.${field} (${String(original.metadata[field])} → ${String(converted.metadata[field])})`);
  }
  if (converted.kind !== original.kind) throw new TypeError(`${who} changed kind (${original.kind} → ${String(converted.kind)})`);
  const metadata = { ...original.metadata };
  for (const field of ['labels', 'annotations'] as const) {
    if (converted.metadata[field] === undefined) delete metadata[field];
    else metadata[field] = converted.metadata[field];
  }
  return { ...converted, metadata };
}
