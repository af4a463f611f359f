import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { validateCustomResource, type FieldValidation, type LoadedCrd } from '../crd/index';
import { admit, normalizeSecret, type Admitted } from './admission';
import { Conversions, type ConversionStrategy, type ConversionWebhook } from './conversion';
import { ApiStatusError } from './api-status';
import { EventHistory } from './event-history';
import { withFinalizer } from './finalizers';
import type { KindView } from './event-views';
import { ObjectBucket } from './object-bucket';
import { ObjectIndex } from './object-index';
import { objectSchema } from './openapi-schemas';
import { serverSideApply, trackUpdate } from './managed-fields';
import { clone, isPlainObject, jsonEqual } from './merge';
import { changeEvent, storedObject, writeResult } from './lazy-copies';
import { jsonPatch, mergePatch, strategicMerge } from './patches';
import { fieldValue, parseSelector } from './selectors';
import type { KindSpec, MockObject, ResolvedKind, StoreEvent } from './types';
import { nowSeconds } from './timestamps';

export { MAX_OBJECT_BYTES } from './admission';

/** How many past events a watch can resume from before it gets `410 Gone`. */
export const DEFAULT_HISTORY_LIMIT = 10_000;
/** The field manager of writes that name none (direct calls and simulators). */
export const DEFAULT_FIELD_MANAGER = 'mock-cluster';
/** The finalizer a `propagationPolicy: Foreground` delete puts on the owner until its blocking dependents are gone. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Selects objects in {@link ObjectStore.list}. */
export interface ListFilter {
  namespace?: string;
  /** `key=value` pairs, comma separated (`=`, `==` and `!=` are understood). */
  labelSelector?: string;
  /** `metadata.name`, `metadata.namespace`, `involvedObject.*`, `type`, `reason` and any `a.b` path are understood. */
  fieldSelector?: string;
}

/** How a write is done, like the query parameters of the API server. */
export interface WriteOptions {
  /** Write `.status` only (the status subresource). */
  subresource?: 'status';
  /** `dryRun=All`: validate and answer as if done, but store nothing and emit no event. */
  dryRun?: boolean;
  /** The field manager (server-side apply needs one; other writes default to `mock-cluster`). */
  fieldManager?: string;
  /** Server-side apply takes over fields other managers own instead of answering 409. */
  force?: boolean;
  /** Unknown fields of custom resources: `Strict` (400), `Warn` (warnings) or `Ignore` (default: pruned silently). */
  fieldValidation?: FieldValidation;
}

/** How a delete is done. */
export interface DeleteOptions {
  /** Ignore finalizers: the object goes at once. */
  immediate?: boolean;
  dryRun?: boolean;
  /** `Orphan` keeps dependents (their ownerReferences to it are removed); otherwise they are garbage-collected. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** 409 Conflict unless the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What a write did. */
export interface WriteResult {
  object: MockObject;
  created: boolean;
  changed: boolean;
  /** Warnings for the client (the API server's `Warning` headers), e.g. `unknown field "spec.foo"`. */
  warnings: string[];
}

/** Patch types the store applies. */
export type PatchType = 'merge' | 'json' | 'strategic';

/** The served version a write was made at, when it is not the storage version (set by the store on the options it passes down). */
const writtenAt = new WeakMap<WriteOptions, ResolvedKind>();
/** The apiVersion a write was made at, which its managedFields entry records. */
const writtenAtVersion = (kind: ResolvedKind, options: WriteOptions) => (writtenAt.get(options) ?? kind).apiVersion;
const kindKey = (group: string, kind: string) => `${group}|${kind.toLowerCase()}`;
const versionKey = (group: string, kind: string, version: string) => `${kindKey(group, kind)}|${version}`;
const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const IDENTITY = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields'];

/**
 * The mock cluster's storage: registered kinds, objects with uid,
 * resourceVersion (one global counter), generation (for kinds that have
 * one) and managedFields, an event history for resumable watches, and
 * change events for controllers and simulators.
 */
export class ObjectStore {
  readonly #kinds = new Map<string, ResolvedKind>();
  /** Served versions other than the storage version, by `group|kind|version`. */
  readonly #versions = new Map<string, ResolvedKind>();
  readonly #versionViews = new WeakMap<ResolvedKind, KindView>();
  readonly #objects = new Map<string, ObjectBucket>();
  readonly #index = new ObjectIndex();
  readonly #views = new Map<string, KindView>();
  readonly #watchers = new Map<string, Set<(e: StoreEvent) => void>>();
  /** Per kind, like the API server's watch cache: one busy kind does not push another's events out. */
  readonly #history = new Map<string, EventHistory>();
  #compactedThrough = 0;
  #resourceVersion = 1;
  readonly historyLimit: number;
  /**
   * Emits `change` with a {@link StoreEvent} after every change, and also
   * `added`, `modified` or `deleted`. Changes made by a listener are emitted
   * after the current event has reached every listener, so order is kept.
   */
  readonly emitter = new EventEmitter();
  readonly #pending: StoreEvent[] = [];
  #emitting = false;

