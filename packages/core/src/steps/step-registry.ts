import { RegistryError } from '../errors';
import { hasBrand, setBrand } from '../util/brand';
import type { StepDefinition } from './define-step';

/** The brand of every StepRegistry, shared by all copies of this package through the global symbol registry. */
const BRAND = Symbol.for('innominatus.step-registry');

/**
 * The step types a workflow may use. Registering a type twice is an error,
 * so two packages cannot silently replace each other's steps.
 *
 * Use {@link StepRegistry.is} rather than `instanceof`: a registry may come
 * from another copy of `@innominatus/core` (its CommonJS and ESM builds, or
 * two versions installed side by side).
 *
 * @example
 * const steps = new StepRegistry().register(echo).registerAll(kubernetesSteps());
 */
export class StepRegistry {
  readonly #steps = new Map<string, StepDefinition>();

  /** True for a StepRegistry made by any copy of `@innominatus/core`. */
  static is(value: unknown): value is StepRegistry {
    return hasBrand(value, BRAND);
  }

  constructor(steps: Iterable<StepDefinition> = []) {
    setBrand(this, BRAND);
    this.registerAll(steps);
  }

  register(step: StepDefinition<any, any>): this {
    if (this.#steps.has(step.type)) {
      throw new RegistryError('STEP_DUPLICATE', `step type '${step.type}' is already registered`);
    }
    this.#steps.set(step.type, step);
    return this;
  }

  registerAll(steps: Iterable<StepDefinition<any, any>>): this {
    for (const s of steps) this.register(s);
    return this;
  }

  has(type: string): boolean {
    return this.#steps.has(type);
  }

  /** The step type, or undefined. */
  find(type: string): StepDefinition | undefined {
    return this.#steps.get(type);
  }

  /** The step type; throws `STEP_UNKNOWN` naming the known types when it is missing. */
  get(type: string): StepDefinition {
    const s = this.#steps.get(type);
    if (!s) {
      throw new RegistryError('STEP_UNKNOWN', `unknown step type '${type}' (known: ${[...this.#steps.keys()].sort().join(', ') || 'none'})`);
    }
    return s;
  }

  types(): string[] {
    return [...this.#steps.keys()].sort();
  }

  list(): StepDefinition[] {
    return [...this.#steps.values()];
  }
}
