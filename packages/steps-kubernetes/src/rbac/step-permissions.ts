/** An RBAC verb, in the order Kubernetes documents them. */
export const RBAC_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
export type RbacVerb = (typeof RBAC_VERBS)[number];

/**
 * What one step needs on one kind: the kind as written in the step's `with`
 * (`apiVersion` and `kind` are the raw values, possibly `${{ }}` templates the
 * caller must refuse) and where it was written, as a JSON pointer under `with`.
 */
export interface KindPermission {
  apiVersion: unknown;
  kind: unknown;
  verbs: RbacVerb[];
  /** JSON pointer, relative to the step's `with`, of the object naming the kind. */
  pointer: string;
}

/** A step's `with` as written, before rendering. */
type RawInput = Record<string, unknown>;

const SECRET = { apiVersion: 'v1', kind: 'Secret' };
/** True unless the input says `false` literally: an expression may give true, so its permission is granted. */
const maybe = (v: unknown) => v !== undefined && v !== false;

const RULES: Record<string, (w: RawInput) => KindPermission[] | undefined> = {
  // Server-side apply: `patch`, and `create` when the object does not exist yet.
  'kubernetes-apply': (w) =>
    Array.isArray(w.manifests) ? w.manifests.map((m, i) => ({ ...kindOf(m), verbs: ['create', 'patch'], pointer: `/manifests/${i}` })) : undefined,
  // One shared list + watch per kind and namespace.
  'wait-for-condition': (w) => [{ ...kindOf(w.resource), verbs: ['list', 'watch'], pointer: '/resource' }],
  'kubernetes-delete': (w) => [{ ...kindOf(w.resource), verbs: maybe(w.wait) ? ['delete', 'list', 'watch'] : ['delete'], pointer: '/resource' }],
  // One Secret by name: a get, and while waiting a watch of that name alone.
  'read-secret': (w) => [{ ...SECRET, verbs: maybe(w.wait) ? ['get', 'watch'] : ['get'], pointer: '' }],
  // A get, a create when missing, a server-side apply to add or rotate keys.
  'generate-secret': () => [{ ...SECRET, verbs: ['get', 'create', 'patch'], pointer: '' }],
};

/**
 * The Kubernetes permissions a step of this package needs for a `with` as
 * written: `undefined` for a type that is not one of these steps, or when the
 * kinds cannot be read without running the workflow (e.g. `manifests` is an
 * expression). Read-secret's verbs are those of its default `secretWatch: 'name'`.
 *
 * @example
 * stepPermissions('kubernetes-delete', { resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' } });
 * // [{ apiVersion: 'v1', kind: 'ConfigMap', verbs: ['delete'], pointer: '/resource' }]
 */
export function stepPermissions(type: string, input: RawInput | undefined): KindPermission[] | undefined {
  const rule = Object.hasOwn(RULES, type) ? RULES[type] : undefined;
  return rule?.(input ?? {});
}

/** The step types {@link stepPermissions} knows. */
export function permissionStepTypes(): string[] {
  return Object.keys(RULES).sort();
}

function kindOf(object: unknown): { apiVersion: unknown; kind: unknown } {
  const o = (typeof object === 'object' && object !== null ? object : {}) as Record<string, unknown>;
  return { apiVersion: o.apiVersion, kind: o.kind };
}

const IRREGULAR: Record<string, string> = { endpoints: 'endpoints' };

/**
 * The resource name RBAC uses for a kind, as kubectl guesses it without
 * discovery: the kind in lower case, plus `s` (`es` after `s`, `ies` for a
 * final `y`), e.g. `postgresql` → `postgresqls`, `NetworkPolicy` →
 * `networkpolicies`. With its API group: `postgresqls.acid.zalan.do`.
 */
export function guessResource(apiVersion: string, kind: string): { group: string; resource: string } {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const lower = kind.toLowerCase();
  const plural = IRREGULAR[lower] ?? (lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`);
  return { group, resource: plural };
}
