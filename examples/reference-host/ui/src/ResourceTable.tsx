import { age } from './format';
import { href } from './router';
import type { Resource } from './types';

/** An application's resources, each linked to its page; the provider column is drawn when `providerOf` is given. */
export function ResourceTable({ resources, providerOf }: { resources: readonly Resource[]; providerOf?: (r: Resource) => string }) {
  return (
    <table data-testid="resources">
      <thead>
        <tr>
          <th>resource</th>
          <th>type</th>
          {providerOf && <th>provider</th>}
          <th>state</th>
          <th>generation</th>
          <th>age</th>
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => (
          <tr key={r.id} data-resource={r.name}>
            <td>
              <a href={href({ page: 'resource', id: r.id })}>{r.name}</a>
            </td>
            <td>{r.type}</td>
            {providerOf && <td>{providerOf(r)}</td>}
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
  );
}
