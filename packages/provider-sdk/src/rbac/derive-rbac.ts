import type { LoadedProvider } from '@innominatus/core';
import { placedSteps } from '@innominatus/core/internal';
import { ProviderSdkError } from '../errors';

/** One rule of the role: a resource of an API group and the verbs on it, with the steps that need them. */
export interface RbacRule {
  group: string;
  resource: string;
  verbs: string[];
  /** `workflow/step (type): verbs`, in workflow and step order. */
  neededBy: string[];
}

/** What {@link deriveRbac} found. */
export interface RbacDerivation {
  rules: RbacRule[];
  /** Steps of types with no known Kubernetes permissions (`workflow/step (type)`): their needs are not in the role. */
  uncovered: string[];
}

type StepsKubernetes = typeof import('@innominatus/steps-kubernetes');

/** Options of {@link deriveRbac}. */
export interface DeriveRbacOptions {
  /**
   * Resource names for kinds whose plural is not the guessed one, keyed
   * `Kind.group` (`Kind` for the core group), e.g. `{ 'Redis.redis.redis.opstreelabs.in': 'redis' }`.
   */
  plurals?: Record<string, string>;
}

/**
 * The least-privilege rules a provider's steps need, from the kinds each
 * workflow applies, waits on, reads and deletes (the verbs per step type are
 * `@innominatus/steps-kubernetes`' `stepPermissions`; resource names are
 * guessed from the kind as kubectl does, unless `plurals` names them). A kind written as an
 * expression cannot be known before a run: that is a `RBAC_KIND_DYNAMIC`
 * error naming the file, line and column.
 */
export async function deriveRbac(provider: LoadedProvider, options: DeriveRbacOptions = {}): Promise<RbacDerivation> {
  const k8s: StepsKubernetes = await import('@innominatus/steps-kubernetes');
  const byResource = new Map<string, RbacRule>();
  const uncovered: string[] = [];
  for (const ref of provider.provider.workflows) {
    const loaded = provider.workflows.get(ref.name);
    if (!loaded) continue;
    // The onFailure steps need their permissions as much as the steps do.
    placedSteps(loaded.workflow).forEach(({ step, pointer: base }) => {
      const label = `${ref.name}/${step.name} (${step.type})`;
      const perms = k8s.stepPermissions(step.type, step.with);
      if (perms === undefined) {
        if (k8s.permissionStepTypes().includes(step.type)) dynamic(loaded, `${base}/with`, `${label}: the kinds of this step are an expression`);
        uncovered.push(label);
        return;
      }
      const byRule = new Map<RbacRule, Set<string>>();
      for (const p of perms) {
        const at = `${base}/with${p.pointer}`;
        if (!isLiteral(p.apiVersion) || !isLiteral(p.kind))
          dynamic(
            loaded,
            at,
            `${label}: apiVersion and kind must be written as plain text to derive RBAC (got ${describe(p.apiVersion)} and ${describe(p.kind)})`,
          );
        const guessed = k8s.guessResource(p.apiVersion as string, p.kind as string);
        const { group } = guessed;
        const resource = options.plurals?.[group ? `${p.kind as string}.${group}` : (p.kind as string)] ?? guessed.resource;
        const key = `${group}|${resource}`;
        let rule = byResource.get(key);
        if (!rule) {
          rule = { group, resource, verbs: [], neededBy: [] };
          byResource.set(key, rule);
        }
        rule.verbs = ordered([...rule.verbs, ...p.verbs], k8s.RBAC_VERBS);
        const mine = byRule.get(rule) ?? new Set<string>();
        for (const v of p.verbs) mine.add(v);
        byRule.set(rule, mine);
      }
      for (const [rule, verbs] of byRule) rule.neededBy.push(`${label}: ${ordered([...verbs], k8s.RBAC_VERBS).join(', ')}`);
    });
  }
  const rules = [...byResource.values()].sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource));
  return { rules, uncovered };
}

function isLiteral(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && !v.includes('${{');
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : v === undefined ? 'nothing' : typeof v;
}

function ordered(verbs: string[], order: readonly string[]): string[] {
  return [...new Set(verbs)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function dynamic(
  loaded: { source?: { file?: string; positionOf(p: string): { line: number; col: number } | undefined } },
  pointer: string,
  message: string,
): never {
  const pos = loaded.source?.positionOf(pointer);
  const file = loaded.source?.file;
  const where = pos ? `${file ? `${file}:` : ''}${pos.line}:${pos.col}: ` : '';
  throw new ProviderSdkError('RBAC_KIND_DYNAMIC', `${where}${message}`);
}