  readonly #autoCreateNamespaces: boolean;
  readonly #conversions = new Conversions((namespace, name) => this.#objects.get(kindKey('', 'Service'))?.has(objectKey(namespace, name)) ?? false);

  constructor(options: { historyLimit?: number | undefined; autoCreateNamespaces?: boolean | undefined } = {}) {
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.#autoCreateNamespaces = options.autoCreateNamespaces ?? false;
    this.emitter.setMaxListeners(0);
  }

  /** The newest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  /**
   * Serves a kind (like installing a CRD); registering it again with the
   * same version replaces its options. A kind from a CRD may come back with
   * another version (the CRD's storage version changed): its objects stay,
   * stored at the version they were written at, and are converted when read
   * (see {@link setConversion}); what is written from then on is stored at
   * the new version.
   */
  registerKind(spec: KindSpec, origin: { crd?: LoadedCrd; builtin?: boolean } = {}): ResolvedKind {
    const resolved = resolveKind(spec, origin);
    const key = kindKey(spec.group, spec.kind);
    const existing = this.#kinds.get(key);
    if (existing && existing.version !== spec.version && !(origin.crd && existing.crd)) {
      throw new TypeError(`kind ${spec.kind} of group '${spec.group}' is already registered with version ${existing.version}`);
    }
    this.#kinds.set(key, resolved);
    if (!this.#objects.has(key)) this.#objects.set(key, new ObjectBucket());
    // Stored events keep pointing at the kind they were made with; watches compare kinds by identity.
    if (existing) for (const e of this.#history.get(key)?.all() ?? []) if (e.kind === existing) e.kind = resolved;
    return resolved;
  }

  /**
   * Serves another version of a registered kind from its objects, as a CRD
   * with several versions and `conversion: None` does: objects are stored at
   * the registered (storage) version, and read, listed, watched and written
   * at `spec.version` with only `apiVersion` rewritten. Writes at this
   * version are validated with its own schema (`origin.crd`'s version).
   */
  registerVersion(storage: ResolvedKind, spec: KindSpec, origin: { crd?: LoadedCrd } = {}): ResolvedKind {
    if (this.#kinds.get(kindKey(storage.group, storage.kind)) !== storage) throw new TypeError(`kind ${storage.kind}: not registered as a storage kind`);
    if (spec.group !== storage.group || spec.kind !== storage.kind || spec.version === storage.version)
      throw new TypeError(`kind ${spec.kind}: another version of ${storage.kind} in ${storage.group} is needed`);
    const resolved = resolveKind(spec, origin);
    const key = kindKey(storage.group, storage.kind);
    this.#versions.set(versionKey(spec.group, spec.kind, spec.version), resolved);
    this.#versionViews.set(resolved, {
      storage: key,
      toView: (o) => this.#conversions.convert(key, o, resolved.apiVersion),
      fromView: (o) => this.#conversions.convert(key, o, this.#kinds.get(key)!.apiVersion),
    });
    return resolved;
  }

  /**
   * How the objects of a kind are converted between its versions (a CRD's
   * `spec.conversion`): `None` (the default) rewrites only `apiVersion`;
   * `Webhook` calls the webhook registered with {@link setConversionWebhook},
   * and without one answers 500 like an API server whose webhook cannot be
   * reached. Reading or writing at the version an object is stored at needs
   * no conversion.
   */
  setConversion(group: string, kind: string, strategy: ConversionStrategy | undefined): void {
    this.#conversions.setStrategy(kindKey(group, kind), strategy);
  }

  /** Registers (or, with undefined, removes) the function that stands in for a kind's conversion webhook. */
  setConversionWebhook(group: string, kind: string, webhook: ConversionWebhook | undefined): void {
    this.#conversions.setWebhook(kindKey(group, kind), webhook);
  }

  /** Stops serving the versions of a kind other than its storage version (objects stay). */
  unregisterVersions(group: string, kind: string): void {
    for (const [key, k] of this.#versions) if (k.group === group && k.kind.toLowerCase() === kind.toLowerCase()) this.#versions.delete(key);
  }

  /**
   * Serves `kind` from another kind's objects (`view.storage`), converted
   * both ways: what is written through either kind is read, listed and
   * watched through both, like two API versions of one resource.
   */
  registerView(kind: ResolvedKind, view: KindView): void {
    if (!this.#kinds.has(view.storage)) throw new TypeError(`kind ${kind.kind}: the kind it is a view of (${view.storage}) is not registered`);
    this.#views.set(kindKey(kind.group, kind.kind), view);
  }

  /** A store event as watchers of `kind` see it: itself, converted for a view of its kind, or undefined when it is not about `kind`. */
  seenBy(kind: ResolvedKind, e: StoreEvent): StoreEvent | undefined {
    const view = this.#viewOf(kind);
    // The storage kind, or a kind the watch was opened at before its storage version changed (the same resource, no view of it).
    if (e.kind === kind || (!view && kindKey(e.kind.group, e.kind.kind) === kindKey(kind.group, kind.kind))) {
      if (storedObject(e).apiVersion === kind.apiVersion && e.kind === kind) return e;
      // Written at another version (before or after the storage version changed): converted like a read.
      const previous = e.previous && this.#atStorage(kind, e.previous);
      return { ...e, kind, object: this.#atStorage(kind, e.object), ...(previous ? { previous } : {}) };
    }
    if (!view || kindKey(e.kind.group, e.kind.kind) !== view.storage) return undefined;
    return { ...e, kind, object: view.toView(e.object), ...(e.previous ? { previous: view.toView(e.previous) } : {}) };
  }

  /** Stops serving a kind (its CRD was deleted): its objects are deleted. */
  unregisterKind(kind: ResolvedKind): void {
    // As stored: removing them needs no conversion.
    for (const [key, o] of [...this.#bucket(kind)].sort(([a], [b]) => a.localeCompare(b))) {
      this.#remove(kind, key, o);
      this.#record(changeEvent({ type: 'DELETED', previous: o, kind, resourceVersion: ++this.#resourceVersion }, o));
    }
    this.#kinds.delete(kindKey(kind.group, kind.kind));
    this.unregisterVersions(kind.group, kind.kind);
    this.setConversion(kind.group, kind.kind, undefined);
  }

  /** The kind whose objects are stored for a group and kind (a CRD's storage version), or undefined. */
  storageKind(group: string, kind: string): ResolvedKind | undefined {
    return this.#kinds.get(kindKey(group, kind));
  }

  /** Every kind served (each served version of a kind is one). */
  kinds(): ResolvedKind[] {
    return [...this.#kinds.values(), ...this.#versions.values()];
  }

  /** The kind for an apiVersion + kind, or undefined. */
  findKind(apiVersion: string, kind: string): ResolvedKind | undefined {
    const [group, version] = splitApiVersion(apiVersion);
    const k = this.#kinds.get(kindKey(group, kind));
    if (k && k.version === version) return k;
    return this.#versions.size && k ? this.#versions.get(versionKey(group, k.kind, version)) : undefined;
  }

  /** The kind for an apiVersion + kind; 404 when the cluster does not serve it. */
  requireKind(apiVersion: string, kind: string): ResolvedKind {
    const k = this.findKind(apiVersion, kind);
    if (!k) throw new ApiStatusError(404, 'NotFound', `the server could not find the requested resource (kind ${kind} in ${apiVersion})`);
    return k;
  }

  /** The kind served at `/apis/<group>/<version>/<plural>`. */
  kindByPlural(group: string, version: string, plural: string): ResolvedKind | undefined {
    for (const k of this.kinds()) if (k.group === group && k.version === version && k.plural === plural) return k;
    return undefined;
  }

  /** A copy of the object, or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(kind: ResolvedKind, namespace: string | undefined, name: string): MockObject | undefined {
    const view = this.#viewOf(kind);
    const key = objectKey(kind.namespaced ? namespace : undefined, name);
    if (view) {
      // From the object as stored, converted once to the view's version.
      const stored = this.#objects.get(view.storage)?.get(key);
      return stored && view.toView(clone(stored));
    }
    const o = this.#current(kind, key);
    return o ? clone(o) : undefined;
  }

  /**
   * The object as stored, not a copy (so never to be changed; `namespace` is
   * ignored for cluster-scoped kinds), or undefined: for the mock cluster's
   * controllers and simulators, which only read. A view's object is converted.
   */
  getStored(kind: ResolvedKind, namespace: string | undefined, name: string): Readonly<MockObject> | undefined {
    if (this.#viewOf(kind)) return this.get(kind, namespace, name);
    return this.#current(kind, objectKey(kind.namespaced ? namespace : undefined, name));
  }

  /** Like {@link get} but 404 when missing, with the API server's message. */
  require(kind: ResolvedKind, namespace: string | undefined, name: string): MockObject {
    const o = this.get(kind, namespace, name);
    if (!o) throw notFound(kind, name);
    return o;
  }

  /** Copies of the objects of a kind, sorted by namespace and name. */
  list(kind: ResolvedKind, filter: ListFilter = {}): MockObject[] {
    const view = this.#viewOf(kind);
    const out: MockObject[] = [];
    const labels = parseSelector(filter.labelSelector);
    const fields = parseSelector(filter.fieldSelector);
    const bucket = view ? (this.#objects.get(view.storage) ?? new ObjectBucket()) : this.#bucket(kind);
    // One namespace: only its objects are read (the bucket keeps them by namespace).
    for (const stored of (kind.namespaced && filter.namespace ? bucket.inNamespace(filter.namespace) : bucket).values()) {
      const o = view ? view.toView(clone(stored)) : this.#atStorage(kind, stored);
      if (labels.every((t) => t.test(o.metadata.labels?.[t.key])) && fields.every((t) => t.test(fieldValue(o, t.key)))) out.push(view ? o : clone(o));
    }
    return out.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
  }

  /** True when an object meets the label and field selectors of a filter. */
  matches(o: MockObject, filter: ListFilter): boolean {
    return this.matcher(filter)(o);
  }

  /** A test of the label and field selectors of a filter, parsed once (a watch tests every event with it). */
  matcher(filter: ListFilter): (o: MockObject) => boolean {
    const labels = parseSelector(filter.labelSelector);
    const fields = parseSelector(filter.fieldSelector);
    return (o) => labels.every((s) => s.test(o.metadata.labels?.[s.key])) && fields.every((s) => s.test(fieldValue(o, s.key)));
  }

  /**
   * Calls `listener` with every change of `kind` (as {@link seenBy} shows it,
   * so a view's watchers get converted events), after the `change` listeners
   * of {@link emitter}. Only the watchers of the changed kind are called, so
   * a thousand watches of one kind cost nothing to changes of another.
   * An event that cannot be converted for `kind` (a conversion webhook
   * that fails) goes to `onError` instead, with the error.
   * Returns the function that unsubscribes.
   */
  subscribe(kind: ResolvedKind, listener: (e: StoreEvent) => void, onError: (err: ApiStatusError) => void = () => {}): () => void {
    const view = this.#viewOf(kind);
    const key = view ? view.storage : kindKey(kind.group, kind.kind);
    const wrapped = (e: StoreEvent) => {
      let seen: StoreEvent | undefined;
      try {
        seen = this.seenBy(kind, e);
      } catch (err) {
        if (!(err instanceof ApiStatusError)) throw err;
        onError(err);
        return;
      }
      if (seen) listener(seen);
    };
    let set = this.#watchers.get(key);
    if (!set) {
      set = new Set();
      this.#watchers.set(key, set);
    }
    set.add(wrapped);
    return () => void this.#watchers.get(key)?.delete(wrapped);
  }

  /**
   * Server-side apply. With a `fieldManager` it is the API server's: field
   * ownership in `managedFields`, fields this manager stopped applying are
   * removed, 409 on fields other managers own unless `force`. Without one
   * (direct calls from tests and simulators) the applied fields are merged
   * in (`null` removes), owned by `mock-cluster`. With a status subresource,
   * `status` is ignored unless `subresource: 'status'`, which writes only it.
   */
  apply(kind: ResolvedKind, input: MockObject, options: WriteOptions = {}): WriteResult {
    const view = this.#viewOf(kind);
    if (view) return viewed(view, this.apply(this.#storageOf(view), this.#fromView(kind, view, input, options), this.#asVersion(kind, options)));
    const { namespace, name } = this.#identify(kind, input);
    const existing = this.#current(kind, objectKey(namespace, name));
    if (!existing && options.subresource) throw notFound(kind, name);
    const config = applyConfig(kind, input, options.subresource);
    if (options.fieldManager) {
      const next = serverSideApply(existing, config, {
        manager: options.fieldManager,
        force: options.force ?? false,
        apiVersion: writtenAtVersion(kind, options),
        schema: objectSchema(kind),
        ...(options.subresource ? { subresource: options.subresource } : {}),
      });
      return existing ? this.#update(kind, existing, next, options, 'tracked') : this.#create(kind, next, options, 'tracked');
    }
    if (!existing) return this.#create(kind, clone(config), options, DEFAULT_FIELD_MANAGER);
    const { metadata, ...rest } = config;
    const patch = { ...rest, metadata: withoutIdentity(metadata) };
    return this.#update(kind, existing, mergePatch(existing, patch) as MockObject, options, DEFAULT_FIELD_MANAGER);
  }

  /** Creates (POST); 409 AlreadyExists when present, 404 when the namespace does not exist. */
  create(kind: ResolvedKind, input: MockObject, options: WriteOptions = {}): WriteResult {
    const view = this.#viewOf(kind);
    if (view) return viewed(view, this.create(this.#storageOf(view), this.#fromView(kind, view, input, options), this.#asVersion(kind, options)));
    const { namespace, name } = this.#identify(kind, input);
    if (this.#bucket(kind).has(objectKey(namespace, name))) {
      throw new ApiStatusError(409, 'AlreadyExists', `${resourceName(kind)} "${name}" already exists`, { name, group: kind.group, kind: kind.plural });
    }
    return this.#create(kind, clone(input), options, options.fieldManager ?? DEFAULT_FIELD_MANAGER);
  }

  /** Replaces the object (PUT); 404 when missing, 409 Conflict on a stale `metadata.resourceVersion`. */
  replace(kind: ResolvedKind, input: MockObject, options: WriteOptions = {}): WriteResult {
    const view = this.#viewOf(kind);
    if (view) return viewed(view, this.replace(this.#storageOf(view), this.#fromView(kind, view, input, options), this.#asVersion(kind, options)));
    const { namespace, name } = this.#identify(kind, input);
    const existing = this.#current(kind, objectKey(namespace, name));
    if (!existing) throw notFound(kind, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw modifiedConflict(kind, name);
    const next = clone(input);
    delete next.metadata.managedFields;
    if (existing.metadata.managedFields) next.metadata.managedFields = clone(existing.metadata.managedFields);
    return this.#update(kind, existing, next, options, options.fieldManager ?? DEFAULT_FIELD_MANAGER);
  }

  /**
   * Patches an object: `merge` (RFC 7386), `json` (RFC 6902) or `strategic`
   * (built-in kinds only: 415 for custom resources, as on the API server).
   */
  patch(kind: ResolvedKind, namespace: string | undefined, name: string, type: PatchType, body: unknown, options: WriteOptions = {}): WriteResult {
    if (type === 'strategic' && !kind.builtin) {
      throw new ApiStatusError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const view = this.#viewOf(kind);
    const existing = view ? this.get(kind, namespace, name) : this.#current(kind, objectKey(kind.namespaced ? namespace : undefined, name));
    if (!existing) throw notFound(kind, name);
    const base = clone(existing);
    const patched = type === 'json' ? jsonPatch(base, body) : type === 'strategic' ? strategicMerge(base, body, objectSchema(kind)) : mergePatch(base, body);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
      throw new ApiStatusError(422, 'Invalid', `${kind.kind} "${name}" is invalid: metadata: Required value`);
    // A view is patched as it shows the object, then stored converted back (an update of the stored object).
    if (view)
      return viewed(view, this.replace(this.#storageOf(view), this.#fromView(kind, view, patched as MockObject, options), this.#asVersion(kind, options)));
    const next = patched as MockObject;
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== existing.metadata.resourceVersion) throw modifiedConflict(kind, name);
    next.metadata.managedFields = clone(existing.metadata.managedFields);
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    return this.#update(kind, existing, next, options, options.fieldManager ?? DEFAULT_FIELD_MANAGER);
  }

  /** JSON merge patch; see {@link patch}. */
  mergePatch(kind: ResolvedKind, namespace: string | undefined, name: string, patch: Record<string, unknown>, options: WriteOptions = {}): WriteResult {
    return this.patch(kind, namespace, name, 'merge', patch, options);
  }

  /** Sets `.status` (what an operator does through the status subresource). */
  setStatus(kind: ResolvedKind, namespace: string | undefined, name: string, status: unknown, options: WriteOptions = {}): MockObject {
    return this.writeStatus(kind, namespace, name, status, options).object;
  }

  /** {@link setStatus}, answered with the write's result (whose object is copied only when read). */
  writeStatus(kind: ResolvedKind, namespace: string | undefined, name: string, status: unknown, options: WriteOptions = {}): WriteResult {
    const view = this.#viewOf(kind);
    if (view) return viewed(view, this.writeStatus(this.#storageOf(view), namespace, name, status, this.#asVersion(kind, options)));
    const existing = this.#current(kind, objectKey(kind.namespaced ? namespace : undefined, name));
    if (!existing) throw notFound(kind, name);
    // Not copied here: the status write below copies the stored object and the new status.
    const next = { ...existing, status } as MockObject;
    const statusOptions: WriteOptions = { ...options, subresource: 'status' };
    const version = writtenAt.get(options);
    if (version) writtenAt.set(statusOptions, version);
    return this.#update(kind, existing, next, statusOptions, options.fieldManager ?? DEFAULT_FIELD_MANAGER);
  }

  /**
   * Deletes. An object with finalizers (a Namespace: `spec.finalizers`) only
   * gets a `deletionTimestamp` and goes when they are removed; `immediate`
   * ignores them. Returns the object as it was deleted (or marked).
   */
  delete(kind: ResolvedKind, namespace: string | undefined, name: string, options: DeleteOptions = {}): MockObject {
    const view = this.#viewOf(kind);
    if (view) return view.toView(this.delete(this.#storageOf(view), namespace, name, options));
    const key = objectKey(kind.namespaced ? namespace : undefined, name);
    const stored = this.#bucket(kind).get(key);
    if (!stored) throw notFound(kind, name);
    // Answered at the version asked for, so converted first (a conversion that fails deletes nothing).
    const existing = this.#atStorage(kind, stored);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw new ApiStatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw new ApiStatusError(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    const foreground = options.propagationPolicy === 'Foreground' && !options.immediate;
    if (!options.immediate && (hasFinalizers(existing) || foreground)) {
      const finalizers = existing.metadata.finalizers ?? [];
      const addForeground = foreground && !finalizers.includes(FOREGROUND_FINALIZER);
      if (existing.metadata.deletionTimestamp && !addForeground) return clone(existing);
      const next = clone(existing);
      next.metadata.deletionTimestamp ??= nowSeconds();
      // Foreground: the owner stays, marked, until the garbage collector has removed its blocking dependents.
      if (addForeground) next.metadata.finalizers = withFinalizer(existing, FOREGROUND_FINALIZER);
      if (isNamespace(kind)) next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
      if (options.dryRun) return next;
      next.metadata.resourceVersion = String(++this.#resourceVersion);
      this.#put(kind, key, next, existing);
      this.#record(changeEvent({ type: 'MODIFIED', previous: existing, kind, resourceVersion: this.#resourceVersion }, next));
      return clone(next);
    }
    const gone = clone(existing);
    if (options.dryRun) return gone;
    this.#remove(kind, key, stored);
    gone.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#record(
      changeEvent(
        {
          type: 'DELETED',
          previous: existing,
          kind,
          resourceVersion: this.#resourceVersion,
          ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
        },
        gone,
      ),
    );
    return clone(gone);
  }

  /** Objects of every kind whose `ownerReferences` name `uid`, sorted by kind, namespace and name. */
  dependentsOf(uid: string): Array<{ kind: ResolvedKind; object: MockObject }> {
    const out: Array<{ kind: ResolvedKind; object: MockObject }> = [];
    for (const dependent of this.#index.dependents(uid)) {
      const found = this.findByUid(dependent);
      if (found) out.push(found);
    }
    const order = (d: { kind: ResolvedKind; object: MockObject }) =>
      `${kindKey(d.kind.group, d.kind.kind)} ${objectKey(d.object.metadata.namespace, d.object.metadata.name)}`;
    return out.sort((a, b) => order(a).localeCompare(order(b)));
  }

  /** A copy of the object with this uid, with its kind; undefined when no object has it. */
  findByUid(uid: string): { kind: ResolvedKind; object: MockObject } | undefined {
    const at = this.#index.find(uid);
    const kind = at && this.#kinds.get(at.kindKey);
    const object = kind && this.#objects.get(at.kindKey)?.get(at.objectKey);
    return kind && object ? { kind, object: clone(object) } : undefined;
  }

  /** How many objects of any namespaced kind are in a namespace. */
  countInNamespace(namespace: string): number {
    let n = 0;
    for (const kind of this.#kinds.values()) {
      if (!kind.namespaced || this.#viewOf(kind)) continue;
      n += this.#bucket(kind).inNamespace(namespace).size;
    }
    return n;
  }

  /**
   * The events after `resourceVersion` for a kind, or `'gone'` when the
   * history no longer reaches back that far (the watch must re-list).
   */
  eventsSince(kind: ResolvedKind, resourceVersion: number): StoreEvent[] | 'gone' {
    const view = this.#viewOf(kind);
    if (view) {
      const stored = this.eventsSince(this.#storageOf(view), resourceVersion);
      return stored === 'gone' ? stored : stored.flatMap((e) => this.seenBy(kind, e) ?? []);
    }
    const h = this.#history.get(kindKey(kind.group, kind.kind));
    if (resourceVersion < Math.max(this.#compactedThrough, h?.compactedThrough ?? 0)) return 'gone';
    return (h?.since(resourceVersion) ?? []).filter((e) => e.kind === kind);
  }

  /** Forgets the event history, so every resumed watch answers `410 Gone`. */
  compact(): void {
    this.#history.clear();
    this.#compactedThrough = this.#resourceVersion;
  }

  /** Options of a write made at another served version than the storage one: admitted with that version's schema. */
  #asVersion(kind: ResolvedKind, options: WriteOptions): WriteOptions {
    if (!this.#versionViews.has(kind)) return options;
    const copy = { ...options };
    writtenAt.set(copy, kind);
    return copy;
  }

  /** Admission at the version a write was made at. */
  #admit(kind: ResolvedKind, obj: MockObject, old: MockObject | undefined, options: WriteOptions): Admitted {
    const version = writtenAt.get(options);
    if (!version) return admit(kind, obj, old, options.fieldValidation);
    // Validated (pruned, defaulted) with the schema of the version written at, then stored at the storage version.
    const key = kindKey(kind.group, kind.kind);
    const at = (o: MockObject, apiVersion: string) => this.#conversions.convert(key, o, apiVersion);
    const admitted = admit(version, at(obj, version.apiVersion), old && at(old, version.apiVersion), options.fieldValidation);
    return { ...admitted, object: at(admitted.object, kind.apiVersion) };
  }

  /**
   * An object written at a served version, as it is stored. A conversion
   * webhook gets it only after its unknown fields are found (the API server
   * decodes a request at its own version), so `Strict` still refuses them.
   */
  #fromView(kind: ResolvedKind, view: KindView, input: MockObject, options: WriteOptions): MockObject {
    if (kind.crd && options.fieldValidation === 'Strict' && this.#conversions.isWebhook(view.storage)) {
      const { strictError } = validateCustomResource(kind.crd, { ...input, apiVersion: kind.apiVersion }, { fieldValidation: 'Strict' });
      if (strictError) throw new ApiStatusError(400, 'BadRequest', strictError);
    }
    return view.fromView(input);
  }

  /** The object stored under `key`, at the kind's (storage) version: converted when it was stored at an earlier one. */
  #current(kind: ResolvedKind, key: string): MockObject | undefined {
    const stored = this.#bucket(kind).get(key);
    return stored && this.#atStorage(kind, stored);
  }

  #atStorage(kind: ResolvedKind, stored: MockObject): MockObject {
    return stored.apiVersion === kind.apiVersion ? stored : this.#conversions.convert(kindKey(kind.group, kind.kind), stored, kind.apiVersion);
  }

  #viewOf(kind: ResolvedKind): KindView | undefined {
    return (this.#versions.size ? this.#versionViews.get(kind) : undefined) ?? (this.#views.size ? this.#views.get(kindKey(kind.group, kind.kind)) : undefined);
  }

  #storageOf(view: KindView): ResolvedKind {
    return this.#kinds.get(view.storage)!;
  }

  #bucket(kind: ResolvedKind): ObjectBucket {
    let b = this.#objects.get(kindKey(kind.group, kind.kind));
    if (!b) {
      b = new ObjectBucket();
      this.#objects.set(kindKey(kind.group, kind.kind), b);
    }
    return b;
  }

  #identify(kind: ResolvedKind, input: MockObject): { namespace: string | undefined; name: string } {
    if (!isPlainObject(input) || !isPlainObject(input.metadata)) throw new ApiStatusError(400, 'BadRequest', 'object has no metadata');
    const name = input.metadata.name;
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw new ApiStatusError(
        422,
        'Invalid',
        `${kind.kind} "${String(name)}" is invalid: metadata.name: Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        {
          name: String(name),
          kind: kind.kind,
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
              field: 'metadata.name',
            },
          ],
        },
      );
    }
    const namespace = kind.namespaced ? input.metadata.namespace : undefined;
    if (kind.namespaced && !namespace)
      throw new ApiStatusError(400, 'BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
    return { namespace, name };
  }

  #checkNamespace(kind: ResolvedKind, obj: MockObject, dryRun: boolean | undefined): void {
    if (!kind.namespaced) return;
    const ns = obj.metadata.namespace!;
    const nsKind = this.#kinds.get(kindKey('', 'Namespace'));
    let found = nsKind && this.#bucket(nsKind).get(objectKey(undefined, ns));
    if (!found && nsKind && this.#autoCreateNamespaces && !dryRun) {
      this.#create(nsKind, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, {}, DEFAULT_FIELD_MANAGER);
      found = this.#bucket(nsKind).get(objectKey(undefined, ns));
    }
    if (!found && !(this.#autoCreateNamespaces && dryRun))
      throw new ApiStatusError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    if (found?.metadata.deletionTimestamp) {
      throw new ApiStatusError(
        403,
        'Forbidden',
        `${resourceName(kind)} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name: obj.metadata.name, kind: kind.plural },
      );
    }
  }

  #create(kind: ResolvedKind, input: MockObject, options: WriteOptions, manager: string | 'tracked'): WriteResult {
    let obj = normalizeSecret(kind, input);
    obj.apiVersion = kind.apiVersion;
    obj.kind = kind.kind;
    if (kind.statusSubresource && !isNamespace(kind)) delete obj.status;
    if (!kind.namespaced) delete obj.metadata.namespace;
    for (const k of IDENTITY) if (k !== 'managedFields' || manager !== 'tracked') delete obj.metadata[k];
    if (isNamespace(kind)) obj = namespaceDefaults(obj);
    this.#checkNamespace(kind, obj, options.dryRun);
    const admitted = this.#admit(kind, obj, undefined, options);
    obj = admitted.object;
    if (manager !== 'tracked') trackUpdate(undefined, obj, { manager, apiVersion: writtenAtVersion(kind, options), schema: objectSchema(kind) });
    obj.metadata.uid = randomUUID();
    if (kind.generation) obj.metadata.generation = 1;
    obj.metadata.creationTimestamp = nowSeconds();
    // A dry run writes nothing, so it hands out no resourceVersion.
    if (options.dryRun) return { object: clone(obj), created: true, changed: true, warnings: admitted.warnings };
    obj.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#put(kind, objectKey(obj.metadata.namespace, obj.metadata.name), obj, undefined);
    this.#record(changeEvent({ type: 'ADDED', kind, resourceVersion: this.#resourceVersion }, obj));
    return writeResult({ created: true, changed: true, warnings: admitted.warnings }, obj);
  }

  #update(kind: ResolvedKind, existing: MockObject, candidate: MockObject, options: WriteOptions, manager: string | 'tracked'): WriteResult {
    let next = candidate;
    if (options.subresource === 'status') {
      // Shallow: stored objects are never changed, and what is changed below is the copy's top level and metadata.
      next = { ...existing, metadata: { ...existing.metadata }, status: clone(candidate.status) };
      if (candidate.metadata.managedFields !== undefined && candidate.metadata.managedFields !== existing.metadata.managedFields)
        next.metadata.managedFields = clone(candidate.metadata.managedFields);
      if (next.status === undefined) delete next.status;
    } else if (kind.statusSubresource) {
      if (existing.status === undefined) delete next.status;
      else next.status = clone(existing.status);
    }
    normalizeSecret(kind, next);
    next.apiVersion = kind.apiVersion;
    next.kind = kind.kind;
    next.metadata = { ...next.metadata, name: existing.metadata.name, ...(kind.namespaced ? { namespace: existing.metadata.namespace } : {}) };
    for (const k of IDENTITY) {
      if (k === 'managedFields') continue;
      if (existing.metadata[k] === undefined) delete next.metadata[k];
      else next.metadata[k] = existing.metadata[k];
    }
    const admitted = this.#admit(kind, next, existing, options);
    next = admitted.object;
    if (manager !== 'tracked')
      trackUpdate(existing, next, {
        manager,
        apiVersion: writtenAtVersion(kind, options),
        schema: objectSchema(kind),
        ...(options.subresource ? { subresource: options.subresource } : {}),
      });
    if (jsonEqual(existing, next)) return writeResult({ created: false, changed: false, warnings: admitted.warnings }, existing);
    if (kind.generation && !jsonEqual(specOf(existing), specOf(next))) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    // A dry run writes nothing: the answer keeps the stored resourceVersion.
    if (options.dryRun) return { object: clone(next), created: false, changed: true, warnings: admitted.warnings };
    next.metadata.resourceVersion = String(++this.#resourceVersion);
    const result = writeResult({ created: false, changed: true, warnings: admitted.warnings }, next);
    const key = objectKey(next.metadata.namespace, next.metadata.name);
    if (next.metadata.deletionTimestamp && !hasFinalizers(next)) {
      this.#remove(kind, key, existing);
      this.#record(changeEvent({ type: 'DELETED', previous: existing, kind, resourceVersion: this.#resourceVersion }, next));
      return result;
    }
    this.#put(kind, key, next, existing);
    this.#record(changeEvent({ type: 'MODIFIED', previous: existing, kind, resourceVersion: this.#resourceVersion }, next));
    return result;
  }

  #put(kind: ResolvedKind, key: string, object: MockObject, previous: MockObject | undefined): void {
    this.#bucket(kind).set(key, object);
    this.#index.put({ kindKey: kindKey(kind.group, kind.kind), objectKey: key }, object, previous);
  }

  #remove(kind: ResolvedKind, key: string, object: MockObject): void {
    this.#bucket(kind).delete(key);
    this.#index.remove(object);
  }

  #record(event: StoreEvent): void {
    const key = kindKey(event.kind.group, event.kind.kind);
    let h = this.#history.get(key);
    if (!h) {
      h = new EventHistory(this.historyLimit);
      this.#history.set(key, h);
    }
    h.push(event);
    this.#pending.push(event);
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      for (let e = this.#pending.shift(); e; e = this.#pending.shift()) {
        this.emitter.emit('change', e);
        this.emitter.emit(e.type.toLowerCase(), e);
        const watchers = this.#watchers.get(kindKey(e.kind.group, e.kind.kind));
        if (watchers) for (const w of [...watchers]) w(e);
      }
    } finally {
      this.#emitting = false;
    }
  }
}

/** A write's result as a view shows it. */
function viewed(view: KindView, result: WriteResult): WriteResult {
  return { ...result, object: view.toView(result.object) };
}

/** `acid.zalan.do/v1` → `['acid.zalan.do', 'v1']`; `v1` → `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** `postgresqls.acid.zalan.do` or `secrets`: how the API server names a resource in messages. */
export function resourceName(kind: ResolvedKind): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

function isNamespace(kind: ResolvedKind): boolean {
  return kind.group === '' && kind.kind === 'Namespace';
}

/** A Namespace as the API server creates it: the `kubernetes` finalizer and phase Active. */
function namespaceDefaults(obj: MockObject): MockObject {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  return { ...obj, spec: { ...spec, finalizers: Array.isArray(spec.finalizers) ? spec.finalizers : ['kubernetes'] }, status: { phase: 'Active' } };
}

function hasFinalizers(o: MockObject): boolean {
  if (o.metadata.finalizers?.length) return true;
  const spec = o.spec as { finalizers?: unknown[] } | undefined;
  return o.kind === 'Namespace' && o.apiVersion === 'v1' && Array.isArray(spec?.finalizers) && spec.finalizers.length > 0;
}

/** The applied configuration as server-side apply merges it: only `status` for the status subresource, no `status` otherwise (with a subresource). */
function applyConfig(kind: ResolvedKind, input: MockObject, subresource: 'status' | undefined): MockObject {
  // Shallow: everything below the top level and metadata is still the caller's, and is copied where it is merged in.
  const config: MockObject = { ...input, metadata: { ...input.metadata } };
  config.apiVersion = kind.apiVersion;
  config.kind = kind.kind;
  for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields']) delete config.metadata[k];
  if (subresource === 'status')
    return {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name: config.metadata.name, ...(config.metadata.namespace ? { namespace: config.metadata.namespace } : {}) },
      status: config.status ?? {},
    };
  if (kind.statusSubresource) delete config.status;
  return config;
}

function withoutIdentity(metadata: MockObject['metadata']): Record<string, unknown> {
  const out: Record<string, unknown> = { ...metadata };
  for (const k of [...IDENTITY, 'name', 'namespace']) delete out[k];
  return out;
}

function notFound(kind: ResolvedKind, name: string): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${resourceName(kind)} "${name}" not found`, { name, group: kind.group, kind: kind.plural });
}

function modifiedConflict(kind: ResolvedKind, name: string): ApiStatusError {
  return new ApiStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resourceName(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: kind.group, kind: kind.plural },
  );
}

function specOf(o: MockObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

function resolveKind(spec: KindSpec, origin: { crd?: LoadedCrd; builtin?: boolean }): ResolvedKind {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(spec.plural)) throw new TypeError(`kind ${spec.kind}: plural '${spec.plural}' must be lower-case`);
  return {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    plural: spec.plural,
    namespaced: spec.namespaced,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    statusSubresource: spec.statusSubresource ?? true,
    generation: spec.generation ?? !origin.builtin,
    printerColumns: spec.printerColumns ?? [],
    apiVersion: spec.group ? `${spec.group}/${spec.version}` : spec.version,
    builtin: origin.builtin ?? false,
    ...(spec.schema ? { schema: spec.schema } : {}),
    ...(spec.validate ? { validate: spec.validate } : {}),
    ...(origin.crd ? { crd: origin.crd } : {}),
  };
}
