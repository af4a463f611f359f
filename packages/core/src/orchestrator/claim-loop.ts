import type { ResourceRecord, Store } from '../store/types';
import { every, type ClockTimer } from '../util/clock';
import type { OrchestratorSettings } from './settings';
import type { ReportError } from './work';

/** How often a claim holding back for the foreground asks whether it is still busy. */
const FOREGROUND_CHECK_MS = 5;

/**
 * Claims work from the store while there is room: woken at once by a
 * request (`kick`), by the store (another replica's request), by a retry
 * timer (`wakeAfter`) or by the safety-net poll. One pump runs at a time; a
 * wake-up during it makes it go round once more. Each round first waits for
 * the foreground (if any) to be quiet, up to its longest wait; a wait that
 * ran out with the foreground still busy gives the runs a turn as long
 * (rounds in it claim without waiting), so a foreground that never goes
 * quiet holds new work back at most half of the time.
 */
export class ClaimLoop {
  readonly #settings: OrchestratorSettings;
  readonly #store: Store;
  /** How many operations run now. */
  readonly #load: () => number;
  /** Takes a claimed resource; `askedAt` is when the store was asked (the lease holds from then). */
  readonly #take: (r: ResourceRecord, askedAt: number) => void;
  readonly #report: ReportError;
  readonly #timers = new Set<ClockTimer>();
  /** Ends the waits for the foreground under way (`stop` ends them at once). */
  readonly #foregroundWaits = new Set<() => void>();
  /** Until when (clock time) claims do not hold back: the runs' turn after a wait that ran out. */
  #turnUntil = Number.NEGATIVE_INFINITY;
  #running = false;
  #pumping = false;
  #pumpAgain = false;
  #stopPoll?: () => void;
  #unsubscribe?: () => void;

  constructor(settings: OrchestratorSettings, store: Store, load: () => number, take: (r: ResourceRecord, askedAt: number) => void, report: ReportError) {
    this.#settings = settings;
    this.#store = store;
    this.#load = load;
    this.#take = take;
    this.#report = report;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts claiming once `ready` has settled (e.g. the leases of this owner's previous life are released). */
  start(ready: Promise<unknown> = Promise.resolve()): void {
    this.#running = true;
    void ready.finally(() => {
      if (!this.#running) return;
      this.#unsubscribe = this.#store.onWork(this.kick);
      this.#stopPoll = every(this.#settings.clock, this.#settings.pollIntervalMs, this.kick);
      this.kick();
    });
  }

  /** Stops claiming: no wake-up, poll or retry timer claims again; a restart holds back for the foreground afresh. */
  stop(): void {
    this.#running = false;
    this.#turnUntil = Number.NEGATIVE_INFINITY;
    this.#unsubscribe?.();
    this.#stopPoll?.();
    for (const t of this.#timers) this.#settings.clock.clearTimeout(t);
    this.#timers.clear();
    for (const end of [...this.#foregroundWaits]) end();
  }

  /** Claims now (or once more, when a claim is under way). */
  readonly kick = (): void => {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    void this.#pump();
  };

  /** Claims again after `delayMs`: a resource waiting for its next try becomes claimable then. */
  wakeAfter(delayMs: number): void {
    const { clock } = this.#settings;
    const due = clock.now() + delayMs;
    // Node's timers count from the event loop's cached time, which can lag the clock by a few ms: a
    // timer may fire before `due` by the clock the store compares `nextAttemptAt` with. Claiming
    // then finds nothing and only the poll (seconds later) would claim again, so wait out the rest.
    const arm = (ms: number) => {
      const timer = clock.setTimeout(() => {
        this.#timers.delete(timer);
        const left = due - clock.now();
        if (left > 0) arm(left);
        else this.kick();
      }, ms);
      this.#timers.add(timer);
    };
    arm(delayMs);
  }

  async #pump(): Promise<void> {
    const { concurrency, batchSize, owner, leaseMs, clock } = this.#settings;
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        await this.#yieldToForeground();
        while (this.#running && this.#load() < concurrency) {
          const want = Math.min(batchSize, concurrency - this.#load());
          const asked = clock.now();
          const batch = await this.#store.claim(owner, want, leaseMs);
          for (const r of batch) this.#take(r, asked);
          if (batch.length < want) break;
        }
      } while (this.#pumpAgain && this.#running && this.#load() < concurrency);
    } catch (error) {
      this.#report('claiming work failed', error);
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * Waits while the foreground is busy, at most its longest wait (on the
   * clock: a fake one in tests moves it), except in the runs' turn that
   * follows a wait that ran out.
   */
  async #yieldToForeground(): Promise<void> {
    const { foreground, clock } = this.#settings;
    if (!foreground || !foreground.busy() || clock.now() < this.#turnUntil) return;
    const until = clock.now() + foreground.maxWaitMs;
    while (this.#running && foreground.busy() && clock.now() < until) {
      await new Promise<void>((resolve) => {
        const end = () => {
          this.#foregroundWaits.delete(end);
          clock.clearTimeout(timer);
          resolve();
        };
        const timer = clock.setTimeout(end, Math.min(FOREGROUND_CHECK_MS, until - clock.now()));
        this.#foregroundWaits.add(end);
      });
    }
    if (this.#running && foreground.busy()) this.#turnUntil = clock.now() + foreground.maxWaitMs;
  }
}
