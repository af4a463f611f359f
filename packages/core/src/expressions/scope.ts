import { toCel } from './cel-values';
import type { ExpressionScope } from './expression';

/** CEL forms of values marked constant (see {@link constantValue}), converted once and shared by every scope. */
const constantCel = new WeakMap<object, { cel?: unknown }>();

/**
 * Marks `value` as never changing (a literal of a compiled workflow, the
 * same object in every run), so that a scope entry set to it takes a CEL
 * form converted once and shared by every run's scope instead of a copy per
 * run (a provider's size table, say). Returns `value`.
 */
export function constantValue<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !constantCel.has(value)) constantCel.set(value, {});
  return value;
}

/**
 * The evaluation context of one run: `parameters`, `vars`, `steps`,
 * `resource`, `run`. The CEL form of each root is converted once and kept
 * until that root changes, so evaluating many expressions costs no copying.
 * The CEL form shares every part that needs no conversion with the plain
 * form (see {@link toCel}'s `share`): what is set must not change afterwards.
 */
export class Scope implements ExpressionScope {
  readonly #raw: Record<string, unknown> = {};
  readonly #cel: Record<string, unknown> = {};
  readonly #wholeAsDouble = new Map<string, Set<string>>();

  /**
   * @param doubleFields per root, top-level fields whose whole numbers stay
   * doubles in CEL (parameters declared `type: number`).
   */
  constructor(initial: Record<string, unknown> = {}, doubleFields: Record<string, Iterable<string>> = {}) {
    for (const [root, fields] of Object.entries(doubleFields)) this.#wholeAsDouble.set(root, new Set(fields));
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  /** Sets a whole root, e.g. `parameters`. */
  set(root: string, value: unknown): void {
    this.#raw[root] = value;
    this.#cel[root] = this.#convert(root, value);
  }

  /** Sets one entry of an object root, e.g. `vars.cluster_name` or `steps["db"]`. */
  setEntry(root: string, key: string, value: unknown): void {
    let raw = this.#raw[root] as Record<string, unknown> | undefined;
    if (raw == null) {
      raw = {};
      this.#raw[root] = raw;
    }
    raw[key] = value;
    let cel = this.#cel[root] as Record<string, unknown> | undefined;
    // A root set whole may share its object with the plain form: entries are set on a copy of its own.
    if (cel == null || cel === raw) {
      cel = { ...cel };
      this.#cel[root] = cel;
    }
    const wholeAsDouble = this.#wholeAsDouble.get(root)?.has(key) ?? false;
    const constant = !wholeAsDouble && typeof value === 'object' && value !== null ? constantCel.get(value) : undefined;
    if (!constant) {
      cel[key] = toCel(value, wholeAsDouble, 0, true);
      return;
    }
    if (!('cel' in constant)) constant.cel = toCel(value, false, 0, true);
    cel[key] = constant.cel;
  }

  get(root: string): unknown {
    return this.#raw[root];
  }

  celContext(): Record<string, unknown> {
    return this.#cel;
  }

  rawContext(): Record<string, unknown> {
    return this.#raw;
  }

  #convert(root: string, value: unknown): unknown {
    const doubles = this.#wholeAsDouble.get(root);
    if (!doubles || typeof value !== 'object' || value === null || Array.isArray(value)) return toCel(value, false, 0, true);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, doubles.has(k), 0, true);
    return out;
  }
}
