import { randomUUID } from 'node:crypto';
import {
  systemClock,
  type Clock,
  StoreError,
  type Encrypter,
  type NewResource,
  type ResourceCountFilter,
  type ResourceExpectation,
  type ResourceFilter,
  type ResourcePatch,
  type ResourceRecord,
  type ResourceState,
  type RunRecord,
  type StateChange,
  type StepRecord,
  type SpecPage,
  type SpecSummary,
  type Store,
  type StoredSpec,
  type StoreTransaction,
  type TransitionRecord,
  type Operation,
  type JournaledError,
  type LeaseFence,
} from '@innominatus/core';
import {
  checkNewResource,
  checkMetadata,
  checkPropertiesSize,
  checkSpec,
  listLimit,
  listAlsoIds,
  specSummary,
  seal,
  unseal,
  fenceHolds,
  leaseLostError,
} from '@innominatus/core/store';
import { constraintKind, WORK_CHANNEL, type SqlDriver, type SqlExecutor, type SqlRow } from './driver';
import { KeyedLock } from './keyed-lock';
import { nestedDriver } from './nested-driver';
import { workflowText } from './workflow-text';

/** The first key of each advisory lock a PostgreSQL transaction holds (the second is the lock's name, e.g. an application's). */
const APPLICATION_LOCK = 'innominatus_application';

/** Work queued or in flight; the exact predicate of the partial index `resources_claimable` (migration 2). */
const CLAIMABLE = "pending_operation IS NOT NULL AND state <> 'failed'";

interface ResourceRow extends SqlRow {
  seq: number | string;
  id: string;
  application: string;
  name: string;
  type: string;
  class: string | null;
  metadata: string | null;
  properties: string;
  state: ResourceState;
  pending_operation: Operation | null;
  generation: number;
  run_id: string | null;
  outputs: string | null;
  error: string | null;
  attempts: number;
  next_attempt_at: number | string | null;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  lease_epoch: number | string;
  created_at: number | string;
  updated_at: number | string;
}

/** Options shared by the SQLite and PostgreSQL stores. */
export interface SqlStoreOptions {
  /** Seals sensitive properties and outputs (default: a random per-process key, so sealed values do not survive a restart). */
  encrypter: Encrypter;
  /** The clock that stamps rows and decides lease expiry (default the system clock; tests pass a fake clock). */
  clock?: Pick<Clock, 'now'> | undefined;
}

/**
 * The {@link Store} over a SQL driver: one body of parameterized SQL for
 * SQLite and PostgreSQL; only claiming differs (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL; SQLite's single writer makes the plain statement atomic).
 */
export class SqlStore implements Store {
  readonly #db: SqlDriver;
  readonly #encrypter: Encrypter;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  readonly #options: SqlStoreOptions;
  readonly #local = new KeyedLock();
  /** Set on the store of one transaction: told instead of the listeners, which are woken on commit. */
  #onWake: (() => void) | undefined;
  /** Set on the store of one transaction once it has ended. */
  #ended = false;
  #closed = false;

  constructor(driver: SqlDriver, options: SqlStoreOptions) {
    this.#db = driver;
    this.#options = options;
    this.#encrypter = options.encrypter;
    this.#now = () => (options.clock ?? systemClock).now();
  }

  /** Subscribes to the driver's cross-process wake-ups. Called once by the factories. */
  async listen(): Promise<void> {
    await this.#db.listen(() => this.#emit());
  }

  // ---- run journal -------------------------------------------------------

  async createRun(run: RunRecord, fence?: LeaseFence): Promise<void> {
    const params: unknown[] = [
      run.runId,
      workflowText(run.workflow),
      json(run.parameters),
      json(run.context),
      run.status,
      jsonOrNull(run.outputs),
      jsonOrNull(run.error),
      run.attempt,
      run.createdAt,
      run.updatedAt,
    ];
    const values = '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10';
    const columns = 'run_id, workflow, parameters, context, status, outputs, error, attempt, created_at, updated_at';
    try {
      if (!fence) {
        await this.#db.query(`INSERT INTO runs (${columns}) VALUES (${values})`, params);
        return;
      }
      const rows = await this.#db.query(`INSERT INTO runs (${columns}) SELECT ${values} WHERE ${this.#fenced(fence, params)} RETURNING run_id`, params);
      if (rows.length === 0) throw leaseLostError(fence.resourceId, fence.epoch);
    } catch (error) {
      if (constraintKind(error) === 'unique') throw new StoreError('RUN_EXISTS', `run '${run.runId}' already exists in the journal`);
      throw error;
    }
  }

