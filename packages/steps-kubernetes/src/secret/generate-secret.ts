import { randomInt } from 'node:crypto';
import { reveal, sensitive, Type, type Sensitive } from '@innominatus/core';
import type { KubeObject } from '../client/kubernetes-client';
import { KubernetesError } from '../errors';
import { clientGetter, defineKubernetesStep, describeObject, NamespaceSchema, NameSchema, type KubernetesStepOptions } from '../step-options';
import { STEPS_KUBERNETES_VERSION } from '../version';

const KEY = '^[-._a-zA-Z0-9]+$';

/** The named alphabets of `generate-secret`. */
export const ALPHABETS = Object.freeze({
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  lowercase: 'abcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
});

const ValueSpec = Type.Object(
  {
    length: Type.Integer({ minimum: 1, maximum: 1024, description: 'characters to generate' }),
    alphabet: Type.Optional(
      Type.Union(
        Object.keys(ALPHABETS).map((a) => Type.Literal(a)),
        { description: 'a named alphabet (default alphanumeric)' },
      ),
    ),
    characters: Type.Optional(Type.String({ minLength: 2, maxLength: 256, description: 'the characters to draw from, instead of a named alphabet' })),
  },
  { additionalProperties: false },
);

const input = Type.Object(
  {
    name: NameSchema,
    namespace: Type.Optional(NamespaceSchema),
    generate: Type.Record(Type.String({ minLength: 1, maxLength: 253, pattern: KEY }), ValueSpec, {
      minProperties: 1,
      maxProperties: 50,
      description: 'the keys to generate, each with its length and alphabet',
    }),
    rotate: Type.Optional(
      Type.Boolean({ description: 'replace the generated keys of an existing Secret with new values (default false: an existing value is never changed)' }),
    ),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'the Secret type of a new Secret (default Opaque)' })),
    labels: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 317 }), Type.String({ maxLength: 63 }), { maxProperties: 64 })),
  },
  { additionalProperties: false },
);

const output = Type.Object({
  name: Type.String(),
  namespace: Type.String(),
  keys: Type.Array(Type.String(), { description: 'the generated keys (names are not secret)' }),
  created: Type.Boolean({ description: 'this step created the Secret' }),
  changed: Type.Array(Type.String(), {
    description: 'keys this step wrote: all of them when it created or rotated, the missing ones when it added to an existing Secret',
  }),
  data: Type.Unsafe<Record<string, Sensitive<string>>>({
    type: 'object',
    additionalProperties: { 'x-sensitive': true },
    description: 'the values by key, sensitive',
  }),
});

/** Options of {@link generateSecret}. */
export interface GenerateSecretOptions extends KubernetesStepOptions {
  /**
   * A uniform random integer in `[0, max)`. Default: `crypto.randomInt`
   * (a CSPRNG). Tests inject a scripted source to get exact values.
   */
  randomInt?: ((max: number) => number) | undefined;
}

/**
 * `generate-secret`: makes sure a Secret holds generated values for the
 * given keys. A missing Secret is created (a `create`, so two runs cannot
 * both win); an existing one keeps its values, and only keys it lacks are
 * added, unless `rotate: true`. The values are drawn once per run and
 * remembered in the journal (sealed), so a retried or resumed step writes
 * and outputs the same values; outputs `data.<key>` as sensitive values.
 *
 * @example
 * registry.register(generateSecret({ client }));
 * // with: { name: cache-redis-password, namespace: apps, generate: { password: { length: 32 } } }
 */
