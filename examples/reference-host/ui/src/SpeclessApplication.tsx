import { age } from './format';
import { useLive } from './live';
import { href } from './router';
import type { Resource } from './types';

/**
 * An application that has resources but no stored Score spec: the shared
 * resources (declared by `id` in other applications' specs) and the resources
 * of a deleted spec that are still being deleted.
 */
export function SpeclessApplication({ name }: { name: string }) {
  const resources = useLive<{ resources: Resource[] }>(`/api/resources?application=${encodeURIComponent(name)}`, (e) => e.application === name);
  if (resources.error)
    return (
      <p class="error" role="alert">
        {resources.error}
      </p>
    );
  if (!resources.data) return <p class="muted">loading…</p>;
  return (
    <section>
      <h2>{name}</h2>
      <p class="muted" data-testid="no-spec">
        No Score spec is stored under this name: its resources are shared by the applications that declare them, or are still being deleted.
      </p>
      <table data-testid="resources">
        <thead>
          <tr>
            <th>resource</th>
            <th>type</th>
            <th>state</th>
            <th>generation</th>
            <th>age</th>
          </tr>
        </thead>
        <tbody>
          {resources.data.resources.map((r) => (
            <tr key={r.id} data-resource={r.name}>
              <td>
                <a href={href({ page: 'resource', id: r.id })}>{r.name}</a>
              </td>
              <td>{r.type}</td>
              <td>
                <span class={`badge state-${r.state}`} data-testid={`state-${r.name}`}>
                  {r.state}
                </span>
              </td>
              <td>{r.generation ?? '—'}</td>
              <td>{age(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