  async updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'outputs' | 'error' | 'attempt' | 'updatedAt'>>, fence?: LeaseFence): Promise<void> {
    const columns: [string, unknown][] = [];
    if (patch.status !== undefined) columns.push(['status', patch.status]);
    if ('outputs' in patch) columns.push(['outputs', jsonOrNull(patch.outputs)]);
    if ('error' in patch) columns.push(['error', jsonOrNull(patch.error)]);
    if (patch.attempt !== undefined) columns.push(['attempt', patch.attempt]);
    if (patch.updatedAt !== undefined) columns.push(['updated_at', patch.updatedAt]);
    const sets = columns.map(([c], i) => `${c} = $${i + 2}`);
    const params: unknown[] = [runId, ...columns.map(([, v]) => v)];
    const guard = fence ? ` AND ${this.#fenced(fence, params)}` : '';
    const rows = await this.#db.query(
      `UPDATE runs SET ${sets.length ? sets.join(', ') : 'run_id = run_id'} WHERE run_id = $1${guard} RETURNING run_id`,
      params,
    );
    if (rows.length > 0) return;
    if (fence) await this.#refuseStale(fence.resourceId, fence.epoch, this.#now());
    throw new StoreError('RUN_NOT_FOUND', `run '${runId}' not found`);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.#db.query('SELECT * FROM runs WHERE run_id = $1', [runId]);
    if (!row) return undefined;
    const run: RunRecord = {
      runId: row.run_id as string,
      workflow: JSON.parse(row.workflow as string),
      parameters: JSON.parse(row.parameters as string),
      context: JSON.parse(row.context as string),
      status: row.status as RunRecord['status'],
      attempt: Number(row.attempt),
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
    };
    if (row.outputs !== null) run.outputs = JSON.parse(row.outputs as string);
    if (row.error !== null) run.error = JSON.parse(row.error as string);
    return run;
  }

  async putStep(step: StepRecord, fence?: LeaseFence): Promise<void> {
    const params: unknown[] = [
      step.runId,
      step.index,
      step.name,
      step.type,
      step.status,
      step.attempt,
      jsonOrNull(step.outputs),
      jsonOrNull(step.memo),
      jsonOrNull(step.error),
      step.startedAt,
      step.endedAt ?? null,
    ];
    const values = '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11';
    // Fenced, the row comes from a SELECT that yields nothing unless the lease is still held.
    const source = fence ? `SELECT ${values} WHERE ${this.#fenced(fence, params)}` : `VALUES (${values})`;
    try {
      const rows = await this.#db.query(
        `INSERT INTO run_steps (run_id, step_index, name, type, status, attempt, outputs, memo, error, started_at, ended_at)
         ${source}
         ON CONFLICT (run_id, step_index) DO UPDATE SET name = excluded.name, type = excluded.type, status = excluded.status,
           attempt = excluded.attempt, outputs = excluded.outputs, memo = excluded.memo, error = excluded.error, started_at = excluded.started_at, ended_at = excluded.ended_at
         RETURNING run_id`,
        params,
      );
      if (fence && rows.length === 0) throw leaseLostError(fence.resourceId, fence.epoch);
    } catch (error) {
      if (constraintKind(error) === 'foreign-key') throw new StoreError('RUN_NOT_FOUND', `run '${step.runId}' not found`);
      throw error;
    }
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const rows = await this.#db.query('SELECT * FROM run_steps WHERE run_id = $1 ORDER BY step_index', [runId]);
    return rows.map((row) => {
      const step: StepRecord = {
        runId: row.run_id as string,
        index: Number(row.step_index),
        name: row.name as string,
        type: row.type as string,
        status: row.status as StepRecord['status'],
        attempt: Number(row.attempt),
        startedAt: row.started_at as string,
      };
      if (row.outputs !== null) step.outputs = JSON.parse(row.outputs as string);
      if (row.memo !== null) step.memo = JSON.parse(row.memo as string);
      if (row.error !== null) step.error = JSON.parse(row.error as string);
      if (row.ended_at !== null) step.endedAt = row.ended_at as string;
      return step;
    });
  }

  // ---- resources ----------------------------------------------------------

  async createResource(resource: NewResource): Promise<ResourceRecord> {
    this.#open();
    checkNewResource(resource);
    const id = resource.id ?? randomUUID();
    const now = this.#now();
    const insert = `INSERT INTO resources (id, application, name, type, class, metadata, properties, state, pending_operation, generation, attempts, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $7, $8, $5, 'requested', 'create', 1, 0, $6, $6) RETURNING *`;
    const metadata = resource.metadata === undefined ? null : JSON.stringify(resource.metadata);
    const params = [id, resource.application, resource.name, resource.type, this.#seal(resource.properties), now, resource.class ?? null, metadata];
    try {
      let row: ResourceRow;
      if (this.#db.dialect === 'postgres') {
        // One round trip: the row, its first history entry and the wake-up (sent on commit).
        const statement = `WITH r AS (${insert}),
           h AS (INSERT INTO resource_transitions (resource_id, from_state, to_state, at, reason) SELECT id, NULL, 'requested', $6, 'create requested' FROM r)
           SELECT r.* FROM r CROSS JOIN (SELECT pg_notify('${WORK_CHANNEL}', '')) AS n`;
        // Inside a transaction, in a savepoint: a name taken must not abort the whole transaction.
        [row] = (
          this.#onWake ? await this.#db.transaction((tx) => tx.query<ResourceRow>(statement, params)) : await this.#db.query<ResourceRow>(statement, params)
        ) as [ResourceRow];
      } else {
        row = await this.#db.transaction(async (tx) => {
          const [created] = await tx.query<ResourceRow>(insert, params);
          await this.#history(tx, id, undefined, 'requested', now, 'create requested');
          return created!;
        });
      }
      this.#emit();
      return this.#record(row);
    } catch (error) {
      if (constraintKind(error) !== 'unique') throw error;
      if (await this.findResource(resource.application, resource.name)) {
        throw new StoreError('RESOURCE_EXISTS', `resource '${resource.name}' of application '${resource.application}' already exists`);
      }
      throw new StoreError('RESOURCE_EXISTS', `resource id '${id}' already exists`);
    }
  }

  async getResource(id: string): Promise<ResourceRecord | undefined> {
    const [row] = await this.#db.query<ResourceRow>('SELECT * FROM resources WHERE id = $1', [id]);
    return row && this.#record(row);
  }

  async findResource(application: string, name: string): Promise<ResourceRecord | undefined> {
    const [row] = await this.#db.query<ResourceRow>("SELECT * FROM resources WHERE application = $1 AND name = $2 AND state <> 'terminated'", [
      application,
      name,
    ]);
    return row && this.#record(row);
  }

  async listResources(filter: ResourceFilter = {}): Promise<ResourceRecord[]> {
    const limit = listLimit(filter.limit);
    const { where, params } = filterClause(filter, this.#now());
    const newest = filter.order === 'newest';
    // The cursor is the previous page's last id; its seq (the primary key order) is where this page starts.
    // An unknown id gives an empty page: no seq is beyond it in either direction.
    const after =
      filter.after === undefined
        ? ''
        : `${where ? ' AND' : ' WHERE'} seq ${newest ? '<' : '>'} COALESCE((SELECT seq FROM resources WHERE id = $${params.push(filter.after)}), ${newest ? 0 : Number.MAX_SAFE_INTEGER})`;
    const rows = await this.#db.query<ResourceRow>(`SELECT * FROM resources${where}${after} ORDER BY seq${newest ? ' DESC' : ''} LIMIT $${params.length + 1}`, [
      ...params,
      limit,
    ]);
    return rows.map((r) => this.#record(r));
  }

  async countResources(filter: ResourceCountFilter = {}): Promise<number> {
    const { where, params } = filterClause(filter, this.#now());
    const [row] = await this.#db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM resources${where}`, params);
    return Number(row?.n ?? 0);
  }

  async listTransitions(resourceId: string): Promise<TransitionRecord[]> {
    const rows = await this.#db.query('SELECT * FROM resource_transitions WHERE resource_id = $1 ORDER BY seq', [resourceId]);
    return rows.map((row) => {
      const t: TransitionRecord = { resourceId, to: row.to_state as ResourceState, at: iso(row.at as number), reason: row.reason as string };
      if (row.from_state !== null) t.from = row.from_state as ResourceState;
      return t;
    });
  }

  async transition(id: string, change: StateChange): Promise<ResourceRecord | undefined> {
    this.#open();
    const now = this.#now();
    const update = this.#updateStatement(id, { state: change.from, owner: change.owner, epoch: change.epoch }, change.set ?? {}, now, change.to);
    let row: ResourceRow | undefined;
    if (this.#db.dialect === 'postgres') {
      // One round trip: the compare-and-set and the history entry in one statement.
      const n = update.params.length;
      [row] = await this.#db.query<ResourceRow>(
        `WITH u AS (${update.sql}),
         h AS (INSERT INTO resource_transitions (resource_id, from_state, to_state, at, reason) SELECT id, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4} FROM u)
         SELECT * FROM u`,
        [...update.params, change.from, change.to, now, change.reason],
      );
    } else {
      row = await this.#db.transaction(async (tx) => {
        const [updated] = await tx.query<ResourceRow>(update.sql, update.params);
        if (updated) await this.#history(tx, id, change.from, change.to, now, change.reason);
        return updated;
      });
    }
    if (!row) {
      if (change.epoch !== undefined) await this.#refuseStale(id, change.epoch, now);
      return undefined;
    }
    await this.#wakeIfClaimable(row, now);
    return this.#record(row);
  }

  async patchResource(id: string, expect: ResourceExpectation, set: ResourcePatch): Promise<ResourceRecord | undefined> {
    this.#open();
    const now = this.#now();
    const update = this.#updateStatement(id, expect, set, now);
    const [row] = await this.#db.query<ResourceRow>(update.sql, update.params);
    if (!row) {
      if (expect.epoch !== undefined) await this.#refuseStale(id, expect.epoch, now);
      return undefined;
    }
    await this.#wakeIfClaimable(row, now);
    return this.#record(row);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ResourceRecord[]> {
    this.#open();
    if (limit <= 0) return [];
    const now = this.#now();
    const lock = this.#db.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.#db.query<ResourceRow>(
      `UPDATE resources SET lease_owner = $1, lease_expires_at = $2, lease_epoch = lease_epoch + 1
       WHERE id IN (
         SELECT id FROM resources
         WHERE ${CLAIMABLE}
           AND (lease_expires_at IS NULL OR lease_expires_at <= $3)
           AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
         ORDER BY seq LIMIT $4 ${lock})
       RETURNING *`,
      [owner, now + leaseMs, now, limit],
    );
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => this.#record(r));
  }

  async heartbeat(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const now = this.#now();
    const held: string[] = [];
    for (const chunk of chunks(ids, 500)) {
      const marks = chunk.map((_, i) => `$${i + 4}`).join(', ');
      const rows = await this.#db.query<{ id: string }>(
        `UPDATE resources SET lease_expires_at = $1 WHERE lease_owner = $2 AND lease_expires_at > $3 AND id IN (${marks}) RETURNING id`,
        [now + leaseMs, owner, now, ...chunk],
      );
      held.push(...rows.map((r) => r.id));
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return held.sort((a, b) => order.get(a)! - order.get(b)!);
  }

  async release(owner: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    let released = 0;
    for (const chunk of chunks(ids, 500)) {
      const marks = chunk.map((_, i) => `$${i + 2}`).join(', ');
      released += await this.#db.transaction(async (tx) => {
        const rows = await tx.query(
          `UPDATE resources SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 AND id IN (${marks}) RETURNING id`,
          [owner, ...chunk],
        );
        if (rows.length) await this.#db.notify(tx);
        return rows.length;
      });
    }
    if (released) this.#emit();
  }

  async releaseAll(owner: string): Promise<number> {
    const released = await this.#db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE resources SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 RETURNING id', [owner]);
      if (rows.length) await this.#db.notify(tx);
      return rows.length;
    });
    if (released) this.#emit();
    return released;
  }

  // ---- specs and transactions ---------------------------------------------

  async getSpec(name: string): Promise<StoredSpec | undefined> {
    const [row] = await this.#db.query<{ name: string; spec: string; submitted_at: number | string }>(
      'SELECT name, spec, submitted_at FROM specs WHERE name = $1',
      [name],
    );
    return row && { name: row.name, spec: JSON.parse(row.spec) as StoredSpec['spec'], submittedAt: iso(row.submitted_at) };
  }

  async listSpecs(page: SpecPage): Promise<SpecSummary[]> {
    const limit = listLimit(page.limit);
    // Only the names and the summary column are read; the primary key gives the page.
    const after = page.after === undefined ? '' : ' WHERE name > $2';
    const rows = await this.#db.query<{ name: string; resources: string; submitted_at: number | string }>(
      `SELECT name, resources, submitted_at FROM specs${after} ORDER BY name LIMIT $1`,
      page.after === undefined ? [limit] : [limit, page.after],
    );
    return rows.map((r) => ({ name: r.name, submittedAt: iso(r.submitted_at), resources: JSON.parse(r.resources) as string[] }));
  }

  async putSpec(spec: StoredSpec): Promise<void> {
    const text = checkSpec(spec);
    await this.#db.query(
      `INSERT INTO specs (name, spec, resources, submitted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, resources = excluded.resources, submitted_at = excluded.submitted_at`,
      [spec.name, text, JSON.stringify(specSummary(spec).resources), Date.parse(spec.submittedAt)],
    );
  }

  async deleteSpec(name: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM specs WHERE name = $1 RETURNING name', [name])).length > 0;
  }

  transaction<T>(locks: string | readonly string[], fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    this.#open();
    const names = typeof locks === 'string' ? [locks] : [...new Set(locks)];
    // Callers of this process queue here first, so that waiting for the database's locks takes at most one pooled connection per lock.
    return this.#local.runAll(names, async () => {
      let woke = false;
      const result = await this.#db.transaction(async (exec) => {
        if (this.#db.dialect === 'postgres') {
          for (const name of names) await exec.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [APPLICATION_LOCK, name]);
        }
        const inner = new SqlStore(nestedDriver(this.#db, exec), this.#options);
        inner.#onWake = () => (woke = true);
        try {
          return await fn(inner.#transactionCalls());
        } finally {
          inner.#ended = true;
        }
      });
      if (woke) this.#emit();
      return result;
    });
  }

  /** What a transaction's function may call: this store's methods, refused once the transaction has ended. */
  #transactionCalls(): StoreTransaction {
    const live =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        this.#ended ? Promise.reject(new StoreError('TRANSACTION_ENDED', 'the transaction has ended; its calls can no longer be used')) : call(...args);
    return {
      getSpec: live((name: string) => this.getSpec(name)),
      listSpecs: live((page: SpecPage) => this.listSpecs(page)),
      putSpec: live((spec: StoredSpec) => this.putSpec(spec)),
      deleteSpec: live((name: string) => this.deleteSpec(name)),
      createResource: live((r: NewResource) => this.createResource(r)),
      getResource: live((id: string) => this.getResource(id)),
      findResource: live((application: string, name: string) => this.findResource(application, name)),
      listResources: live((filter?: ResourceFilter) => this.listResources(filter)),
      transition: live((id: string, change: StateChange) => this.transition(id, change)),
      patchResource: live((id: string, expect: ResourceExpectation, set: ResourcePatch) => this.patchResource(id, expect, set)),
    };
  }

  onWork(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#db.close();
  }

  // ---- helpers -------------------------------------------------------------

  /** Wakes local listeners and other replicas when the written row can be claimed right now. */
  async #wakeIfClaimable(row: ResourceRow, now: number): Promise<void> {
    const claimable =
      row.pending_operation !== null &&
      row.state !== 'failed' &&
      row.lease_owner === null &&
      (row.next_attempt_at === null || Number(row.next_attempt_at) <= now);
    if (!claimable) return;
    await this.#db.notify(this.#db);
    this.#emit();
  }

  /** The compare-and-set `UPDATE ... RETURNING *` for a patch (and a state when given). */
  #updateStatement(id: string, expect: ResourceExpectation, set: ResourcePatch, now: number, state?: ResourceState): { sql: string; params: unknown[] } {
    const params: unknown[] = [id];
    const p = (v: unknown) => `$${params.push(v)}`;
    const sets: string[] = [];
    if (state !== undefined) sets.push(`state = ${p(state)}`);
    if (set.properties !== undefined) {
      checkPropertiesSize(set.properties);
      sets.push(`properties = ${p(this.#seal(set.properties))}`);
    }
    if (set.metadata !== undefined) {
      if (set.metadata !== null) checkMetadata(set.metadata);
      sets.push(`metadata = ${p(set.metadata === null ? null : JSON.stringify(set.metadata))}`);
    }
    if (set.pendingOperation !== undefined) sets.push(`pending_operation = ${p(set.pendingOperation)}`);
    if (set.generation !== undefined) sets.push(`generation = ${p(set.generation)}`);
    if (set.runId !== undefined) sets.push(`run_id = ${p(set.runId)}`);
    if (set.outputs !== undefined) sets.push(`outputs = ${p(set.outputs === null ? null : this.#seal(set.outputs))}`);
    if (set.error !== undefined) sets.push(`error = ${p(jsonOrNull(set.error ?? undefined))}`);
    if (set.attempts !== undefined) sets.push(`attempts = ${p(set.attempts)}`);
    if (set.nextAttemptAt !== undefined) sets.push(`next_attempt_at = ${p(set.nextAttemptAt === null ? null : Date.parse(set.nextAttemptAt))}`);
    if (set.releaseLease) sets.push('lease_owner = NULL', 'lease_expires_at = NULL');
    sets.push(`updated_at = ${p(now)}`);
    const where = ['id = $1'];
    if (expect.state !== undefined) {
      const states = typeof expect.state === 'string' ? [expect.state] : expect.state;
      where.push(`state IN (${states.map((s) => p(s)).join(', ')})`);
    }
    if (expect.owner !== undefined) where.push(`lease_owner = ${p(expect.owner)} AND lease_expires_at > ${p(now)}`);
    if (expect.idle) where.push('pending_operation IS NULL');
    if (expect.epoch !== undefined) where.push(`lease_epoch = ${p(expect.epoch)} AND lease_owner IS NOT NULL AND lease_expires_at > ${p(now)}`);
    return { sql: `UPDATE resources SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`, params };
  }

  /**
   * The condition of a fenced journal write: the fence's lease is still held
   * (the rule of `fenceHolds`). On PostgreSQL it share-locks the resource row
   * until the write commits, so a claim cannot slip in between the check and
   * the write; SQLite's single writer makes the statement atomic.
   */
  #fenced(fence: LeaseFence, params: unknown[]): string {
    const p = (v: unknown) => `$${params.push(v)}`;
    const lock = this.#db.dialect === 'postgres' ? ' FOR SHARE' : '';
    return `EXISTS (SELECT 1 FROM resources WHERE id = ${p(fence.resourceId)} AND lease_epoch = ${p(fence.epoch)} AND lease_owner IS NOT NULL AND lease_expires_at > ${p(this.#now())}${lock})`;
  }

  /** After a fenced write matched nothing: `LEASE_LOST` when the fence is what failed (otherwise another condition did, and the caller says so). */
  async #refuseStale(id: string, epoch: number, now: number): Promise<void> {
    const [row] = await this.#db.query<ResourceRow>('SELECT lease_epoch, lease_owner, lease_expires_at FROM resources WHERE id = $1', [id]);
    const lease = row && {
      epoch: Number(row.lease_epoch),
      owner: row.lease_owner ?? undefined,
      expiresAt: row.lease_expires_at === null ? undefined : Number(row.lease_expires_at),
    };
    if (!lease || !fenceHolds(lease, epoch, now)) throw leaseLostError(id, epoch);
  }

  async #history(tx: SqlExecutor, id: string, from: ResourceState | undefined, to: ResourceState, at: number, reason: string): Promise<void> {
    await tx.query('INSERT INTO resource_transitions (resource_id, from_state, to_state, at, reason) VALUES ($1, $2, $3, $4, $5)', [
      id,
      from ?? null,
      to,
      at,
      reason,
    ]);
  }

  #seal(value: unknown): string {
    return JSON.stringify(seal(value, this.#encrypter));
  }

  #record(row: ResourceRow): ResourceRecord {
    const rec: ResourceRecord = {
      id: row.id,
      application: row.application,
      name: row.name,
      type: row.type,
      properties: unseal(JSON.parse(row.properties), this.#encrypter) as Record<string, unknown>,
      state: row.state,
      generation: Number(row.generation),
      attempts: Number(row.attempts),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
    if (row.class !== null) rec.class = row.class;
    if (row.metadata !== null) rec.metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    if (row.pending_operation !== null) rec.pendingOperation = row.pending_operation;
    if (row.run_id !== null) rec.runId = row.run_id;
    if (row.outputs !== null) rec.outputs = unseal(JSON.parse(row.outputs), this.#encrypter) as Record<string, unknown>;
    if (row.error !== null) rec.error = JSON.parse(row.error) as JournaledError;
    if (row.next_attempt_at !== null) rec.nextAttemptAt = iso(row.next_attempt_at);
    if (row.lease_owner !== null) rec.leaseOwner = row.lease_owner;
    if (row.lease_expires_at !== null) rec.leaseExpiresAt = iso(row.lease_expires_at);
    if (row.lease_owner !== null) rec.leaseEpoch = Number(row.lease_epoch);
    return rec;
  }

  #open(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
  }

  #emit(): void {
    if (this.#onWake) this.#onWake();
    else for (const l of this.#listeners) queueMicrotask(l);
  }
}

/**
 * The WHERE clause of a list or count with only the given filters, so each
 * combination is a plain predicate the planner can match to an index.
 * `pending` uses the claim predicate, the one the `resources_claimable` index covers.
 */
function filterClause(
  f: ResourceCountFilter & Pick<ResourceFilter, 'live' | 'withRun' | 'runStatus' | 'alsoIds'>,
  now: number,
): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const also = listAlsoIds(f);
  if (f.application !== undefined && also.length > 0)
    where.push(`(application = $${params.push(f.application)} OR id IN (${also.map((id) => `$${params.push(id)}`).join(', ')}))`);
  else if (f.application !== undefined) where.push(`application = $${params.push(f.application)}`);
  if (f.type !== undefined) where.push(`type = $${params.push(f.type)}`);
  if (f.state !== undefined) where.push(`state = $${params.push(f.state)}`);
  if (f.live === true) where.push("state <> 'terminated'");
  if (f.live === false) where.push("state = 'terminated'");
  if (f.withRun === true) where.push('run_id IS NOT NULL');
  if (f.withRun === false) where.push('run_id IS NULL');
  // Correlated on the run's primary key: the page is walked in seq order and each resource's run looked up, no scan of all runs.
  if (f.runStatus !== undefined) where.push(`EXISTS (SELECT 1 FROM runs WHERE runs.run_id = resources.run_id AND runs.status = $${params.push(f.runStatus)})`);
  if (f.pending === true) where.push(`${CLAIMABLE}`);
  if (f.pending === false) where.push(`NOT (${CLAIMABLE})`);
  if (f.leased === true) where.push(`lease_owner IS NOT NULL AND lease_expires_at > $${params.push(now)}`);
  if (f.leased === false) where.push(`(lease_owner IS NULL OR lease_expires_at <= $${params.push(now)})`);
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function iso(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
