import type { LeaseFence } from '../journal/types';
import type { ClockTimer } from '../util/clock';

/** One operation this replica is serving: the resource, its run and the state of its lease. */
export interface Work {
  resourceId: string;
  application: string;
  name: string;
  runId?: string;
  /** Carried by every write of the run; its epoch moves to a renewed claim's (see `ResourceServer.take`). */
  fence: LeaseFence;
  controller: AbortController;
  /** Why the run is being aborted; the resource then keeps its state and its run is resumed later. */
  abortReason?: 'stop' | 'lease lost';
  /** When the lease was last known to be held (claim or heartbeat), epoch ms: the time the store was asked, not when it answered. */
  confirmedAt: number;
  /** Aborts the run when the lease is not confirmed again before it could have lapsed. */
  watchdog?: ClockTimer;
  /** A claim handed the resource back while this work ran (or was finishing): the lease is given up again when it ends. */
  renewed?: boolean;
  done: Promise<void>;
}

/** Reports a failure of the orchestrator itself (store unreachable, a bug): logged and emitted, never thrown. */
export type ReportError = (message: string, error?: unknown) => void;
