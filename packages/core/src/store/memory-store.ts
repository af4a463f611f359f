import { randomUUID } from 'node:crypto';
import { StoreError } from '../errors';
import { ephemeralEncrypter, seal, unseal, type Encrypter } from '../journal/encrypter';
import { MemoryJournal } from '../journal/memory-journal';
import type { JournaledError, LeaseFence, RunRecord, StepRecord } from '../journal/types';
import { fenceHolds, leaseLostError } from './lease-fence';
import { systemClock, type Clock } from '../util/clock';
import type {
  NewResource,
  Operation,
  ResourceCountFilter,
  ResourceExpectation,
  ResourceFilter,
  ResourcePatch,
  ResourceRecord,
  ResourceState,
  StateChange,
  Store,
  TransitionRecord,
} from './types';
import { checkMetadata, checkNewResource, checkPropertiesSize, listLimit } from './validate';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Seals sensitive properties and outputs (default: a random per-process key). */
  encrypter?: Encrypter;
  /** The clock that stamps rows and decides lease expiry (default the system clock; tests pass a fake clock). */
  clock?: Pick<Clock, 'now'>;
}

interface Row {
  id: string;
  application: string;
  name: string;
  type: string;
  class?: string;
  metadata?: Record<string, unknown>;
  properties: unknown;
  state: ResourceState;
  pendingOperation?: Operation;
  generation: number;
  runId?: string;
  outputs?: unknown;
  error?: JournaledError;
  attempts: number;
  nextAttemptAt?: number;
  leaseOwner?: string;
  leaseExpiresAt?: number;
  /** Bumped by every claim. */
  leaseEpoch: number;
  createdAt: number;
  updatedAt: number;
  seq: number;
}

/**
 * A {@link Store} in memory, for tests and embedding. It behaves like the SQL
 * stores, including sealing sensitive values, so code tested against it
 * behaves the same on a database.
 */
