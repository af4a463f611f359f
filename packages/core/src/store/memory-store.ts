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
  SpecPage,
  SpecSummary,
  StateChange,
  Store,
  StoredSpec,
  StoreTransaction,
  TransitionRecord,
} from './types';
import { checkMetadata, checkNewResource, checkPropertiesSize, checkSpec, listAlsoIds, listLimit, specSummary } from './validate';

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
  class?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  properties: unknown;
  state: ResourceState;
  pendingOperation?: Operation | undefined;
  generation: number;
  runId?: string | undefined;
  outputs?: unknown;
  error?: JournaledError | undefined;
  attempts: number;
  nextAttemptAt?: number | undefined;
  leaseOwner?: string | undefined;
  leaseExpiresAt?: number | undefined;
  /** Bumped by every claim. */
  leaseEpoch: number;
  createdAt: number;
  updatedAt: number;
  seq: number;
}

/** The open transaction: when it ends, and how to undo its writes. */
interface OpenTransaction {
  ended: Promise<void>;
  undo: (() => void)[];
  /** A write made work claimable: listeners are woken on commit. */
  woke: boolean;
}

/**
 * A {@link Store} in memory, for tests and embedding. It behaves like the SQL
 * stores, including sealing sensitive values, so code tested against it
 * behaves the same on a database. Like SQLite, it takes one transaction at a
 * time, and every other call waits for the open transaction to end.
 */
