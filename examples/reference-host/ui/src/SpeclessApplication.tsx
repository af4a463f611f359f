import { useLive } from './live';
import { ResourceTable } from './ResourceTable';
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
      <ResourceTable resources={resources.data.resources} />
    </section>
  );
}
