import type { Clock, StepContext } from '@innominatus/core';
import type { KubeObject } from '../client/kubernetes-client';
import { KubernetesError } from '../errors';
import { formatMs } from '../step-options';
import type { Decision, ObserveOptions } from '../watch/observe-object';
import { evaluateCondition, observation, type Condition } from './condition';
import { statusText } from './observed-status';
import { isNewerResourceVersion } from './resource-version';

/** What one `wait-for-condition` waits for, and on what. */
export interface ConditionWaitInit {
  /** The object, as messages name it (`describeObject`). */
  what: string;
  /** `successWhen`: the wait is done when it holds. */
  success: Condition;
  /** `failureWhen`: the wait fails when it holds (checked first). */
  failure: Condition | undefined;
  /** Only observations with a newer `metadata.resourceVersion` count. */
  since: string | undefined;
  /** The object exists already: when the watch does not have it, {@link ConditionWaitInit.read} decides whether it was deleted. */
  mustExist: boolean;
  /** Reads the object once (undefined when it does not exist). */
  read: () => Promise<KubeObject | undefined>;
  /** How long the wait may take, in ms (the step's `timeout`, within the time the step has left: `waitBudgetMs`). */
  budgetMs: number;
}

/**
 * One wait's judgement of its object's observations, as the options of
 * `observeObject`: progress when the observed status changes, done when
 * `successWhen` holds, failed when `failureWhen` holds or an object that was
 * seen (or, with `mustExist`, one an earlier step made) is gone, and the
 * timeout's message quoting the last observation. It keeps what the messages
 * quote, not the object: a wait holds no copy of it while it waits.
 */
export class ConditionWait implements ObserveOptions<KubeObject> {
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly #init: ConditionWaitInit;
  readonly #ctx: StepContext;
  #seen = false;
  #confirming = false;
  #failWait: ((error: unknown) => void) | undefined;
  #lastStatus = statusText(undefined);
  #lastStale = '';
  #lastExists = false;
  #lastText: string | undefined;
  #lastError: string | undefined;

  constructor(init: ConditionWaitInit, ctx: StepContext) {
    this.#init = init;
    this.#ctx = ctx;
    this.signal = ctx.signal;
    this.clock = ctx.clock;
    this.timeoutMs = init.budgetMs;
  }

  /** Keeps the function that fails the wait from outside the observations (the read of {@link ConditionWaitInit.read}). */
  failWith(fail: (error: unknown) => void): void {
    this.#failWait = fail;
  }

  /** Judges one observation of the object (undefined: it does not exist). */
  decide(object: KubeObject | undefined): Decision<KubeObject> {
    const { what, success, failure, since } = this.#init;
    const stale = staleness(object, since);
    const text = statusText(object);
    this.#lastStatus = text;
    this.#lastStale = stale;
    this.#lastExists = object !== undefined;
    if (text + stale !== this.#lastText) {
      this.#lastText = text + stale;
      this.#ctx.progress({
        message: `${what}: ${this.#lastText}`,
        data: { status: object?.status ?? null, exists: object !== undefined, ...(stale ? { stale: true } : {}) },
      });
    }
    if (!object && this.#seen) {
      return { fail: new KubernetesError('K8S_OBJECT_DELETED', `${what} was deleted while waiting for successWhen \`${success.source}\``) };
    }
    if (!object && this.#init.mustExist && !this.#confirming) this.#confirmMissing();
    if (object) this.#seen = true;
    if (!object || stale) return undefined;
    const observed = observation(object);
    if (failure && evaluateCondition(failure, observed).value) {
      return { fail: new KubernetesError('K8S_CONDITION_FAILED', `${what}: failureWhen \`${failure.source}\` holds; observed status: ${text}`) };
    }
    const s = evaluateCondition(success, observed);
    this.#lastError = s.error;
    return s.value ? { done: object } : undefined;
  }

  /** The error of a wait whose time ran out, quoting the last observation. */
  timeoutError(): KubernetesError {
    const why = this.#lastError && this.#lastExists && !this.#lastStale ? `; successWhen could not be evaluated: ${this.#lastError}` : '';
    return new KubernetesError(
      'K8S_WAIT_TIMEOUT',
      `${this.#init.what}: timed out after ${formatMs(this.timeoutMs)} waiting for successWhen \`${this.#init.success.source}\`; last observed status: ${this.#lastStatus}${this.#lastStale}${why}`,
    );
  }

  /**
   * The shared watch's cache may not have caught up with the apply that created the object yet, so "missing" from
   * it proves a deletion only after it has shown the object; otherwise one read decides.
   */
  #confirmMissing(): void {
    this.#confirming = true;
    const { what, success } = this.#init;
    this.#init.read().then(
      (found) => {
        if (!found && !this.#seen)
          this.#failWait?.(
            new KubernetesError(
              'K8S_OBJECT_DELETED',
              `${what} does not exist (mustExist: an earlier step created it, so it was deleted) while waiting for successWhen \`${success.source}\``,
            ),
          );
      },
      (err: unknown) => this.#failWait?.(err),
    );
  }
}

/** Why an observation does not count yet ('' when it does): not newer than `since`. */
function staleness(object: KubeObject | undefined, since: string | undefined): string {
  return object && since !== undefined && !isNewerResourceVersion(object.metadata.resourceVersion, since)
    ? ` (resourceVersion ${object.metadata.resourceVersion ?? 'none'}, not newer than sinceResourceVersion ${since})`
    : '';
}
