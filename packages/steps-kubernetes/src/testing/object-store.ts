import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ApiStatusError } from './api-status';
import { clone, isPlainObject, jsonEqual, mergeInto } from './merge';
import type { KindSpec, MockObject, ResolvedKind, StoreEvent } from './types';

/** How many past events a watch can resume from before it gets `410 Gone`. */
export const DEFAULT_HISTORY_LIMIT = 10_000;
/** Largest object the store accepts (bytes of JSON), like etcd's request limit. */
export const MAX_OBJECT_BYTES = 1_500_000;

/** Selects objects in {@link ObjectStore.list}. */
export interface ListFilter {
  namespace?: string;
  /** `key=value` pairs, comma separated (`=`, `==` and `!=` are understood). */
  labelSelector?: string;
  /** `metadata.name=x` and `metadata.namespace=y` are understood. */
  fieldSelector?: string;
}

/** What {@link ObjectStore.apply} did. */
export interface WriteResult {
  object: MockObject;
  created: boolean;
  changed: boolean;
}

const kindKey = (group: string, kind: string) => `${group}|${kind.toLowerCase()}`;
const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

/**
 * The mock cluster's storage: registered kinds, objects with uid,
 * resourceVersion (one global counter) and generation, an event history for
 * resumable watches, and change events for simulators.
 */
export class ObjectStore {
  readonly #kinds = new Map<string, ResolvedKind>();
  readonly #objects = new Map<string, Map<string, MockObject>>();
  #history: StoreEvent[] = [];
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

  constructor(options: { historyLimit?: number } = {}) {
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.emitter.setMaxListeners(0);
  }

  /** The newest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  /** Serves a kind (like installing a CRD); registering it again with the same version replaces its options. */
  registerKind(spec: KindSpec): ResolvedKind {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(spec.plural)) throw new TypeError(`kind ${spec.kind}: plural '${spec.plural}' must be lower-case`);
    const resolved: ResolvedKind = {
      group: spec.group,
      version: spec.version,
      kind: spec.kind,
      plural: spec.plural,
      namespaced: spec.namespaced,
      singular: spec.singular ?? spec.kind.toLowerCase(),
      shortNames: spec.shortNames ?? [],
      statusSubresource: spec.statusSubresource ?? true,
      apiVersion: spec.group ? `${spec.group}/${spec.version}` : spec.version,
      ...(spec.validate ? { validate: spec.validate } : {}),
    };
    const key = kindKey(spec.group, spec.kind);
    const existing = this.#kinds.get(key);
    if (existing && existing.version !== spec.version) {
      throw new TypeError(`kind ${spec.kind} of group '${spec.group}' is already registered with version ${existing.version}`);
    }
    this.#kinds.set(key, resolved);
    if (!this.#objects.has(key)) this.#objects.set(key, new Map());
    return resolved;
  }

