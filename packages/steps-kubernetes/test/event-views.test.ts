import type { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createMockCluster, recordEvent } from '@innominatus/steps-kubernetes/testing';

/** Collects the watch events a stream sends, as parsed lines. */
function lines(stream: Readable): Array<{ type: string; object: Record<string, unknown> }> {
  const out: Array<{ type: string; object: Record<string, unknown> }> = [];
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p) out.push(JSON.parse(p));
  });
  return out;
}

async function watch(cluster: ReturnType<typeof createMockCluster>, path: string) {
  const res = await cluster.handle({ method: 'GET', url: `${path}?watch=true`, headers: {}, body: '' });
  if (!('stream' in res)) throw new Error('not a watch stream');
  return lines(res.stream);
}

describe('Events in both APIs', () => {
  it('a watch of either API sees Events written through the other, each in its own form, and resumes from a resourceVersion', async () => {
    const cluster = createMockCluster();
    const subject = cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject', namespace: 'default' } });
    const eventsApiWatch = await watch(cluster, '/apis/events.k8s.io/v1/namespaces/default/events');
    const coreWatch = await watch(cluster, '/api/v1/namespaces/default/events');
    const recorded = recordEvent(cluster.store, subject, 'example.com/checker', { type: 'Normal', reason: 'Checked', message: 'through core/v1' });
    const eventsKind = cluster.store.requireKind('events.k8s.io/v1', 'Event');
    cluster.store.create(eventsKind, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'subject.second', namespace: 'default' },
      regarding: { kind: 'ConfigMap', name: 'subject' },
      note: 'through events.k8s.io',
      reason: 'Seen',
      type: 'Normal',
    });
    await vi.waitFor(() => expect(eventsApiWatch).toHaveLength(2));
    await vi.waitFor(() => expect(coreWatch).toHaveLength(2));
    expect(eventsApiWatch.map((e) => [e.type, e.object.apiVersion, e.object.note, e.object.reportingController])).toEqual([
      ['ADDED', 'events.k8s.io/v1', 'through core/v1', 'example.com/checker'],
      ['ADDED', 'events.k8s.io/v1', 'through events.k8s.io', undefined],
    ]);
    expect(coreWatch.map((e) => [e.type, e.object.apiVersion, e.object.message, (e.object.involvedObject as { name: string }).name])).toEqual([
      ['ADDED', 'v1', 'through core/v1', 'subject'],
      ['ADDED', 'v1', 'through events.k8s.io', 'subject'],
    ]);
    const resumed = await cluster.handle({
      method: 'GET',
      url: `/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=${recorded.metadata.resourceVersion}`,
      headers: {},
      body: '',
    });
    const after = 'stream' in resumed ? lines(resumed.stream) : [];
    await vi.waitFor(() => expect(after.map((e) => e.object.note)).toEqual(['through events.k8s.io']));
    expect(cluster.list('v1', 'Event')).toHaveLength(2);
    await cluster.close();
  });
});