export class MemoryStore implements Store {
  readonly #journal = new MemoryJournal();
  readonly #rows = new Map<string, Row>();
  readonly #history = new Map<string, TransitionRecord[]>();
  readonly #listeners = new Set<() => void>();
  readonly #encrypter: Encrypter;
  readonly #now: () => number;
  #seq = 0;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#encrypter = options.encrypter ?? ephemeralEncrypter();
    this.#now = () => (options.clock ?? systemClock).now();
  }

  async createRun(run: RunRecord, fence?: LeaseFence): Promise<void> {
    this.#fence(fence);
    return this.#journal.createRun(run);
  }
  async updateRun(runId: string, patch: Parameters<MemoryJournal['updateRun']>[1], fence?: LeaseFence): Promise<void> {
    this.#fence(fence);
    return this.#journal.updateRun(runId, patch);
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#journal.getRun(runId);
  }
  async putStep(step: StepRecord, fence?: LeaseFence): Promise<void> {
    this.#fence(fence);
    return this.#journal.putStep(step);
  }
  listSteps(runId: string): Promise<StepRecord[]> {
    return this.#journal.listSteps(runId);
  }

  async createResource(resource: NewResource): Promise<ResourceRecord> {
    this.#open();
    checkNewResource(resource);
    const existing = [...this.#rows.values()].find((r) => r.application === resource.application && r.name === resource.name && r.state !== 'terminated');
    if (existing) throw duplicate(resource);
    const id = resource.id ?? randomUUID();
    if (this.#rows.has(id)) throw new StoreError('RESOURCE_EXISTS', `resource id '${id}' already exists`);
    const now = this.#now();
    const row: Row = {
      id,
      application: resource.application,
      name: resource.name,
      type: resource.type,
      ...(resource.class !== undefined ? { class: resource.class } : {}),
      ...(resource.metadata !== undefined ? { metadata: structuredClone(resource.metadata) } : {}),
      properties: this.#seal(resource.properties),
      state: 'requested',
      pendingOperation: 'create',
      generation: 1,
      attempts: 0,
      leaseEpoch: 0,
      createdAt: now,
      updatedAt: now,
      seq: this.#seq++,
    };
    this.#rows.set(id, row);
    this.#history.set(id, [{ resourceId: id, to: 'requested', at: iso(now), reason: 'create requested' }]);
    this.#wake();
    return this.#record(row);
  }

  async getResource(id: string): Promise<ResourceRecord | undefined> {
    const row = this.#rows.get(id);
    return row && this.#record(row);
  }

  async findResource(application: string, name: string): Promise<ResourceRecord | undefined> {
    const row = [...this.#rows.values()].find((r) => r.application === application && r.name === name && r.state !== 'terminated');
    return row && this.#record(row);
  }

  async listResources(filter: ResourceFilter = {}): Promise<ResourceRecord[]> {
    const limit = listLimit(filter.limit);
    const out: Row[] = [];
    // Rows are kept in creation order (a Map keeps insertion order); start after the cursor, stop at the limit.
    let started = filter.after === undefined;
    const rows = filter.order === 'newest' ? [...this.#rows.values()].reverse() : this.#rows.values();
    for (const r of rows) {
      if (out.length >= limit) break;
      if (!started) {
        started = r.id === filter.after;
        continue;
      }
      if (matches(r, filter) && (filter.withRun === undefined || filter.withRun === (r.runId !== undefined))) out.push(r);
    }
    return out.map((r) => this.#record(r));
  }

  async countResources(filter: ResourceCountFilter = {}): Promise<number> {
    const now = this.#now();
    let n = 0;
    for (const r of this.#rows.values()) {
      if (matches(r, filter) && (filter.leased === undefined || filter.leased === (r.leaseOwner !== undefined && (r.leaseExpiresAt ?? 0) > now))) n++;
    }
    return n;
  }

  async listTransitions(resourceId: string): Promise<TransitionRecord[]> {
    return structuredClone(this.#history.get(resourceId) ?? []);
  }

  async transition(id: string, change: StateChange): Promise<ResourceRecord | undefined> {
    this.#open();
    if (change.epoch !== undefined) this.#fence({ resourceId: id, epoch: change.epoch });
    const row = this.#rows.get(id);
    if (!row || !this.#holds(row, { state: change.from, owner: change.owner })) return undefined;
    const now = this.#now();
    this.#apply(row, change.set ?? {}, now);
    row.state = change.to;
    this.#history.get(id)!.push({ resourceId: id, from: change.from, to: change.to, at: iso(now), reason: change.reason });
    this.#wakeIfClaimable(row, now);
    return this.#record(row);
  }

  async patchResource(id: string, expect: ResourceExpectation, set: ResourcePatch): Promise<ResourceRecord | undefined> {
    this.#open();
    if (expect.epoch !== undefined) this.#fence({ resourceId: id, epoch: expect.epoch });
    const row = this.#rows.get(id);
    if (!row || !this.#holds(row, expect)) return undefined;
    const now = this.#now();
    this.#apply(row, set, now);
    this.#wakeIfClaimable(row, now);
    return this.#record(row);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ResourceRecord[]> {
    this.#open();
    const now = this.#now();
    const claimed = [...this.#rows.values()]
      .filter(
        (r) =>
          r.pendingOperation !== undefined &&
          r.state !== 'failed' &&
          (r.leaseExpiresAt === undefined || r.leaseExpiresAt <= now) &&
          (r.nextAttemptAt === undefined || r.nextAttemptAt <= now),
      )
      .sort((a, b) => a.seq - b.seq)
      .slice(0, Math.max(0, limit));
    for (const r of claimed) {
      r.leaseOwner = owner;
      r.leaseExpiresAt = now + leaseMs;
      r.leaseEpoch++;
    }
    return claimed.map((r) => this.#record(r));
  }

  async heartbeat(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    const now = this.#now();
    const held: string[] = [];
    for (const id of ids) {
      const r = this.#rows.get(id);
      if (r && r.leaseOwner === owner && r.leaseExpiresAt !== undefined && r.leaseExpiresAt > now) {
        r.leaseExpiresAt = now + leaseMs;
        held.push(id);
      }
    }
    return held;
  }

  async release(owner: string, ids: readonly string[]): Promise<void> {
    let released = false;
    for (const id of ids) {
      const r = this.#rows.get(id);
      if (r && r.leaseOwner === owner) {
        r.leaseOwner = undefined;
        r.leaseExpiresAt = undefined;
        released = true;
      }
    }
    if (released) this.#wake();
  }

  async releaseAll(owner: string): Promise<number> {
    let released = 0;
    for (const r of this.#rows.values()) {
      if (r.leaseOwner !== owner) continue;
      r.leaseOwner = undefined;
      r.leaseExpiresAt = undefined;
      released++;
    }
    if (released) this.#wake();
    return released;
  }

  onWork(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }

  /** The stored form of everything (sealed values as ciphertext), as JSON text: what a database would hold. */
  dump(): string {
    return JSON.stringify({ resources: [...this.#rows.values()], history: [...this.#history.values()] });
  }

  #open(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
  }

  /** Throws `LEASE_LOST` unless the fence's lease is still held (see {@link fenceHolds}). */
  #fence(fence: LeaseFence | undefined): void {
    if (fence === undefined) return;
    this.#open();
    const row = this.#rows.get(fence.resourceId);
    const lease = row && { epoch: row.leaseEpoch, owner: row.leaseOwner, expiresAt: row.leaseExpiresAt };
    if (!lease || !fenceHolds(lease, fence.epoch, this.#now())) throw leaseLostError(fence.resourceId, fence.epoch);
  }

  #holds(row: Row, expect: ResourceExpectation): boolean {
    if (expect.state !== undefined) {
      const states = typeof expect.state === 'string' ? [expect.state] : expect.state;
      if (!states.includes(row.state)) return false;
    }
    if (expect.owner !== undefined && (row.leaseOwner !== expect.owner || (row.leaseExpiresAt ?? 0) <= this.#now())) return false;
    if (expect.idle && row.pendingOperation !== undefined) return false;
    return true;
  }

  #apply(row: Row, set: ResourcePatch, now: number): void {
    if (set.properties !== undefined) {
      checkPropertiesSize(set.properties);
      row.properties = this.#seal(set.properties);
    }
    if (set.metadata !== undefined) {
      if (set.metadata !== null) checkMetadata(set.metadata);
      row.metadata = set.metadata === null ? undefined : structuredClone(set.metadata);
    }
    if (set.pendingOperation !== undefined) row.pendingOperation = set.pendingOperation ?? undefined;
    if (set.generation !== undefined) row.generation = set.generation;
    if (set.runId !== undefined) row.runId = set.runId ?? undefined;
    if (set.outputs !== undefined) row.outputs = set.outputs === null ? undefined : this.#seal(set.outputs);
    if (set.error !== undefined) row.error = set.error === null ? undefined : structuredClone(set.error);
    if (set.attempts !== undefined) row.attempts = set.attempts;
    if (set.nextAttemptAt !== undefined) row.nextAttemptAt = set.nextAttemptAt === null ? undefined : Date.parse(set.nextAttemptAt);
    if (set.releaseLease) {
      row.leaseOwner = undefined;
      row.leaseExpiresAt = undefined;
    }
    row.updatedAt = now;
  }

  #seal(value: unknown): unknown {
    return JSON.parse(JSON.stringify(seal(value, this.#encrypter)));
  }

  #record(row: Row): ResourceRecord {
    const rec: ResourceRecord = {
      id: row.id,
      application: row.application,
      name: row.name,
      type: row.type,
      properties: unseal(structuredClone(row.properties), this.#encrypter) as Record<string, unknown>,
      state: row.state,
      generation: row.generation,
      attempts: row.attempts,
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    };
    if (row.class !== undefined) rec.class = row.class;
    if (row.metadata !== undefined) rec.metadata = structuredClone(row.metadata);
    if (row.pendingOperation) rec.pendingOperation = row.pendingOperation;
    if (row.runId) rec.runId = row.runId;
    if (row.outputs !== undefined) rec.outputs = unseal(structuredClone(row.outputs), this.#encrypter) as Record<string, unknown>;
    if (row.error) rec.error = structuredClone(row.error);
    if (row.nextAttemptAt !== undefined) rec.nextAttemptAt = iso(row.nextAttemptAt);
    if (row.leaseOwner !== undefined) rec.leaseOwner = row.leaseOwner;
    if (row.leaseExpiresAt !== undefined) rec.leaseExpiresAt = iso(row.leaseExpiresAt);
    if (row.leaseOwner !== undefined) rec.leaseEpoch = row.leaseEpoch;
    return rec;
  }

  #wakeIfClaimable(row: Row, now: number): void {
    if (
      row.pendingOperation !== undefined &&
      row.state !== 'failed' &&
      row.leaseOwner === undefined &&
      (row.nextAttemptAt === undefined || row.nextAttemptAt <= now)
    )
      this.#wake();
  }

  #wake(): void {
    for (const l of this.#listeners) queueMicrotask(l);
  }
}

function matches(r: Row, f: ResourceCountFilter & Pick<ResourceFilter, 'live'>): boolean {
  return (
    (f.application === undefined || r.application === f.application) &&
    (f.type === undefined || r.type === f.type) &&
    (f.state === undefined || r.state === f.state) &&
    (f.live === undefined || f.live === (r.state !== 'terminated')) &&
    (f.pending === undefined || f.pending === (r.pendingOperation !== undefined && r.state !== 'failed'))
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function duplicate(r: NewResource): StoreError {
  return new StoreError('RESOURCE_EXISTS', `resource '${r.name}' of application '${r.application}' already exists`);
}
