import { vi } from 'vitest';
import type { Clock } from '@innominatus/core';
import { createMockStepContext, type MockStepContext } from '@innominatus/core/testing';
import { KubernetesClient } from '@innominatus/steps-kubernetes';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { servedCluster, type ServeMode } from './serve-modes';
import type { MockClusterOptions } from '@innominatus/steps-kubernetes/testing';

/** Fast retries so tests of 429/500 do not sleep long. */
export const FAST_RETRY = { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 20 };

/** A served mock cluster and a real client-node based client on it. */
export async function harness(mode: ServeMode, options: MockClusterOptions = {}): Promise<{ cluster: MockCluster; client: KubernetesClient }> {
  const { cluster, kubeConfig } = await servedCluster(mode, options);
  return { cluster, client: new KubernetesClient(kubeConfig, { retry: FAST_RETRY }) };
}

/** A step context with a timeout, its waits on `clock` (default the system clock). */
export function context(timeoutMs = 10_000, clock?: Clock): MockStepContext {
  return createMockStepContext(clock ? { timeoutMs, clock } : { timeoutMs });
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, any>;
  }
  throw new Error('expected a rejection');
}

/** Resolves once `condition` holds (vi.waitFor, every 5 ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 5 },
  );
}
