import type { RbacDerivation } from './derive-rbac';

/** Options of {@link renderClusterRole}. */
export interface ClusterRoleOptions {
  /** The role's name. */
  name: string;
  /** `namespace/name` of a service account to bind the role to (adds a ClusterRoleBinding). */
  serviceAccount?: string;
  /** The first comment line, e.g. where the role came from. */
  header?: string;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The rules as a ClusterRole (and optionally its ClusterRoleBinding) in YAML,
 * ready for `kubectl apply -f -`. Each rule is preceded by comments naming the
 * steps that need it and what they need.
 */
export function renderClusterRole(derivation: RbacDerivation, options: ClusterRoleOptions): string {
  const lines: string[] = [];
  if (options.header) lines.push(`# ${options.header}`);
  for (const u of derivation.uncovered) lines.push(`# not covered (a step type of another package; grant what it needs yourself): ${u}`);
  lines.push('apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', `  name: ${q(options.name)}`);
  if (derivation.rules.length === 0) lines.push('rules: []');
  else lines.push('rules:');
  for (const r of derivation.rules) {
    for (const n of r.neededBy) lines.push(`  # ${n}`);
    lines.push(`  - apiGroups: [${q(r.group)}]`, `    resources: [${q(r.resource)}]`, `    verbs: [${r.verbs.map(q).join(', ')}]`);
  }
  if (options.serviceAccount) {
    const [namespace, account] = splitAccount(options.serviceAccount);
    lines.push(
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata:',
      `  name: ${q(options.name)}`,
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      `  name: ${q(options.name)}`,
      'subjects:',
      '  - kind: ServiceAccount',
      `    name: ${q(account)}`,
      `    namespace: ${q(namespace)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `namespace/name` → its two parts (the CLI checks the form). */
export function splitAccount(value: string): [string, string] {
  const i = value.indexOf('/');
  return [value.slice(0, i), value.slice(i + 1)];
}
