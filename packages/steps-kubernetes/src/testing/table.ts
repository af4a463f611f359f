import type { MockObject } from './types';

/** True when the client asked for a `meta.k8s.io` Table (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** The Table kubectl prints: NAME, STATUS (when the object has one) and AGE. */
export function toTable(objects: MockObject[], resourceVersion: string): Record<string, unknown> {
  const withStatus = objects.some((o) => statusText(o) !== undefined);
  const columnDefinitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
    ...(withStatus ? [{ name: 'Status', type: 'string', format: '', description: 'Status', priority: 0 }] : []),
    { name: 'Age', type: 'string', format: '', description: 'Age', priority: 0 },
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions,
    rows: objects.map((o) => ({
      cells: [o.metadata.name, ...(withStatus ? [statusText(o) ?? ''] : []), age(o.metadata.creationTimestamp)],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

function statusText(o: MockObject): string | undefined {
  const s = o.status as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return undefined;
  for (const key of ['PostgresClusterStatus', 'phase']) if (typeof s[key] === 'string') return s[key] as string;
  return undefined;
}

function age(created: string | undefined): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}
