import { sensitive, Type, type Sensitive, type Static, type StepContext } from '@innominatus/core';
import type { KubeObject, KubernetesClient, ResourceInfo } from '../client/kubernetes-client';
import { KubernetesError } from '../errors';
import {
  clientGetter,
  defineKubernetesStep,
  describeObject,
  DurationSchema,
  formatMs,
  NamespaceSchema,
  NameSchema,
  waitBudgetMs,
  type KubernetesStepOptions,
} from '../step-options';
import { observeObject, type Observer } from '../watch/observe-object';
import { observeNamedObject } from '../watch/observe-named';
import { STEPS_KUBERNETES_VERSION } from '../version';

const KEY = '^[-._a-zA-Z0-9]+$';

const input = Type.Object(
  {
    name: NameSchema,
    namespace: Type.Optional(NamespaceSchema),
    keys: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: KEY }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'keys to read (default: all)',
      }),
    ),
    plain: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: KEY }), {
        maxItems: 100,
        uniqueItems: true,
        description:
          'keys whose values are not secret (e.g. a username): output as plain strings, the others stay sensitive; write the list as such (a computed list declassifies nothing)',
      }),
    ),
    wait: Type.Optional(Type.Boolean({ description: 'wait until the Secret exists (default false)' })),
    timeout: Type.Optional(DurationSchema),
  },
  { additionalProperties: false },
);

const outputWith = (plain: readonly string[]) =>
  Type.Object({
    name: Type.String(),
    namespace: Type.String(),
    keys: Type.Array(Type.String(), { description: 'the keys read (names are not secret)' }),
    data: Type.Unsafe<Record<string, Sensitive<string> | string>>({
      type: 'object',
      ...(plain.length ? { properties: Object.fromEntries(plain.map((k) => [k, { type: 'string', description: 'a plain key: not secret' }])) } : {}),
      additionalProperties: { 'x-sensitive': true },
      description: 'decoded values by key, sensitive except the plain keys',
    }),
  });

const output = outputWith([]);

/** The keys of `plain` as written: only a literal list of key names declassifies; anything else (an expression) none. */
function writtenPlain(written: Readonly<Record<string, unknown>>): string[] {
  const plain = written.plain;
  if (!Array.isArray(plain)) return [];
  return plain.filter((k): k is string => typeof k === 'string' && new RegExp(KEY).test(k));
}

/** Options of {@link readSecret}. */
export interface ReadSecretOptions extends KubernetesStepOptions {
  /**
   * How a step with `wait: true` waits for its Secret. `'name'` (default):
   * a `get`, then a `watch` of that one name (RBAC: `get` and `watch` on
   * secrets; the process holds that Secret only). `'namespace'`: the client's
   * shared list + watch of every Secret in the namespace, one per namespace
   * however many steps wait: fewer API requests for very large fleets, but
   * RBAC must grant `list` on secrets and the host holds every Secret of the
   * namespace (other applications' credentials too) in memory.
   */
  secretWatch?: 'name' | 'namespace' | undefined;
}

/**
 * `read-secret`: reads one Secret by name (optionally waiting until it
 * exists), decodes base64 and outputs `data.<key>` as sensitive values,
 * except the keys listed in `plain` (declassified on purpose, e.g. a
 * username): those are plain strings, for the engine and the analysis alike
 * (through `outputFor`). A missing key fails listing the keys present, never
 * values.
 *
 * @example
 * registry.register(readSecret({ client }));
 * // with: { name: myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do, namespace: apps, keys: [username, password], wait: true, timeout: 5m }
 */
export function readSecret(options: ReadSecretOptions) {
  const client = clientGetter(options);
  const observe = options.secretWatch === 'namespace' ? observeObject : observeNamedObject;
  return defineKubernetesStep({
    type: 'read-secret',
    version: STEPS_KUBERNETES_VERSION,
    description: 'Reads a Kubernetes Secret (optionally waiting for it) and outputs its decoded values as sensitive data',
    input,
    output,
    outputFor: (written) => outputWith(writtenPlain(written)),
    timeout: '5m',
    examples: [
      {
        description: 'database credentials created by the postgres operator',
        with: {
          name: 'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do',
          namespace: 'apps',
          keys: ['username', 'password'],
          plain: ['username'],
          wait: true,
          timeout: '10m',
        },
      },
    ],
    async run(inp, ctx) {
      const k8s = client();
      const info = await k8s.resource('v1', 'Secret', ctx.signal);
      const namespace = k8s.namespaceFor(info, inp.namespace)!;
      const what = describeObject('Secret', namespace, inp.name);
      const secret = inp.wait
        ? await awaitSecret(observe, k8s, info, namespace, inp, what, ctx)
        : await k8s.get({ apiVersion: 'v1', kind: 'Secret', name: inp.name, namespace }, ctx.signal);
      if (!secret) throw new KubernetesError('K8S_SECRET_NOT_FOUND', `${what} not found (set wait: true to wait for it)`);
      const { wanted, data } = decodeKeys(secret, inp, what);
      ctx.progress(`read ${wanted.length} key(s) of ${what}: ${wanted.join(', ')}`);
      return { name: inp.name, namespace, keys: wanted, data };
    },
  });
}

type Input = Static<typeof input>;

/** Waits (within the step's budget) until the Secret exists; K8S_SECRET_NOT_FOUND when it does not appear in time. */
async function awaitSecret(
  observe: Observer,
  k8s: KubernetesClient,
  info: ResourceInfo,
  namespace: string,
  inp: Input,
  what: string,
  ctx: StepContext,
): Promise<KubeObject> {
  const budget = waitBudgetMs(inp.timeout, ctx);
  ctx.progress(`waiting for ${what} to exist`);
  const r = await observe<KubeObject>(k8s, info, namespace, inp.name, {
    signal: ctx.signal,
    timeoutMs: budget,
    clock: ctx.clock,
    decide: (o) => (o ? { done: o } : undefined),
  });
  if ('timedOut' in r) throw new KubernetesError('K8S_SECRET_NOT_FOUND', `${what} did not appear within ${formatMs(budget)}`);
  return r.done;
}

/** The keys to read (`keys`, else all, sorted) decoded from base64, sensitive except the `plain` ones; a missing key or a plain key not read is an error. */
function decodeKeys(secret: KubeObject, inp: Input, what: string): { wanted: string[]; data: Record<string, Sensitive<string> | string> } {
  const raw = (secret.data ?? {}) as Record<string, string>;
  const present = Object.keys(raw).sort();
  const wanted = inp.keys ?? present;
  const missing = wanted.filter((k) => !(k in raw));
  if (missing.length) {
    const list = missing.map((k) => `'${k}'`).join(', ');
    throw new KubernetesError('K8S_SECRET_KEY_MISSING', `${what} has no key ${list} (keys present: ${present.length ? present.join(', ') : 'none'})`);
  }
  const plain = new Set(inp.plain ?? []);
  const stray = [...plain].filter((k) => !wanted.includes(k));
  if (stray.length) {
    throw new KubernetesError('K8S_INPUT_INVALID', `plain names key(s) not read: ${stray.map((k) => `'${k}'`).join(', ')} (keys read: ${wanted.join(', ')})`);
  }
  const data: Record<string, Sensitive<string> | string> = {};
  for (const k of wanted) {
    const value = Buffer.from(String(raw[k]), 'base64').toString('utf8');
    data[k] = plain.has(k) ? value : sensitive(value);
  }
  return { wanted, data };
}