  /** Every kind served. */
  kinds(): ResolvedKind[] {
    return [...this.#kinds.values()];
  }

  /** The kind for an apiVersion + kind, or undefined. */
  findKind(apiVersion: string, kind: string): ResolvedKind | undefined {
    const [group, version] = splitApiVersion(apiVersion);
    const k = this.#kinds.get(kindKey(group, kind));
    return k && k.version === version ? k : undefined;
  }

  /** The kind for an apiVersion + kind; 404 when the cluster does not serve it. */
  requireKind(apiVersion: string, kind: string): ResolvedKind {
    const k = this.findKind(apiVersion, kind);
    if (!k) throw new ApiStatusError(404, 'NotFound', `the server could not find the requested resource (kind ${kind} in ${apiVersion})`);
    return k;
  }

  /** The kind served at `/apis/<group>/<version>/<plural>`. */
  kindByPlural(group: string, version: string, plural: string): ResolvedKind | undefined {
    for (const k of this.#kinds.values()) if (k.group === group && k.version === version && k.plural === plural) return k;
    return undefined;
  }

  /** A copy of the object, or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(kind: ResolvedKind, namespace: string | undefined, name: string): MockObject | undefined {
    const o = this.#bucket(kind).get(objectKey(kind.namespaced ? namespace : undefined, name));
    return o ? clone(o) : undefined;
  }

  /** Like {@link get} but 404 when missing, with the API server's message. */
  require(kind: ResolvedKind, namespace: string | undefined, name: string): MockObject {
    const o = this.get(kind, namespace, name);
    if (!o) throw notFound(kind, name);
    return o;
  }

  /** Copies of the objects of a kind, sorted by namespace and name. */
  list(kind: ResolvedKind, filter: ListFilter = {}): MockObject[] {
    const out: MockObject[] = [];
    for (const o of this.#bucket(kind).values()) {
      if (kind.namespaced && filter.namespace && o.metadata.namespace !== filter.namespace) continue;
      if (this.matches(o, filter)) out.push(clone(o));
    }
    return out.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
  }

  /** True when an object meets the label and field selectors of a filter. */
  matches(o: MockObject, filter: ListFilter): boolean {
    const labels = parseSelector(filter.labelSelector);
    const fields = parseSelector(filter.fieldSelector);
    return labels.every((s) => s.test(o.metadata.labels?.[s.key])) && fields.every((s) => s.test(fieldValue(o, s.key)));
  }

  /**
   * Server-side apply without field ownership: creates the object or merges
   * the applied fields into it. With a status subresource, `status` in the
   * applied object is ignored. Nothing changes (same resourceVersion) when
   * the merge gives the stored object back.
   */
  apply(kind: ResolvedKind, input: MockObject, options: { subresource?: 'status' } = {}): WriteResult {
    const { namespace, name } = this.#identify(kind, input);
    const existing = this.#bucket(kind).get(objectKey(namespace, name));
    if (!existing) {
      if (options.subresource) throw notFound(kind, name);
      return { object: this.#create(kind, input), created: true, changed: true };
    }
    let patch = clone(input) as Record<string, unknown>;
    if (options.subresource === 'status') patch = { status: patch.status ?? {} };
    else if (kind.statusSubresource) delete patch.status;
    delete patch.apiVersion;
    delete patch.kind;
    const meta = isPlainObject(patch.metadata) ? { ...patch.metadata } : {};
    for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields', 'name', 'namespace']) delete meta[k];
    patch.metadata = meta;
    const merged = mergeInto(existing as Record<string, unknown>, patch) as MockObject;
    return this.#update(kind, existing, merged);
  }

  /** Creates; 409 AlreadyExists when present. */
  create(kind: ResolvedKind, input: MockObject): MockObject {
    const { namespace, name } = this.#identify(kind, input);
    if (this.#bucket(kind).has(objectKey(namespace, name))) {
      throw new ApiStatusError(409, 'AlreadyExists', `${kind.plural}${kind.group ? `.${kind.group}` : ''} "${name}" already exists`, { name, kind: kind.plural });
    }
    return this.#create(kind, input);
  }

  /** Replaces the object (PUT); a stale `metadata.resourceVersion` answers 409 Conflict. */
  replace(kind: ResolvedKind, input: MockObject, options: { subresource?: 'status' } = {}): WriteResult {
    const { namespace, name } = this.#identify(kind, input);
    const existing = this.#bucket(kind).get(objectKey(namespace, name));
    if (!existing) {
      if (options.subresource) throw notFound(kind, name);
      return { object: this.#create(kind, input), created: true, changed: true };
    }
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw new ApiStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${kind.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let next: MockObject;
    if (options.subresource === 'status') next = { ...clone(existing), status: clone(input.status) };
    else {
      next = { ...clone(input), metadata: { ...clone(input.metadata), uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp } };
      if (kind.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
    }
    return this.#update(kind, existing, next);
  }

  /** JSON merge patch (also used for strategic merge patches, which the mock treats alike). */
  mergePatch(kind: ResolvedKind, namespace: string | undefined, name: string, patch: Record<string, unknown>, options: { subresource?: 'status' } = {}): WriteResult {
    const existing = this.#bucket(kind).get(objectKey(kind.namespaced ? namespace : undefined, name));
    if (!existing) throw notFound(kind, name);
    let p = clone(patch);
    if (options.subresource === 'status') p = { status: p.status ?? null };
    else if (kind.statusSubresource) delete p.status;
    if (isPlainObject(p.metadata)) for (const k of ['uid', 'name', 'namespace', 'creationTimestamp', 'generation']) delete p.metadata[k];
    const merged = mergeInto(existing as Record<string, unknown>, p) as MockObject;
    return this.#update(kind, existing, merged);
  }

  /** Sets `.status` directly (what an operator does). */
  setStatus(kind: ResolvedKind, namespace: string | undefined, name: string, status: unknown): MockObject {
    const existing = this.#bucket(kind).get(objectKey(kind.namespaced ? namespace : undefined, name));
    if (!existing) throw notFound(kind, name);
    const next = { ...clone(existing), status: clone(status) } as MockObject;
    return this.#update(kind, existing, next).object;
  }

  /**
   * Deletes. An object with finalizers only gets a deletionTimestamp and goes
   * when its finalizers are removed; `immediate` ignores finalizers.
   */
  delete(kind: ResolvedKind, namespace: string | undefined, name: string, options: { immediate?: boolean } = {}): MockObject {
    const key = objectKey(kind.namespaced ? namespace : undefined, name);
    const existing = this.#bucket(kind).get(key);
    if (!existing) throw notFound(kind, name);
    if (!options.immediate && existing.metadata.finalizers?.length) {
      if (existing.metadata.deletionTimestamp) return clone(existing);
      const next = clone(existing);
      next.metadata.deletionTimestamp = new Date().toISOString();
      return this.#update(kind, existing, next).object;
    }
    this.#bucket(kind).delete(key);
    const gone = clone(existing);
    gone.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#record({ type: 'DELETED', object: gone, previous: clone(existing), kind, resourceVersion: this.#resourceVersion });
    return clone(gone);
  }

  /**
   * The events after `resourceVersion` for a kind, or `'gone'` when the
   * history no longer reaches back that far (the watch must re-list).
   */
  eventsSince(kind: ResolvedKind, resourceVersion: number): StoreEvent[] | 'gone' {
    if (resourceVersion < this.#compactedThrough) return 'gone';
    return this.#history.filter((e) => e.kind === kind && e.resourceVersion > resourceVersion);
  }

  /** Forgets the event history, so every resumed watch answers `410 Gone`. */
  compact(): void {
    this.#history = [];
    this.#compactedThrough = this.#resourceVersion;
  }

  #bucket(kind: ResolvedKind): Map<string, MockObject> {
    let b = this.#objects.get(kindKey(kind.group, kind.kind));
    if (!b) this.#objects.set(kindKey(kind.group, kind.kind), (b = new Map()));
    return b;
  }

  #identify(kind: ResolvedKind, input: MockObject): { namespace: string | undefined; name: string } {
    if (!isPlainObject(input) || !isPlainObject(input.metadata)) throw new ApiStatusError(400, 'BadRequest', 'object has no metadata');
    const name = input.metadata.name;
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw new ApiStatusError(422, 'Invalid', `${kind.kind} "${String(name)}" is invalid: metadata.name: Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`);
    }
    const namespace = kind.namespaced ? input.metadata.namespace : undefined;
    if (kind.namespaced && !namespace) throw new ApiStatusError(400, 'BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
    return { namespace, name };
  }

  #validate(kind: ResolvedKind, object: MockObject): void {
    const bytes = JSON.stringify(object).length;
    if (bytes > MAX_OBJECT_BYTES) throw new ApiStatusError(413, 'RequestEntityTooLarge', `object is ${bytes} bytes; the limit is ${MAX_OBJECT_BYTES}`);
    const problems = kind.validate?.(object) ?? [];
    if (problems.length) {
      throw new ApiStatusError(422, 'Invalid', `${kind.kind}.${kind.group || 'core'} "${object.metadata.name}" is invalid: ${problems.join(', ')}`, {
        name: object.metadata.name, kind: kind.kind, causes: problems.map((p) => ({ reason: 'FieldValueInvalid', message: p })),
      });
    }
  }

  #create(kind: ResolvedKind, input: MockObject): MockObject {
    const obj = normalizeSecret(kind, clone(input));
    obj.apiVersion = kind.apiVersion;
    obj.kind = kind.kind;
    if (kind.statusSubresource) delete obj.status;
    if (!kind.namespaced) delete obj.metadata.namespace;
    for (const k of ['managedFields', 'deletionTimestamp']) delete obj.metadata[k];
    this.#validate(kind, obj);
    obj.metadata.uid = randomUUID();
    obj.metadata.generation = 1;
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    obj.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#bucket(kind).set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
    this.#record({ type: 'ADDED', object: clone(obj), kind, resourceVersion: this.#resourceVersion });
    return clone(obj);
  }

  #update(kind: ResolvedKind, existing: MockObject, next: MockObject): WriteResult {
    normalizeSecret(kind, next);
    next.apiVersion = kind.apiVersion;
    next.kind = kind.kind;
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    next.metadata.generation = existing.metadata.generation;
    if (jsonEqual(existing, next)) return { object: clone(existing), created: false, changed: false };
    this.#validate(kind, next);
    if (!jsonEqual(specOf(existing), specOf(next))) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(++this.#resourceVersion);
    const key = objectKey(next.metadata.namespace, next.metadata.name);
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
      this.#bucket(kind).delete(key);
      this.#record({ type: 'DELETED', object: clone(next), previous: clone(existing), kind, resourceVersion: this.#resourceVersion });
      return { object: clone(next), created: false, changed: true };
    }
    this.#bucket(kind).set(key, next);
    this.#record({ type: 'MODIFIED', object: clone(next), previous: clone(existing), kind, resourceVersion: this.#resourceVersion });
    return { object: clone(next), created: false, changed: true };
  }

  #record(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.historyLimit) {
      const dropped = this.#history.splice(0, this.#history.length - this.historyLimit);
      this.#compactedThrough = dropped[dropped.length - 1]!.resourceVersion;
    }
    this.#pending.push(event);
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      for (let e = this.#pending.shift(); e; e = this.#pending.shift()) {
        this.emitter.emit('change', e);
        this.emitter.emit(e.type.toLowerCase(), e);
      }
    } finally {
      this.#emitting = false;
    }
  }
}

