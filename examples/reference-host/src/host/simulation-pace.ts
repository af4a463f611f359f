import type { ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';

/**
 * The paces of `innominatus-host --pace` (and `npm run demo -- --pace`): the
 * simulated Zalando postgres-operator's delays, in milliseconds, before it
 * reacts to a change, from `Creating` to `Running`, and from `Updating` to
 * `Running`. `human` (the default) lets a person follow a database being
 * made; `instant` has no delays, for scripts and CI runs.
 */
export const SIMULATION_PACES = {
  human: { pickupDelayMs: 300, createDelayMs: 1500, updateDelayMs: 800 },
  instant: { pickupDelayMs: 0, createDelayMs: 0, updateDelayMs: 0 },
} as const satisfies Record<string, ZalandoOperatorOptions>;

/** A name of {@link SIMULATION_PACES}. */
export type SimulationPace = keyof typeof SIMULATION_PACES;

/** The names of {@link SIMULATION_PACES}, in its order: what `--pace` accepts. */
export const SIMULATION_PACE_NAMES = Object.keys(SIMULATION_PACES) as SimulationPace[];

/** Whether `value` names one of {@link SIMULATION_PACES}. */
export function isSimulationPace(value: unknown): value is SimulationPace {
  return typeof value === 'string' && Object.hasOwn(SIMULATION_PACES, value);
}
