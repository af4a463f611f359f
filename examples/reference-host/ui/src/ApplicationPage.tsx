import { useState } from 'preact/hooks';
import { api } from './api';
import { ConfirmButton } from './Confirm';
import { age } from './format';
import { GraphView } from './Graph';
import { useLive } from './live';
import { href } from './router';
import { ResourceTable } from './ResourceTable';
import { SpeclessApplication } from './SpeclessApplication';
import type { AppliedChange, Graph, Resource, Whoami } from './types';

interface SpecAnswer {
  name: string;
  submittedAt: string;
  spec: Record<string, unknown>;
  resources: Resource[];
}

/** One application: its resources, its graph, the Score spec, the resolved workload, and (for an admin) delete. */
export function ApplicationPage({ name, who }: { name: string; who: Whoami }) {
  const mine = (e: { application?: string }) => e.application === name;
  // Once a delete is sent, the application's own events must not make the page ask for what is going away.
  const [deleting, setDeleting] = useState(false);
  const spec = useLive<SpecAnswer>(`/api/specs/${encodeURIComponent(name)}`, mine, deleting);
  // The graph is asked for once the spec is there: an application without one has no graph either.
  const graph = useLive<Graph>(spec.data ? `/api/graph/${encodeURIComponent(name)}` : null, mine, deleting);
  // The workload resolves once every resource is active: ask only then.
  const ready = spec.data !== undefined && spec.data.resources.every((r) => r.state === 'active');
  const resolved = useLive<{ containers: Record<string, unknown> }>(
    ready ? `/api/specs/${encodeURIComponent(name)}/resolved` : null,
    (e) => e.kind === 'resource' && mine(e),
    deleting,
  );
  // Shared resources, and resources still being deleted, belong to an application with no stored spec.
  if (spec.errorStatus === 404) return <SpeclessApplication name={name} />;
  if (spec.error)
    return (
      <p class="error" role="alert">
        {spec.error}
      </p>
    );
  if (!spec.data) return <p class="muted">loading…</p>;
  const { data } = spec;
  return (
    <section>
      <h2>
        {data.name} <small class="muted">submitted {age(data.submittedAt)} ago</small>
      </h2>
      <ResourceTable resources={data.resources} providerOf={(r) => providerOf(graph.data, r)} />
      <h3>Graph</h3>
      <div class="graph-box">{graph.data ? <GraphView graph={graph.data} /> : <p class="muted">{graph.error ?? 'loading…'}</p>}</div>
      <div class="columns">
        <div>
          <h3>Score spec</h3>
          <pre data-testid="spec">{JSON.stringify(data.spec, null, 2)}</pre>
        </div>
        <div>
          <h3>Resolved workload</h3>
          <pre data-testid="resolved">
            {!ready
              ? 'resolves once every resource is active'
              : resolved.data
                ? JSON.stringify(resolved.data.containers, null, 2)
                : (resolved.error ?? 'loading…')}
          </pre>
        </div>
      </div>
      {who.role === 'admin' && <DeleteApplication name={name} onDeleting={setDeleting} />}
    </section>
  );
}

/** The provider that serves a resource, from the application's graph ('—' until the graph is there). */
function providerOf(graph: Graph | undefined, r: Resource): string {
  return graph?.nodes.find((n) => n.kind === 'provider' && graph.edges.some((e) => e.from === `resource:${r.id}` && e.to === n.id))?.label ?? '—';
}

/** Delete application (an admin's): the dry run's plan in the question, then the delete, then back to the list. */
function DeleteApplication({ name, onDeleting }: { name: string; onDeleting: (deleting: boolean) => void }) {
  const [plan, setPlan] = useState<AppliedChange[]>([]);
  return (
    <ConfirmButton
      testid="delete-app"
      label="Delete application"
      danger
      onOpen={async () => setPlan((await api<{ changes: AppliedChange[] }>('DELETE', `/api/specs/${encodeURIComponent(name)}?dryRun=true`)).changes)}
      question={
        <>
          <p>
            Deleting <b>{name}</b> will:
          </p>
          <ul data-testid="delete-plan">
            {plan.map((c) => (
              <li key={c.id}>
                {c.action} {c.name} ({c.type}, {c.state})
              </li>
            ))}
          </ul>
          {plan.length === 0 && <p>forget the spec (no resource left to delete)</p>}
        </>
      }
      onConfirm={async () => {
        onDeleting(true);
        try {
          await api('DELETE', `/api/specs/${encodeURIComponent(name)}`);
        } catch (err) {
          onDeleting(false);
          throw err;
        }
        location.hash = href({ page: 'apps' });
      }}
    />
  );
}
