import { describe, expect, it } from 'vitest';
import { instanceIdFor } from '../src/host/instance-id';
import { loadConfig } from '../src/config/load-config';

const orchestrator = { concurrency: 1, pollIntervalMs: 1000, leaseMs: 30_000 };

describe('the instance id (lease owner name)', () => {
  it('is the configured one when set', () => {
    expect(instanceIdFor({ orchestrator: { ...orchestrator, instanceId: 'pod-7' }, store: { kind: 'sqlite', filename: '/data/a.db' } }, 'box')).toBe('pod-7');
  });

  it('with SQLite, comes from the host name and the database file: the same on every start, another for another file', () => {
    const a = instanceIdFor({ orchestrator, store: { kind: 'sqlite', filename: '/data/a.db' } }, 'box');
    expect(a).toMatch(/^box:[0-9a-f]{12}$/);
    expect(instanceIdFor({ orchestrator, store: { kind: 'sqlite', filename: '/data/a.db' } }, 'box')).toBe(a);
    expect(instanceIdFor({ orchestrator, store: { kind: 'sqlite', filename: '/data/b.db' } }, 'box')).not.toBe(a);
    expect(instanceIdFor({ orchestrator, store: { kind: 'sqlite', filename: '/data/a.db' } }, 'other')).not.toBe(a);
  });

  it('is left to the orchestrator (new on every start) for PostgreSQL and memory, whose replicas may share a machine', () => {
    expect(instanceIdFor({ orchestrator, store: { kind: 'memory' } }, 'box')).toBeUndefined();
  });

  it('is read from orchestrator.instanceId or INNOMINATUS_INSTANCE_ID, and a bad one names the field', () => {
    expect(loadConfig({ env: { INNOMINATUS_INSTANCE_ID: 'host-1' } }).orchestrator.instanceId).toBe('host-1');
    expect(() => loadConfig({ env: { INNOMINATUS_INSTANCE_ID: 'has space' } })).toThrow(
      /orchestrator\.instanceId.*must be a name such as host-1 or the pod name/,
    );
  });
});
