/** A dependency `/ready` checks: it resolves when the dependency answers and rejects when it does not. */
export interface ReadinessProbe {
  /** Shown in `/ready`'s `checks` (e.g. `kubernetes`). */
  name: string;
  check(signal: AbortSignal): Promise<void>;
}

/** How long one probe may take before it counts as unavailable. */
export const PROBE_TIMEOUT_MS = 3000;
