import { useState } from 'preact/hooks';
import { api } from './api';
import { ConfirmButton } from './Confirm';
import { age, duration } from './format';
import { useLive } from './live';
import { href } from './router';
import type { Resource, Run, Whoami } from './types';

/** One resource: state and why, outputs (sensitive ones redacted unless an admin reveals), history, and every run's step timeline. */
export function ResourcePage({ id, who }: { id: string; who: Whoami }) {
  const mine = (e: { resourceId?: string }) => e.resourceId === id;
  const resource = useLive<Resource>(`/api/resources/${encodeURIComponent(id)}`, mine);
  const runs = useLive<{ workflows: Run[] }>(`/api/resources/${encodeURIComponent(id)}/runs`, mine);
  if (resource.error)
    return (
      <p class="error" role="alert">
        {resource.error}
      </p>
    );
  const r = resource.data;
  if (!r) return <p class="muted">loading…</p>;
  return (
    <section>
      <p>
        <a href={href({ page: 'app', name: r.application })}>← {r.application}</a>
      </p>
      <h2>
        {r.name}{' '}
        <small class="muted">
          {r.type} · {r.id}
        </small>
      </h2>
      <p>
        State{' '}
        <span class={`badge state-${r.state}`} data-testid="resource-state">
          {r.state}
        </span>
        {r.pendingOperation ? ` · ${r.pendingOperation} pending` : ''} · updated {age(r.updatedAt)} ago
      </p>
      {r.state === 'failed' && (
        <FailurePanel
          resource={r}
          failedStep={runs.data?.workflows[0]?.steps.find((step) => step.status === 'failed')}
          who={who}
          onRetried={() => {
            resource.reload();
            runs.reload();
          }}
        />
      )}
      <Outputs resource={r} who={who} />
      <h3>Runs</h3>
      {(runs.data?.workflows ?? []).map((run) => (
        <RunTimeline key={run.id} run={run} />
      ))}
      <History resource={r} />
    </section>
  );
}

/** Why a failed resource is not ready (its error, and the failed step's when it says more), and Retry for an admin. */
function FailurePanel({
  resource: r,
  failedStep,
  who,
  onRetried,
}: {
  resource: Resource;
  failedStep: Run['steps'][number] | undefined;
  who: Whoami;
  onRetried: () => void;
}) {
  return (
    <div class="failure" data-testid="failure">
      <h3>Why it is not ready</h3>
      <p>
        <code>{r.error?.code ?? 'FAILED'}</code> {r.error?.message}
      </p>
      {failedStep?.error && failedStep.error.message !== r.error?.message && (
        <p>
          step <b>{failedStep.name}</b>: {failedStep.error.message}
        </p>
      )}
      {who.role !== 'admin' && (
        <p class="muted" data-testid="retry-needs-admin">
          An admin can retry it.
        </p>
      )}
      {who.role === 'admin' && (
        <ConfirmButton
          testid="retry"
          label="Retry"
          question={
            <p>
              Retry <b>{r.name}</b> from its failed step?
            </p>
          }
          onConfirm={async () => {
            await api('POST', `/api/resources/${encodeURIComponent(r.id)}/retry`);
            onRetried();
          }}
        />
      )}
    </div>
  );
}

/** The resource's outputs, sensitive ones redacted until an admin reveals them (which the host logs). */
function Outputs({ resource: r, who }: { resource: Resource; who: Whoami }) {
  const [revealed, setRevealed] = useState<Record<string, unknown>>();
  return (
    <>
      <h3>Outputs</h3>
      {Object.keys(r.outputs).length === 0 && <p class="muted">none yet: outputs appear once the resource is active</p>}
      <table data-testid="outputs">
        <tbody>
          {Object.entries(revealed ?? r.outputs).map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>
                <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {who.role === 'admin' && !revealed && Object.values(r.outputs).includes('***') && (
        <ConfirmButton
          testid="reveal"
          label="Reveal sensitive outputs"
          question={
            <p>
              Show the sensitive outputs of <b>{r.name}</b> in clear text? This is logged.
            </p>
          }
          onConfirm={async () =>
            setRevealed((await api<{ outputs: Record<string, unknown> }>('GET', `/api/resources/${encodeURIComponent(r.id)}/outputs?reveal=true`)).outputs)
          }
        />
      )}
    </>
  );
}

/** The resource's state changes, oldest first. */
function History({ resource: r }: { resource: Resource }) {
  return (
    <>
      <h3>History</h3>
      <ol class="history">
        {(r.history ?? []).map((h, i) => (
          <li key={i}>
            {h.from ?? '·'} → <b>{h.to}</b>{' '}
            <span class="muted">
              {age(h.at)} ago: {h.reason}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function RunTimeline({ run }: { run: Run }) {
  return (
    <div class="run" data-testid="run" data-run={run.id}>
      <p>
        <b>{run.workflow ?? 'workflow'}</b> · {run.operation} · generation {run.generation} · <span class={`badge state-${run.status}`}>{run.status}</span> ·
        attempt {run.attempt} · {age(run.createdAt)} ago
      </p>
      {run.error && (
        <p class="error">
          {run.error.code}: {run.error.message}
        </p>
      )}
      <ol class="steps">
        {run.steps.map((s) => (
          <li key={s.index} class={`step state-${s.status}`} data-step={s.name} data-status={s.status}>
            <b>{s.name}</b> <span class="muted">{s.type}</span> · <span data-testid="step-status">{s.status}</span>
            {s.durationMs !== undefined && ` · ${duration(s.durationMs)}`}
            {s.attempt > 1 && ` · try ${s.attempt}`}
            {s.error && (
              <div class="error">
                {s.error.code}: {s.error.message}
              </div>
            )}
            {s.progress.length > 0 && (
              <ul class="progress">
                {s.progress.slice(-3).map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
