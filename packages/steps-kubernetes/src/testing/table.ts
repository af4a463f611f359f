import { JSONPath } from 'jsonpath-plus';
import type { PrinterColumn } from '../crd/index';
import { isPlainObject } from './merge';
import type { MockObject, ResolvedKind } from './types';

/** True when the client asked for a `meta.k8s.io` Table (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  description?: string;
  cell: (o: MockObject) => unknown;
}

const str = (v: unknown) => (v === undefined || v === null ? '<none>' : String(v));
const count = (v: unknown) => (isPlainObject(v) ? Object.keys(v).length : 0);
const at = (o: MockObject, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), o);
const age: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o) => ageOf(o.metadata.creationTimestamp),
};

/** The columns the API server prints for built-in kinds (after Name), as `kubectl get` shows them. */
const BUILTIN_COLUMNS: Record<string, Column[]> = {
  '/Namespace': [{ name: 'Status', type: 'string', cell: (o) => str(at(o, 'status.phase')) }, age],
  '/ConfigMap': [{ name: 'Data', type: 'integer', cell: (o) => count(o.data) + count(o.binaryData) }, age],
  '/Secret': [{ name: 'Type', type: 'string', cell: (o) => str(o.type ?? 'Opaque') }, { name: 'Data', type: 'integer', cell: (o) => count(o.data) }, age],
  '/Service': [
    { name: 'Type', type: 'string', cell: (o) => str(at(o, 'spec.type') ?? 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(at(o, 'spec.clusterIP')) },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: (o) => ports(at(o, 'spec.ports')) },
    age,
  ],
  '/Pod': [
    { name: 'Ready', type: 'string', cell: (o) => podReady(o) },
    { name: 'Status', type: 'string', cell: (o) => str(at(o, 'status.phase') ?? 'Pending') },
    { name: 'Restarts', type: 'string', cell: () => '0' },
    age,
  ],
  '/PersistentVolumeClaim': [
    { name: 'Status', type: 'string', cell: (o) => str(at(o, 'status.phase') ?? 'Pending') },
    { name: 'Volume', type: 'string', cell: (o) => str(at(o, 'spec.volumeName') ?? '') },
    { name: 'Capacity', type: 'string', cell: (o) => str(at(o, 'status.capacity.storage') ?? '') },
    {
      name: 'Access Modes',
      type: 'string',
      cell: (o) => (Array.isArray(at(o, 'spec.accessModes')) ? (at(o, 'spec.accessModes') as string[]).map((m) => m.replace(/[a-z]/g, '')).join(',') : ''),
    },
    { name: 'StorageClass', type: 'string', cell: (o) => str(at(o, 'spec.storageClassName') ?? '<unset>') },
    age,
  ],
  '/Event': [
    { name: 'Last Seen', type: 'string', cell: (o) => ageOf(str(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp)) },
    { name: 'Type', type: 'string', cell: (o) => str(o.type) },
    { name: 'Reason', type: 'string', cell: (o) => str(o.reason) },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => `${String(at(o, 'involvedObject.kind') ?? '').toLowerCase()}/${String(at(o, 'involvedObject.name') ?? '')}`,
    },
    { name: 'Message', type: 'string', cell: (o) => str(o.message) },
  ],
  'apps/Deployment': [
    { name: 'Ready', type: 'string', cell: (o) => `${Number(at(o, 'status.readyReplicas') ?? 0)}/${Number(at(o, 'spec.replicas') ?? 1)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(at(o, 'status.updatedReplicas') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(at(o, 'status.availableReplicas') ?? 0) },
    age,
  ],
  'apps/StatefulSet': [
    { name: 'Ready', type: 'string', cell: (o) => `${Number(at(o, 'status.readyReplicas') ?? 0)}/${Number(at(o, 'spec.replicas') ?? 1)}` },
    age,
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [{ name: 'Created At', type: 'date', cell: (o) => str(o.metadata.creationTimestamp) }],
};

function columnsOf(kind: ResolvedKind): Column[] {
  if (kind.printerColumns.length) return kind.printerColumns.map(printerColumn);
  return BUILTIN_COLUMNS[`${kind.group}/${kind.kind}`] ?? [age];
}

/** A CRD `additionalPrinterColumns` entry: its JSONPath read from each object (dates shown as an age, like kubectl). */
function printerColumn(c: PrinterColumn): Column {
  return {
    name: c.name,
    type: c.type,
    ...(c.format ? { format: c.format } : {}),
    ...(c.priority ? { priority: c.priority } : {}),
    ...(c.description ? { description: c.description } : {}),
    cell: (o) => {
      const found = JSONPath({ path: `$${c.jsonPath.startsWith('.') ? '' : '.'}${c.jsonPath}`, json: o as object, wrap: true }) as unknown[];
      const v = found[0];
      if (v === undefined || v === null) return null;
      if (c.type === 'date' && typeof v === 'string') return ageOf(v);
      return typeof v === 'object' ? JSON.stringify(v) : v;
    },
  };
}

/**
 * The Table kubectl prints: Name, then the kind's columns (a CRD's
 * `additionalPrinterColumns`, or the built-in printer's), with
 * PartialObjectMetadata rows (the whole object with `includeObject=Object`).
 */
export function toTable(kind: ResolvedKind, objects: MockObject[], resourceVersion: string, includeObject = false): Record<string, unknown> {
  const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
  // Events print their name last, and only with -o wide, as the API server's printer does.
  const columns = kind.kind === 'Event' && kind.builtin ? [...columnsOf(kind), { ...name, priority: 1 }] : [name, ...columnsOf(kind)];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      object: includeObject ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

function ports(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0) return '<none>';
  return v.map((p: Record<string, unknown>) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`).join(',');
}

function podReady(o: MockObject): string {
  const containers = at(o, 'spec.containers');
  const total = Array.isArray(containers) ? containers.length : 0;
  const statuses = at(o, 'status.containerStatuses');
  const ready = Array.isArray(statuses) ? statuses.filter((s: Record<string, unknown>) => s.ready === true).length : 0;
  return `${ready}/${total}`;
}

/** `5s`, `3m`, `2h`, `4d`, as kubectl shows an age. */
export function ageOf(created: string | undefined): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
