import { describe, expect, it } from 'vitest';
import { ScoreError } from '../src/errors';
import { provisioningOrder } from '../src/score/params-order';
import { checkPlaceholders, type DeclaredOutputs } from '../src/score/placeholder-check';
import { resolveParams, resolveWorkload, type ResolvableResource } from '../src/score/placeholder-fill';
import { parseScore } from '../src/score/score-spec';
import { DB_OUTPUTS, METADATA, PLACEHOLDER_CASES, type Outcome, type PlaceholderCase } from './placeholder-cases';

/** The outputs the provider's workflows declare: a mapping for `tls`, an object type requiring `user` for `creds`. */
const DECLARED: DeclaredOutputs = (r) =>
  r.type === 'postgres'
    ? {
        host: '${{ vars.host }}',
        port: 5432,
        name: '${{ vars.db }}',
        database: '${{ vars.db }}',
        username: '${{ vars.user }}',
        password: '${{ vars.pw }}',
        tls: { mode: 'require', ca: '${{ vars.ca }}' },
        creds: { value: '${{ vars.creds }}', type: { type: 'object', required: ['user'], properties: { user: { type: 'string' }, pass: { type: 'string' } } } },
      }
    : r.type === 'volume'
      ? { source: { emptyDir: {} } }
      : undefined;

const active = (outputs: Record<string, unknown>, id: string): ResolvableResource => ({ id, state: 'active', outputs });

/** What the host makes of a case: checked as at submit, then filled as `/resolved` and the provider's params are, every resource active. */
function hostAnswer(c: PlaceholderCase): Outcome | { issues: string[] } {
  const { spec } = parseScore({
    apiVersion: 'score.dev/v1b1',
    metadata: METADATA,
    containers: { main: c.container },
    resources: { db: { type: 'postgres' }, data: { type: 'volume' }, ...c.resources },
  });
  try {
    const { dependsOn } = checkPlaceholders(spec, DECLARED);
    provisioningOrder(Object.keys(spec.resources ?? {}), dependsOn);
  } catch (err) {
    if (!(err instanceof ScoreError)) throw err;
    return { issues: err.issues.map((i) => `${i.field}: ${i.message}`) };
  }
  const lookup = (name: string) => (name === 'data' ? active({ source: {} }, 'r-data') : active(DB_OUTPUTS, `r-${name}`));
  const container = resolveWorkload(spec, lookup, { reveal: true }).containers.main as unknown as Record<string, unknown>;
  const withParams = Object.keys(c.resources ?? {}).filter((n) => spec.resources![n]!.params !== undefined);
  return withParams.length ? { container, params: Object.fromEntries(withParams.map((n) => [n, resolveParams(spec, n, lookup)])) } : { container };
}

const agrees = (host: ReturnType<typeof hostAnswer>, scoreK8s: Outcome) =>
  scoreK8s === 'error' ? 'issues' in (host as object) : !('issues' in (host as object)) && JSON.stringify(host) === JSON.stringify(scoreK8s);

describe('placeholders against what score-k8s writes', () => {
  it.each(PLACEHOLDER_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(hostAnswer(c)).toEqual(c.host ?? c.scoreK8s);
  });

  it('agrees with score-k8s on all but the key its checks at submit cannot promise', () => {
    const differing = PLACEHOLDER_CASES.filter((c) => !agrees(hostAnswer(c), c.scoreK8s)).map((c) => c.name);
    expect([PLACEHOLDER_CASES.length, PLACEHOLDER_CASES.length - differing.length]).toEqual([32, 31]);
    expect(differing).toEqual(['a key the output has but its declared type does not require']);
  });
});
