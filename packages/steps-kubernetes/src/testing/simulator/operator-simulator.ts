import type { Clock } from '@innominatus/core';
import { storedObject, storedPrevious } from '../lazy-copies';
import { clone } from '../merge';
import type { MockCluster } from '../mock-cluster';
import type { WriteOptions } from '../object-store';
import type { MockObject, ResolvedKind, StoreEvent } from '../types';
import { writeEvent, type EventSpec } from './events';
import { objectTimers } from './object-timers';

/** What a simulator's handlers get: the object as stored now, and helpers bound to the simulator. */
export interface SimulatorContext {
  /** The object as it is stored now (undefined once deleted). */
  current(object: MockObject): MockObject | undefined;
  /** Replaces the object's `.status` through the status subresource. */
  setStatus(object: MockObject, status: unknown): void;
  /** Creates or merges a child object owned by `owner` (an ownerReference is added, `controller: true`). */
  ensureChild(owner: MockObject, child: MockObject): MockObject;
  /** Records a Normal or Warning Event about the object (`kubectl describe` shows it). */
  event(object: MockObject, event: EventSpec): void;
  /** Runs `fn` after `ms` on the simulator's clock unless the object is deleted or {@link cancel} is called first. */
  after(object: MockObject, ms: number, fn: () => void): void;
  /** Cancels the pending {@link after} work of an object. */
  cancel(object: MockObject): void;
  /** The write options the simulator writes with (its field manager). */
  readonly writeOptions: WriteOptions;
}

/** Options of {@link operatorSimulator}. */
export interface OperatorSimulatorOptions {
  apiVersion: string;
  kind: string;
  /** Field manager and event source of the simulated operator (default `<kind>-operator`). */
  name?: string;
  /**
   * What delayed work ({@link SimulatorContext.after}) runs on. Default: the
   * system clock (setTimeout, so fake timers control it). A test passes
   * `createFakeClock()` of `@innominatus/core/testing` to move the operator
   * only when it says so, e.g. once a wait has observed the status before a change.
   */
  clock?: Clock;
  /** A new object (also one that existed when the simulator started). */
  added?: (object: MockObject, ctx: SimulatorContext) => void;
  /** A changed object, with what it was before. */
  modified?: (object: MockObject, previous: MockObject, ctx: SimulatorContext) => void;
  /** The object is gone from the API (its finalizers, if any, were removed). */
  deleted?: (object: MockObject, ctx: SimulatorContext) => void;
}

/** A running simulator. */
export interface OperatorSimulator {
  readonly context: SimulatorContext;
  /** Stops reacting and cancels pending work (also done by `cluster.close()`). */
  stop(): void;
}

/**
 * A generic operator simulator: reacts to objects of one kind being added,
 * modified and deleted, writes their status, creates owned children, emits
 * Events and schedules delayed work. Simulate your own operator in a few lines.
 * The objects of the kind that exist when it starts are `added` just after
 * it returns (in a microtask), as a restarted operator takes them up.
 *
 * @example
 * operatorSimulator(cluster, {
 *   apiVersion: 'example.com/v1', kind: 'Widget',
 *   added: (w, ctx) => {
 *     ctx.setStatus(w, { phase: 'Pending' });
 *     ctx.after(w, 50, () => {
 *       ctx.ensureChild(w, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${w.metadata.name}-config`, namespace: w.metadata.namespace! }, data: {} });
 *       ctx.setStatus(w, { phase: 'Ready' });
 *       ctx.event(w, { type: 'Normal', reason: 'Ready', message: 'widget is ready' });
 *     });
 *   },
 * });
 */
export function operatorSimulator(cluster: MockCluster, options: OperatorSimulatorOptions): OperatorSimulator {
  const name = options.name ?? `${options.kind.toLowerCase()}-operator`;
  const writeOptions: WriteOptions = { fieldManager: name };
  const timers = objectTimers(options.clock);
  let stopped = false;
  const kindNow = (): ResolvedKind => cluster.store.requireKind(options.apiVersion, options.kind);
  const store = cluster.store;

  const context: SimulatorContext = {
    writeOptions,
    current: (o) => store.get(kindNow(), o.metadata.namespace, o.metadata.name),
    setStatus: (o, status) => {
      const kind = kindNow();
      if (store.getStored(kind, o.metadata.namespace, o.metadata.name)) store.writeStatus(kind, o.metadata.namespace, o.metadata.name, status, writeOptions);
    },
    ensureChild: (owner, child) => store.apply(store.requireKind(child.apiVersion, child.kind), ownedBy(owner, child)).object,
    event: (o, event) => void writeEvent(store, store.getStored(kindNow(), o.metadata.namespace, o.metadata.name) ?? o, name, event),
    after: (o, ms, fn) => timers.after(o, ms, fn),
    cancel: (o) => timers.cancel(o),
  };

  const onChange = (e: StoreEvent) => {
    if (stopped || e.kind.apiVersion !== options.apiVersion || e.kind.kind !== options.kind) return;
    // A copy of their own (not the event's, which the event history would keep).
    if (e.type === 'ADDED') options.added?.(clone(storedObject(e)), context);
    else if (e.type === 'MODIFIED') options.modified?.(clone(storedObject(e)), clone(storedPrevious(e)!), context);
    else {
      context.cancel(e.object);
      options.deleted?.(e.object, context);
    }
  };
  cluster.events.on('change', onChange);
  // The objects already there are taken up as a starting operator lists them: just after start, once the
  // caller holds the simulator (its callbacks may use what `operatorSimulator` returned).
  const existing = store.list(kindNow());
  queueMicrotask(() => {
    for (const o of existing) if (!stopped) options.added?.(o, context);
  });

  const stop = () => {
    if (stopped) return;
    stopped = true;
    cluster.events.off('change', onChange);
    timers.stop();
  };
  cluster.onClose(stop);
  return { context, stop };
}

/** `child` with `owner` as its controlling owner (the only ownerReference). */
function ownedBy(owner: MockObject, child: MockObject): MockObject {
  const ref = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  return { ...child, metadata: { ...child.metadata, ownerReferences: [ref] } } as MockObject;
}
