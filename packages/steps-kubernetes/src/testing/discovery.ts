import type { ObjectStore } from './object-store';
import type { ResolvedKind } from './types';

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** `/version`. */
export function versionInfo(): Record<string, unknown> {
  return {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.0-innominatus-mock',
    gitCommit: 'mock',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.22',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`. */
export function coreVersions(): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

/** `/apis`. */
export function groupList(store: ObjectStore): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(store).map((g) => apiGroup(store, g)!) };
}

/** `/apis/<group>`, or undefined when no kind is in that group. */
export function apiGroup(store: ObjectStore, group: string): Record<string, unknown> | undefined {
  const versions = [
    ...new Set(
      store
        .kinds()
        .filter((k) => k.group === group)
        .map((k) => k.version),
    ),
  ];
  if (!versions.length) return undefined;
  const v = versions.sort(byVersionPriority).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: v, preferredVersion: v[0] };
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export function resourceList(store: ObjectStore, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = store.kinds().filter((k) => k.group === group && k.version === version);
  if (!kinds.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: kinds.flatMap((k) => resourceEntries(k)),
  };
}

function resourceEntries(k: ResolvedKind): Record<string, unknown>[] {
  const main = {
    name: k.plural,
    singularName: k.singular,
    namespaced: k.namespaced,
    kind: k.kind,
    verbs: VERBS,
    ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
    storageVersionHash: 'mock',
  };
  if (!k.statusSubresource) return [main];
  return [main, { name: `${k.plural}/status`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'patch', 'update'] }];
}

function groups(store: ObjectStore): string[] {
  return [
    ...new Set(
      store
        .kinds()
        .map((k) => k.group)
        .filter((g) => g !== ''),
    ),
  ].sort();
}

/** `v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1` > anything else (alphabetically): the API server's order of versions, the first preferred. */
export function byVersionPriority(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    return [m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x[3].localeCompare(y[3]);
}
