import { InnominatusError } from '@innominatus/core';
import { hasBrand, setBrand } from '@innominatus/core/internal';

const KUBERNETES_ERROR_BRAND = Symbol.for('innominatus.kubernetes-error');

/**
 * Stable codes of {@link KubernetesError}: its `code` (and `kubernetesCode`,
 * the same value). A run that a Kubernetes step failed ends with core's
 * `STEP_FAILED`, whose `cause` has this code.
 */
export type KubernetesErrorCode =
  /** RBAC denied the request (403); the message names verb, resource and namespace. */
  | 'K8S_FORBIDDEN'
  /** The API answered 401. */
  | 'K8S_UNAUTHORIZED'
  /** The object or the kind does not exist (404). */
  | 'K8S_NOT_FOUND'
  /** The API rejected the object (400, 409, 413, 415, 422 and other 4xx), with its own message. */
  | 'K8S_REJECTED'
  /** 429, 5xx or a connection failure that retries did not get past; retryable. */
  | 'K8S_UNAVAILABLE'
  /** `failureWhen` held. */
  | 'K8S_CONDITION_FAILED'
  /** The object a wait watched was deleted (it had been seen, or `mustExist` said an earlier step created it). */
  | 'K8S_OBJECT_DELETED'
  /** `successWhen` did not hold before the timeout. */
  | 'K8S_WAIT_TIMEOUT'
  /** A `successWhen`/`failureWhen` expression does not compile or does not give a boolean. */
  | 'K8S_EXPRESSION_INVALID'
  /** The Secret does not exist. */
  | 'K8S_SECRET_NOT_FOUND'
  /** A requested key is not in the Secret; the message lists the keys present (never values). */
  | 'K8S_SECRET_KEY_MISSING'
  /** A step input is unusable in a way its schema cannot say (e.g. a bad duration). */
  | 'K8S_INPUT_INVALID';

/** What a Kubernetes request was doing, for messages (`patch secrets "x" in namespace "y"`). */
export interface RequestTarget {
  /** RBAC verb: get, list, watch, patch, delete. */
  verb: string;
  /** Plural resource with its group, e.g. `secrets` or `postgresqls.acid.zalan.do`. */
  resource: string;
  name?: string;
  namespace?: string;
}

/**
 * A failed Kubernetes step, coded with what went wrong. `retryable` is true only for `K8S_UNAVAILABLE`.
 * Use {@link KubernetesError.is} rather than `instanceof`: the error may come from another copy of this package.
 */
export class KubernetesError extends InnominatusError<KubernetesErrorCode> {
  /** The same as `code`. */
  readonly kubernetesCode: KubernetesErrorCode;
  /** HTTP status of the API answer, when there was one. */
  readonly status?: number;
  readonly target?: RequestTarget;
  constructor(kubernetesCode: KubernetesErrorCode, message: string, options: { status?: number; target?: RequestTarget; retryable?: boolean } = {}) {
    super(kubernetesCode, message, { retryable: options.retryable ?? kubernetesCode === 'K8S_UNAVAILABLE' });
    this.kubernetesCode = kubernetesCode;
    if (options.status !== undefined) this.status = options.status;
    if (options.target) this.target = options.target;
    setBrand(this, KUBERNETES_ERROR_BRAND);
  }

  /** True for a KubernetesError made by any copy of `@innominatus/steps-kubernetes`. */
  static override is(value: unknown): value is KubernetesError {
    return hasBrand(value, KUBERNETES_ERROR_BRAND);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kubernetesCode: this.kubernetesCode, status: this.status };
  }
}

/** No usable cluster configuration (no kubeconfig, unknown context, not in a cluster): core's error model, code `K8S_CONFIG_INVALID`. */
export class KubernetesConfigError extends InnominatusError<'K8S_CONFIG_INVALID'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('K8S_CONFIG_INVALID', message, options);
  }
}