/** `acid.zalan.do/v1` → `['acid.zalan.do', 'v1']`; `v1` → `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** Like the API server: a Secret's write-only `stringData` is base64-encoded into `data`. */
function normalizeSecret(kind: ResolvedKind, obj: MockObject): MockObject {
  if (kind.group !== '' || kind.kind !== 'Secret' || !isPlainObject(obj.stringData)) return obj;
  const data = isPlainObject(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  obj.data = data;
  delete obj.stringData;
  return obj;
}

function notFound(kind: ResolvedKind, name: string): ApiStatusError {
  const resource = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
  return new ApiStatusError(404, 'NotFound', `${resource} "${name}" not found`, { name, group: kind.group, kind: kind.plural });
}

function specOf(o: MockObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

function fieldValue(o: MockObject, key: string): string | undefined {
  if (key === 'metadata.name') return o.metadata.name;
  if (key === 'metadata.namespace') return o.metadata.namespace;
  return undefined;
}

interface SelectorTerm {
  key: string;
  test(value: string | undefined): boolean;
}

function parseSelector(selector: string | undefined): SelectorTerm[] {
  if (!selector) return [];
  return selector.split(',').filter(Boolean).map((term) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*([^\s]*)\s*$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return { key: key!, test: (v) => (op === '!=' ? v !== value : v === value) };
    }
    const exists = /^\s*(!?)([^!=\s]+)\s*$/.exec(term);
    if (exists) return { key: exists[2]!, test: (v) => (exists[1] ? v === undefined : v !== undefined) };
    throw new ApiStatusError(400, 'BadRequest', `unable to parse requirement: '${term}'`);
  });
}
