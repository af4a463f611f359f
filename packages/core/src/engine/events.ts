import type { JournaledError } from '../journal/types';

/** Fields every engine event carries. */
export interface RunEventBase {
  runId: string;
  workflow: string;
  /** ISO time of the transition. */
  at: string;
}

/** Fields of step events. */
export interface StepEventBase extends RunEventBase {
  step: string;
  type: string;
  index: number;
}

/**
 * The engine's typed events. Payloads are already redacted: sensitive values
 * appear as `***`.
 */
export interface EngineEvents {
  'run:started': (e: RunEventBase & { attempt: number; resumed: boolean }) => void;
  'run:succeeded': (e: RunEventBase & { outputs: Record<string, unknown>; durationMs: number }) => void;
  'run:failed': (e: RunEventBase & { error: JournaledError; durationMs: number }) => void;
  /** The run stopped before a step because its `pause` signal was aborted; it can be resumed. */
  'run:paused': (e: RunEventBase & { beforeStep: string; durationMs: number }) => void;
  'step:started': (e: StepEventBase & { attempt: number }) => void;
  'step:progress': (e: StepEventBase & { message: string; data?: Record<string, unknown> }) => void;
  'step:retrying': (e: StepEventBase & { attempt: number; delayMs: number; error: JournaledError }) => void;
  'step:succeeded': (e: StepEventBase & { outputs: Record<string, unknown>; durationMs: number }) => void;
  'step:skipped': (e: StepEventBase & { reason: string }) => void;
  'step:failed': (e: StepEventBase & { error: JournaledError; durationMs: number }) => void;
}

const NAMES = [
  'run:started',
  'run:succeeded',
  'run:failed',
  'run:paused',
  'step:started',
  'step:progress',
  'step:retrying',
  'step:succeeded',
  'step:skipped',
  'step:failed',
] as const satisfies readonly (keyof EngineEvents)[];

/** A compile error here means an event of {@link EngineEvents} is missing from the list. */
type Unlisted = Exclude<keyof EngineEvents, (typeof NAMES)[number]>;
const everyEventListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyEventListed;

/** Every engine event name, in the order of a run's life: the one list the orchestrator and the test harnesses forward. */
export const ENGINE_EVENT_NAMES: readonly (keyof EngineEvents)[] = Object.freeze([...NAMES]);
