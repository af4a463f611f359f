import type { StepContext, StepProgress } from '../steps/define-step';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { StepRun } from './step-runner';
import type { StepStop } from './step-stop';

/**
 * The {@link StepContext} of one try of a step. `signal` and `logger` are
 * own enumerable accessors (the signal and the logger are made when the step
 * first reads them), so a step that copies its context (`{ ...ctx, progress }`)
 * keeps them; the rest are own properties, `progress` and `remainingMs`
 * functions that need no `this`. V8 keeps an object literal with getters as
 * a dictionary: that was ~1.2 KiB per step run for as long as the step ran.
 * Accessors defined from one shared descriptor map keep the instance's fast
 * properties (~0.3 KiB).
 */
export class TryContext implements StepContext {
  readonly idempotencyKey: string;
  readonly runId: string;
  readonly stepName: string;
  readonly attempt: number;
  readonly clock: Clock;
  readonly remember: StepContext['remember'];
  readonly progress: (update: StepProgress | string) => void;
  readonly remainingMs: () => number;
  declare readonly signal: AbortSignal;
  declare readonly logger: Logger;
  readonly #stop: StepStop;
  readonly #r: StepRun;

  /** The accessors every instance gets, shared: their functions read the instance they are called on. */
  static readonly #accessors: PropertyDescriptorMap = {
    signal: {
      enumerable: true,
      get(this: TryContext): AbortSignal {
        return this.#stop.signal;
      },
    },
    logger: {
      enumerable: true,
      get(this: TryContext): Logger {
        return this.#r.logger();
      },
    },
  };

  /** The context of try `attempt` of the step run `r`, which started at `started` on `r.clock` and stops as `stop` says. */
  constructor(r: StepRun, stop: StepStop, attempt: number, started: number) {
    const name = r.step.spec.name;
    const deadline = started + r.step.timeoutMs;
    this.idempotencyKey = r.iteration === undefined ? `${r.runId}/${name}` : `${r.runId}/${name}/${r.iteration}`;
    this.runId = r.runId;
    this.stepName = name;
    this.attempt = attempt;
    this.clock = r.clock;
    this.remember = r.remember;
    this.progress = (u) => r.onProgress(typeof u === 'string' ? { message: u } : u);
    this.remainingMs = () => Math.max(0, deadline - r.clock.now());
    this.#stop = stop;
    this.#r = r;
    Object.defineProperties(this, TryContext.#accessors);
  }
}
