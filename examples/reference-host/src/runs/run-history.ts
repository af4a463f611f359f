import { runIdFor, type Operation, type ResourceRecord, type RunRecord, type Store } from '@innominatus/core';
import { stepView } from '../http/views';
import type { ProgressEntry } from './progress-log';

/** Generations looked back for a resource's runs (each generation has at most one run per operation). */
export const RUN_HISTORY_GENERATIONS = 20;
const OPERATIONS: readonly Operation[] = ['create', 'update', 'delete'];
const RUN_ID = /^(.+):(create|update|delete):(\d+)$/;

/** A run as the API shows it: its workflow, status and steps; never its (sealed) parameters or outputs. */
export interface RunView {
  id: string;
  resourceId: string;
  application: string;
  resource: string;
  type: string;
  operation: Operation;
  generation: number;
  workflow?: string;
  status: RunRecord['status'];
  attempt: number;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string };
  steps: Record<string, unknown>[];
}

/** The resource id, operation and generation a run id names; `undefined` for an id the orchestrator did not make. */
export function parseRunId(runId: string): { resourceId: string; operation: Operation; generation: number } | undefined {
  const m = RUN_ID.exec(runId);
  return m ? { resourceId: m[1]!, operation: m[2] as Operation, generation: Number(m[3]) } : undefined;
}

/** Progress messages of a run's steps, by step name. */
export type RunProgress = ReadonlyMap<string, readonly ProgressEntry[]>;

/** One run with its steps (each with its duration once ended, and its recent progress messages), labelled with its resource. */
export async function runView(store: Store, run: RunRecord, resource: ResourceRecord, progress: RunProgress = new Map()): Promise<RunView> {
  const parsed = parseRunId(run.runId);
  const steps = (await store.listSteps(run.runId)).map((s) => ({
    ...stepView(s),
    ...(s.endedAt ? { durationMs: Date.parse(s.endedAt) - Date.parse(s.startedAt) } : {}),
    progress: [...(progress.get(s.name) ?? [])],
  }));
  return {
    id: run.runId,
    resourceId: resource.id,
    application: resource.application,
    resource: resource.name,
    type: resource.type,
    operation: parsed?.operation ?? resource.pendingOperation ?? 'create',
    generation: parsed?.generation ?? resource.generation,
    ...(run.workflow.metadata?.name ? { workflow: run.workflow.metadata.name } : {}),
    status: run.status,
    attempt: run.attempt,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.error ? { error: { code: run.error.code, message: run.error.message } } : {}),
    steps,
  };
}

/**
 * The runs of a resource, newest first: the orchestrator names each run after
 * the resource, operation and generation, so the last
 * {@link RUN_HISTORY_GENERATIONS} generations are looked up by id.
 */
export async function resourceRuns(store: Store, resource: ResourceRecord, progressOf: (runId: string) => RunProgress = () => new Map()): Promise<RunView[]> {
  const ids: string[] = [];
  const oldest = Math.max(1, resource.generation - RUN_HISTORY_GENERATIONS + 1);
  for (let g = resource.generation; g >= oldest; g--) for (const op of OPERATIONS) ids.push(runIdFor(resource.id, op, g));
  if (resource.runId && !ids.includes(resource.runId)) ids.unshift(resource.runId);
  const runs = (await Promise.all(ids.map((id) => store.getRun(id)))).filter((r): r is RunRecord => r !== undefined);
  runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return Promise.all(runs.map((r) => runView(store, r, resource, progressOf(r.runId))));
}