export function generateSecret(options: GenerateSecretOptions) {
  const client = clientGetter(options);
  const draw = options.randomInt ?? randomInt;
  return defineKubernetesStep({
    type: 'generate-secret',
    version: STEPS_KUBERNETES_VERSION,
    description:
      'Creates a Secret with generated values unless it exists; an existing value is kept unless rotate is set. Outputs the values as sensitive data',
    input,
    output,
    timeout: '1m',
    examples: [
      {
        description: 'a Redis password, generated on the first run and kept afterwards',
        with: { name: 'cache-redis-password', namespace: 'apps', generate: { password: { length: 32 } } },
      },
    ],
    async run(inp, ctx) {
      const k8s = client();
      const info = await k8s.resource('v1', 'Secret', ctx.signal);
      const namespace = k8s.namespaceFor(info, inp.namespace)!;
      const what = describeObject('Secret', namespace, inp.name);
      const alphabets = alphabetsOf(inp.generate);
      const keys = Object.keys(inp.generate);
      const ref = { apiVersion: 'v1', kind: 'Secret', name: inp.name, namespace };
      const fresh = async () => {
        const values = await ctx.remember('generated', () => sensitive(generateAll(inp.generate, alphabets, draw)));
        return reveal(values);
      };
      let existing = await k8s.get(ref, ctx.signal);
      if (!existing) {
        const values = await fresh();
        const secret: KubeObject = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: inp.name, namespace, ...(inp.labels ? { labels: inp.labels } : {}) },
          type: inp.type ?? 'Opaque',
          data: encode(values),
        };
        try {
          await k8s.create(secret, ctx.signal);
          ctx.progress(`created ${what} with ${keys.length} generated key(s): ${keys.join(', ')}`);
          return result(inp.name, namespace, keys, true, keys, values);
        } catch (err) {
          if (!(KubernetesError.is(err) && err.status === 409)) throw err;
          // Created meanwhile (by another run, or by this try's lost answer): use what is there.
          existing = await k8s.get(ref, ctx.signal);
          if (!existing) throw new KubernetesError('K8S_UNAVAILABLE', `${what} was reported to exist but could not be read`);
        }
      }
      const current = decode(existing);
      const changed = inp.rotate ? keys : keys.filter((k) => current[k] === undefined);
      if (changed.length === 0) {
        ctx.progress(`${what} exists; kept its values of ${keys.join(', ')}`);
        return result(inp.name, namespace, keys, false, [], current);
      }
      const values = await fresh();
      const next = { ...current };
      for (const k of changed) next[k] = values[k]!;
      await k8s.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: inp.name, namespace }, data: encode(next) }, { signal: ctx.signal });
      ctx.progress(`${inp.rotate ? 'rotated' : 'added'} ${changed.join(', ')} in ${what}`);
      return result(inp.name, namespace, keys, false, changed, next);
    },
  });
}

type Spec = { length: number; alphabet?: string; characters?: string };

/** The characters of each key's alphabet; a key naming both an alphabet and characters, or repeating a character, is refused. */
function alphabetsOf(generate: Record<string, Spec>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, spec] of Object.entries(generate)) {
    if (spec.characters !== undefined && spec.alphabet !== undefined) {
      throw new KubernetesError('K8S_INPUT_INVALID', `generate.${key}: give either alphabet or characters, not both`);
    }
    const chars = [...(spec.characters ?? ALPHABETS[(spec.alphabet ?? 'alphanumeric') as keyof typeof ALPHABETS])];
    if (new Set(chars).size !== chars.length) {
      throw new KubernetesError('K8S_INPUT_INVALID', `generate.${key}.characters: each character may appear once (a repeated one would be drawn more often)`);
    }
    out[key] = chars;
  }
  return out;
}

/** One value per key, each character drawn from its alphabet with `draw` (unbiased when `draw` is uniform). */
function generateAll(generate: Record<string, Spec>, alphabets: Record<string, string[]>, draw: (max: number) => number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(generate)) {
    const chars = alphabets[key]!;
    let value = '';
    for (let i = 0; i < spec.length; i++) value += chars[draw(chars.length)];
    out[key] = value;
  }
  return out;
}

function encode(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}

function decode(secret: KubeObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
}

function result(name: string, namespace: string, keys: string[], created: boolean, changed: string[], values: Record<string, string>) {
  const data: Record<string, Sensitive<string>> = {};
  for (const k of keys) data[k] = sensitive(values[k]!);
  return { name, namespace, keys, created, changed, data };
}
