import { StoreError } from '../errors';
import type { Store } from '../store/types';
import { every } from '../util/clock';
import type { OrchestratorSettings } from './settings';
import type { ReportError, Work } from './work';

/**
 * Keeps the leases of the work in flight: records each confirmation (claim or
 * heartbeat), arms a watchdog that aborts a run whose lease could lapse
 * unconfirmed, extends every held lease on a heartbeat, and aborts the run of
 * a lease another replica took.
 */
export class LeaseKeeper {
  readonly #settings: OrchestratorSettings;
  readonly #store: Store;
  readonly #inflight: ReadonlyMap<string, Work>;
  readonly #report: ReportError;
  #stopHeartbeat: (() => void) | undefined;
  #heartbeating = false;

  constructor(settings: OrchestratorSettings, store: Store, inflight: ReadonlyMap<string, Work>, report: ReportError) {
    this.#settings = settings;
    this.#store = store;
    this.#inflight = inflight;
    this.#report = report;
  }

  /** Records that the lease on `work` was held at `at` and re-arms its watchdog. */
  confirm(work: Work, at: number): void {
    if (work.abortReason) return;
    const { clock, leaseMs, leaseMarginMs } = this.#settings;
    work.confirmedAt = Math.max(work.confirmedAt, at);
    clock.clearTimeout(work.watchdog);
    work.watchdog = clock.setTimeout(
      () => {
        this.lose(work, `lease not confirmed within ${leaseMs - leaseMarginMs} ms; aborting the run so another replica can resume it`);
      },
      Math.max(0, work.confirmedAt + leaseMs - leaseMarginMs - clock.now()),
    );
  }

  /** Aborts the run of `work` because its lease is (or may be) another replica's now. */
  lose(work: Work, message = 'lease lost; aborting the run so the new owner can resume it'): void {
    if (work.abortReason) return;
    work.abortReason = 'lease lost';
    this.#settings.clock.clearTimeout(work.watchdog);
    this.#settings.logger.warn(message, { owner: this.#settings.owner, resourceId: work.resourceId });
    work.controller.abort(new StoreError('LEASE_LOST', `lease on resource '${work.resourceId}' was lost`));
  }

  /** Stops watching `work` (it ended). */
  forget(work: Work): void {
    this.#settings.clock.clearTimeout(work.watchdog);
  }

  /** Starts extending the held leases every `heartbeatMs`. */
  start(): void {
    this.#stopHeartbeat ??= every(this.#settings.clock, this.#settings.heartbeatMs, () => void this.heartbeat());
  }

  stop(): void {
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = undefined;
  }

  /** Extends every lease in flight once; a lease the store no longer gives us aborts its run. */
  async heartbeat(): Promise<void> {
    const ids = [...this.#inflight.keys()];
    if (ids.length === 0 || this.#heartbeating) return;
    this.#heartbeating = true;
    const { clock, owner, leaseMs, heartbeatTimeoutMs } = this.#settings;
    const asked = clock.now();
    let timeout: ReturnType<typeof clock.setTimeout> | undefined;
    try {
      const held = new Set(
        await Promise.race([
          this.#store.heartbeat(owner, ids, leaseMs),
          new Promise<never>((_, reject) => {
            timeout = clock.setTimeout(
              () => reject(new StoreError('STORE_UNAVAILABLE', `no answer within ${heartbeatTimeoutMs} ms`, { retryable: true })),
              heartbeatTimeoutMs,
            );
          }),
        ]),
      );
      for (const id of ids) {
        const work = this.#inflight.get(id);
        if (!work) continue;
        if (held.has(id)) this.confirm(work, asked);
        else this.lose(work);
      }
    } catch (error) {
      // The watchdogs abort runs whose leases stay unconfirmed.
      this.#report('extending leases failed', error);
    } finally {
      clock.clearTimeout(timeout);
      this.#heartbeating = false;
    }
  }
}
