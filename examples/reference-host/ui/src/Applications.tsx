import { href } from './router';
import { useLive } from './live';
import type { ApplicationSummary } from './types';

/** Every application with its resources' states. */
export function Applications() {
  const { data, error } = useLive<{ applications: ApplicationSummary[] }>('/api/applications', (e) => e.kind === 'resource');
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!data) return <p class="muted">loading…</p>;
  if (data.applications.length === 0) return <p class="muted">No applications yet: submit a Score spec (POST /api/specs or innominatus-ctl apply -f).</p>;
  return (
    <section>
      <h2>Applications</h2>
      <table data-testid="applications">
        <thead>
          <tr>
            <th>application</th>
            <th>resources</th>
            <th>states</th>
          </tr>
        </thead>
        <tbody>
          {data.applications.map((a) => (
            <tr key={a.name}>
              <td>
                <a href={href({ page: 'app', name: a.name })}>{a.name}</a>
              </td>
              <td>{a.resources.map((r) => r.name).join(', ')}</td>
              <td>
                {Object.entries(a.states).map(([s, n]) => (
                  <span key={s} class={`badge state-${s}`}>
                    {n} {s}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
