import type { ResourcePatch, ResourceRecord, ResourceState, Store } from '../store/types';
import { transition } from './lifecycle';
import type { ResourceTransitionEvent } from './types';

/** Moves resources through the lifecycle and announces every move as a `resource:transition` event. */
export class Transitions {
  readonly #store: Pick<Store, 'transition'>;
  readonly #emit: (e: ResourceTransitionEvent) => void;

  /** `emit` publishes each move (the orchestrator's `resource:transition` event, or a transaction's buffer until it commits). */
  constructor(store: Pick<Store, 'transition'>, emit: (e: ResourceTransitionEvent) => void) {
    this.#store = store;
    this.#emit = emit;
  }

  /** Emits the `resource:transition` event of a move already stored (`from` undefined for a new resource). */
  announce(r: ResourceRecord, from: ResourceState | undefined, reason: string): void {
    this.#emit({
      resourceId: r.id,
      application: r.application,
      name: r.name,
      type: r.type,
      ...(from ? { from } : {}),
      to: r.state,
      reason,
      at: r.updatedAt,
      ...(r.state === 'failed' && r.error ? { error: r.error } : {}),
    });
  }

  /** Moves `id` from `from` to `to` (see `transition`) and announces it; `undefined` when it was no longer in `from`. */
  async move(
    id: string,
    from: ResourceState,
    to: ResourceState,
    reason: string,
    extra: { owner?: string; epoch?: number; set?: ResourcePatch } = {},
  ): Promise<ResourceRecord | undefined> {
    const moved = await transition(this.#store, id, { from, to, reason, ...extra });
    if (moved) this.announce(moved, from, reason);
    return moved;
  }
}
