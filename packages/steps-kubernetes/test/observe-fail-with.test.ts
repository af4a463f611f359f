import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '@innominatus/core';
import type { KubernetesClient } from '@innominatus/steps-kubernetes';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { harness, rejection } from './harness';
import { observeNamedObject } from '../src/watch/observe-named';
import { observeObject, type Observer } from '../src/watch/observe-object';

describe.each([
  ['the shared watch', observeObject],
  ['a watch by name', observeNamedObject],
] as [string, Observer][])("an observation's failWith, through %s", (_, observe) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('fails the wait with the error given, after it has observed, and stops watching', async () => {
    ({ cluster, client } = await harness('listen', { namespaces: ['apps'] }));
    const info = await client.resource('v1', 'ConfigMap');
    let fail: ((error: unknown) => void) | undefined;
    const seen: unknown[] = [];
    const waiting = observe(client, info, 'apps', 'settings', {
      signal: new AbortController().signal,
      timeoutMs: 60_000,
      clock: systemClock,
      decide: (object) => {
        seen.push(object);
        return undefined;
      },
      failWith: (f) => {
        fail = f;
      },
    });
    await expect.poll(() => seen.length).toBe(1);
    // Served over HTTP, so that the cluster sees the watch end (through nock it does not).
    await expect.poll(() => cluster.openWatches).toBe(1);
    const error = new Error('found deleted beside the observations');
    fail!(error);
    expect(await rejection(waiting)).toBe(error);
    expect(seen).toEqual([undefined]);
    // A second call after the end changes nothing.
    fail!(new Error('too late'));
    await expect.poll(() => client.hub.stats().listeners).toBe(0);
    await expect.poll(() => cluster.openWatches).toBe(0);
  });
});
