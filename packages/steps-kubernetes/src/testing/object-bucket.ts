import type { MockObject } from './types';

const NONE: ReadonlyMap<string, MockObject> = new Map();

/**
 * The stored objects of one kind by `namespace/name`, also kept by
 * namespace, as etcd keys them (`/registry/<resource>/<namespace>/<name>`):
 * listing one namespace reads only its objects, however many the other
 * namespaces hold.
 */
export class ObjectBucket extends Map<string, MockObject> {
  readonly #byNamespace = new Map<string, Map<string, MockObject>>();

  /** An empty bucket (Map's constructor would call {@link set} before the index exists). */
  constructor() {
    super();
  }

  override set(key: string, object: MockObject): this {
    const before = super.get(key);
    const namespace = object.metadata.namespace ?? '';
    if (before && (before.metadata.namespace ?? '') !== namespace) this.#unindex(key, before);
    let objects = this.#byNamespace.get(namespace);
    if (!objects) {
      objects = new Map();
      this.#byNamespace.set(namespace, objects);
    }
    objects.set(key, object);
    return super.set(key, object);
  }

  override delete(key: string): boolean {
    const before = super.get(key);
    if (!before) return false;
    this.#unindex(key, before);
    return super.delete(key);
  }

  override clear(): void {
    this.#byNamespace.clear();
    super.clear();
  }

  /** The objects of one namespace (`''`: of none, a cluster-scoped kind's), by key. */
  inNamespace(namespace: string): ReadonlyMap<string, MockObject> {
    return this.#byNamespace.get(namespace) ?? NONE;
  }

  #unindex(key: string, object: MockObject): void {
    const namespace = object.metadata.namespace ?? '';
    const objects = this.#byNamespace.get(namespace);
    if (!objects) return;
    objects.delete(key);
    if (objects.size === 0) this.#byNamespace.delete(namespace);
  }
}
