import type { ProviderRegistry, ResourceRecord, Store } from '@innominatus/core';
import { parseRunId } from '../runs/run-history';
import { SHARED_APPLICATION } from '../score/shared-resources';
import type { StoredScore } from '../score/stored-score';
import { sharedUsersOf } from '../spec-resources';
import type { GraphEdge, GraphNode, ResourceGraph } from './graph-model';

/** What {@link buildGraph} reads. */
export interface GraphSources {
  store: Store;
  registry: ProviderRegistry;
  /** The application's stored spec, when it has one. */
  spec?: StoredScore | undefined;
}

/**
 * Builds the graph of one application: application → resources → provider →
 * workflow (the resource's current run, or the create workflow it will run)
 * → steps in order, and the other applications that declare the same shared
 * resource (`id`). Labels carry names, types and states only.
 */
export async function buildGraph(sources: GraphSources, application: string, resources: ResourceRecord[]): Promise<ResourceGraph> {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (n: GraphNode) => nodes.has(n.id) || nodes.set(n.id, n);
  const appId = `application:${application}`;
  add({ id: appId, kind: 'application', label: application });
  for (const r of resources) {
    const resId = `resource:${r.id}`;
    add({ id: resId, kind: 'resource', label: r.name, state: r.state, detail: r.type });
    edges.push({ from: appId, to: resId, kind: 'has' });
    const providerName = sources.registry.providerOf(r.type, r.class);
    if (providerName) {
      const providerId = `provider:${providerName}`;
      add({ id: providerId, kind: 'provider', label: providerName });
      edges.push({ from: resId, to: providerId, kind: 'served-by' });
      await addWorkflow(sources, r, providerId, add, edges);
    }
    // A shared resource belongs to the shared application; the index names the applications declaring it.
    if (r.application === SHARED_APPLICATION && r.application !== application) {
      for (const other of await sharedUsersOf(sources.store, r)) {
        if (other === application) continue;
        const otherId = `application:${other}`;
        add({ id: otherId, kind: 'application', label: other });
        edges.push({ from: otherId, to: resId, kind: 'shares' });
      }
    }
  }
  return { application, nodes: [...nodes.values()], edges };
}

async function addWorkflow(sources: GraphSources, r: ResourceRecord, providerId: string, add: (n: GraphNode) => void, edges: GraphEdge[]): Promise<void> {
  const run = r.runId ? await sources.store.getRun(r.runId) : undefined;
  const workflowId = `workflow:${r.id}`;
  let steps: { name: string; type: string; status?: string }[];
  if (run) {
    const journaled = new Map((await sources.store.listSteps(run.runId)).map((s) => [s.index, s]));
    steps = (run.workflow.steps ?? []).map((s, i) => ({ name: s.name, type: s.type, status: journaled.get(i)?.status ?? 'pending' }));
    add({
      id: workflowId,
      kind: 'workflow',
      label: `${run.workflow.metadata?.name ?? 'workflow'} (${r.name})`,
      state: run.status,
      detail: parseRunId(run.runId)?.operation,
    });
  } else {
    const resolved = createWorkflow(sources.registry, r.type);
    if (!resolved) return;
    steps = (resolved.steps ?? []).map((s) => ({ name: s.name, type: s.type, status: 'pending' }));
    add({ id: workflowId, kind: 'workflow', label: `${resolved.metadata?.name ?? 'workflow'} (${r.name})`, state: 'pending', detail: 'create' });
  }
  edges.push({ from: providerId, to: workflowId, kind: 'runs' });
  let previous = workflowId;
  steps.forEach((s, i) => {
    const stepId = `step:${r.id}:${i}`;
    add({ id: stepId, kind: 'step', label: s.name, detail: s.type, state: s.status });
    edges.push({ from: previous, to: stepId, kind: i === 0 ? 'step' : 'next' });
    previous = stepId;
  });
}

function createWorkflow(registry: ProviderRegistry, type: string) {
  try {
    return registry.resolve(type, 'create').workflow.workflow;
  } catch {
    return undefined;
  }
}