export class MemoryStore implements Store {
  readonly #journal = new MemoryJournal();
  readonly #rows = new Map<string, Row>();
  readonly #history = new Map<string, TransitionRecord[]>();
  readonly #specs = new Map<string, StoredSpec>();
  readonly #listeners = new Set<() => void>();
  readonly #encrypter: Encrypter;
  readonly #now: () => number;
  #seq = 0;
  #closed = false;
  #tx: OpenTransaction | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.#encrypter = options.encrypter ?? ephemeralEncrypter();
    this.#now = () => (options.clock ?? systemClock).now();
  }

  createRun(run: RunRecord, fence?: LeaseFence): Promise<void> {
    return this.#gated(async () => {
      this.#fence(fence);
      return this.#journal.createRun(run);
    });
  }
  updateRun(runId: string, patch: Parameters<MemoryJournal['updateRun']>[1], fence?: LeaseFence): Promise<void> {
    return this.#gated(async () => {
      this.#fence(fence);
      return this.#journal.updateRun(runId, patch);
    });
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#gated(() => this.#journal.getRun(runId));
  }
  putStep(step: StepRecord, fence?: LeaseFence): Promise<void> {
    return this.#gated(async () => {
      this.#fence(fence);
      return this.#journal.putStep(step);
    });
  }
  listSteps(runId: string): Promise<StepRecord[]> {
    return this.#gated(() => this.#journal.listSteps(runId));
  }
  createResource(resource: NewResource): Promise<ResourceRecord> {
    return this.#gated(() => this.#createResource(resource));
  }
  getResource(id: string): Promise<ResourceRecord | undefined> {
    return this.#gated(() => this.#getResource(id));
  }
  findResource(application: string, name: string): Promise<ResourceRecord | undefined> {
    return this.#gated(() => this.#findResource(application, name));
  }
  listResources(filter: ResourceFilter = {}): Promise<ResourceRecord[]> {
    return this.#gated(() => this.#listResources(filter));
  }
  countResources(filter: ResourceCountFilter = {}): Promise<number> {
    return this.#gated(() => this.#countResources(filter));
  }
  listTransitions(resourceId: string): Promise<TransitionRecord[]> {
    return this.#gated(() => this.#listTransitions(resourceId));
  }
  transition(id: string, change: StateChange): Promise<ResourceRecord | undefined> {
    return this.#gated(() => this.#transition(id, change));
  }
  patchResource(id: string, expect: ResourceExpectation, set: ResourcePatch): Promise<ResourceRecord | undefined> {
    return this.#gated(() => this.#patchResource(id, expect, set));
  }
  claim(owner: string, limit: number, leaseMs: number): Promise<ResourceRecord[]> {
    return this.#gated(() => this.#claim(owner, limit, leaseMs));
  }
  heartbeat(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    return this.#gated(() => this.#heartbeat(owner, ids, leaseMs));
  }
  release(owner: string, ids: readonly string[]): Promise<void> {
    return this.#gated(() => this.#release(owner, ids));
  }
  releaseAll(owner: string): Promise<number> {
    return this.#gated(() => this.#releaseAll(owner));
  }
  getSpec(name: string): Promise<StoredSpec | undefined> {
    return this.#gated(async () => structuredClone(this.#specs.get(name)));
  }
  listSpecs(page: SpecPage): Promise<SpecSummary[]> {
    return this.#gated(async () => this.#listSpecs(page));
  }

  async transaction<T>(_locks: string | readonly string[], fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    this.#open();
    while (this.#tx) await this.#tx.ended;
    let end!: () => void;
    const tx: OpenTransaction = { ended: new Promise((resolve) => (end = resolve)), undo: [], woke: false };
    this.#tx = tx;
    try {
      const result = await fn(this.#view(tx));
      this.#tx = undefined;
      if (tx.woke) this.#wake();
      return result;
    } catch (error) {
      for (const undo of tx.undo.reverse()) undo();
      this.#tx = undefined;
      throw error;
    } finally {
      end();
    }
  }

  /** The calls of the open transaction `tx`: they skip the wait, and record how to undo their writes. */
  #view(tx: OpenTransaction): StoreTransaction {
    const current =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        if (this.#tx !== tx) return Promise.reject(new StoreError('TRANSACTION_ENDED', 'the transaction has ended; its calls can no longer be used'));
        return call(...args);
      };
    return {
      getSpec: current(async (name: string) => structuredClone(this.#specs.get(name))),
      listSpecs: current(async (page: SpecPage) => this.#listSpecs(page)),
      putSpec: current(async (spec: StoredSpec) => {
        checkSpec(spec);
        this.#keepSpec(tx, spec.name);
        this.#specs.set(spec.name, { name: spec.name, spec: structuredClone(spec.spec), submittedAt: new Date(spec.submittedAt).toISOString() });
      }),
      deleteSpec: current(async (name: string) => {
        this.#keepSpec(tx, name);
        return this.#specs.delete(name);
      }),
      createResource: current(async (resource: NewResource) => {
        const r = await this.#createResource(resource);
        tx.undo.push(() => {
          this.#rows.delete(r.id);
          this.#history.delete(r.id);
        });
        return r;
      }),
      getResource: current((id: string) => this.#getResource(id)),
      findResource: current((application: string, name: string) => this.#findResource(application, name)),
      listResources: current((filter?: ResourceFilter) => this.#listResources(filter)),
      transition: current((id: string, change: StateChange) => {
        this.#keepRow(tx, id);
        return this.#transition(id, change);
      }),
      patchResource: current((id: string, expect: ResourceExpectation, set: ResourcePatch) => {
        this.#keepRow(tx, id);
        return this.#patchResource(id, expect, set);
      }),
    };
  }

  #listSpecs(page: SpecPage): SpecSummary[] {
    const limit = listLimit(page.limit);
    const names = [...this.#specs.keys()]
      .filter((n) => page.after === undefined || n > page.after)
      .sort()
      .slice(0, limit);
    return names.map((n) => specSummary(this.#specs.get(n)!));
  }

  /** Records how to put a spec back as it was before the transaction's write. */
  #keepSpec(tx: OpenTransaction, name: string): void {
    const before = this.#specs.get(name);
    tx.undo.push(() => (before ? this.#specs.set(name, before) : this.#specs.delete(name)));
  }

  /** Records how to put a resource row and its history back as they were before the transaction's write. */
  #keepRow(tx: OpenTransaction, id: string): void {
    const row = this.#rows.get(id);
    if (!row) return;
    const before = { ...row };
    const entries = this.#history.get(id)?.length ?? 0;
    tx.undo.push(() => {
      Object.assign(row, before);
      for (const key of Object.keys(row) as (keyof Row)[]) if (!(key in before)) delete row[key];
      this.#history.get(id)?.splice(entries);
    });
  }

  /** Runs `call` at once, or after the open transaction (and any queued before it) when one is open. */
  #gated<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#tx) return call();
    const wait = async (): Promise<T> => {
      while (this.#tx) await this.#tx.ended;
      return call();
    };
    return wait();
  }

  async #createResource(resource: NewResource): Promise<ResourceRecord> {
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
      class: resource.class,
      metadata: resource.metadata && structuredClone(resource.metadata),
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

  async #getResource(id: string): Promise<ResourceRecord | undefined> {
    const row = this.#rows.get(id);
    return row && this.#record(row);
  }

  async #findResource(application: string, name: string): Promise<ResourceRecord | undefined> {
    const row = [...this.#rows.values()].find((r) => r.application === application && r.name === name && r.state !== 'terminated');
    return row && this.#record(row);
  }

  async #listResources(filter: ResourceFilter = {}): Promise<ResourceRecord[]> {
    const limit = listLimit(filter.limit);
    const also = new Set(listAlsoIds(filter));
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
      if (matches(r, filter, also) && (filter.withRun === undefined || filter.withRun === (r.runId !== undefined)) && (await this.#runStatusMatches(r, filter)))
        out.push(r);
    }
    return out.map((r) => this.#record(r));
  }

  async #runStatusMatches(r: Row, filter: ResourceFilter): Promise<boolean> {
    if (filter.runStatus === undefined) return true;
    return r.runId !== undefined && (await this.#journal.getRun(r.runId))?.status === filter.runStatus;
  }

  async #countResources(filter: ResourceCountFilter = {}): Promise<number> {
    const now = this.#now();
    let n = 0;
    for (const r of this.#rows.values()) {
      if (matches(r, filter) && (filter.leased === undefined || filter.leased === (r.leaseOwner !== undefined && (r.leaseExpiresAt ?? 0) > now))) n++;
    }
    return n;
  }

  async #listTransitions(resourceId: string): Promise<TransitionRecord[]> {
    return structuredClone(this.#history.get(resourceId) ?? []);
  }

  async #transition(id: string, change: StateChange): Promise<ResourceRecord | undefined> {
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

  async #patchResource(id: string, expect: ResourceExpectation, set: ResourcePatch): Promise<ResourceRecord | undefined> {
    this.#open();
    if (expect.epoch !== undefined) this.#fence({ resourceId: id, epoch: expect.epoch });
    const row = this.#rows.get(id);
    if (!row || !this.#holds(row, expect)) return undefined;
    const now = this.#now();
    this.#apply(row, set, now);
    this.#wakeIfClaimable(row, now);
    return this.#record(row);
  }

  async #claim(owner: string, limit: number, leaseMs: number): Promise<ResourceRecord[]> {
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

  async #heartbeat(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
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

  async #release(owner: string, ids: readonly string[]): Promise<void> {
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

  async #releaseAll(owner: string): Promise<number> {
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
    return JSON.stringify({ resources: [...this.#rows.values()], history: [...this.#history.values()], specs: [...this.#specs.values()] });
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
    if (this.#tx) {
      this.#tx.woke = true;
      return;
    }
    for (const l of this.#listeners) queueMicrotask(l);
  }
}

/** Whether a row passes the filters; `also` holds the ids that match `f.application` too. */
/** No `alsoIds`: one empty set shared by every row matched without them. */
const NO_IDS: ReadonlySet<string> = new Set();

function matches(r: Row, f: ResourceCountFilter & Pick<ResourceFilter, 'live'>, also: ReadonlySet<string> = NO_IDS): boolean {
  return (
    (f.application === undefined || r.application === f.application || also.has(r.id)) &&
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
