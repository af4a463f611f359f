/**
 * Placeholder cases written from Score's substitution rules (score-go, and
 * where score-k8s applies them), each with what score-k8s writes for the
 * workload — the filled variables, files, volumes and params, or an error —
 * and what this host answers: the same filled fields from
 * `GET /api/specs/<app>/resolved` (with `reveal`), or the issues of its
 * refusal at submit.
 */

type Fields = Record<string, unknown>;

/** What a tool makes of a workload: its filled container and params, or an error. */
export type Outcome = { container: Fields; params?: Record<string, Fields> } | 'error';

/** One case of the table. */
export interface PlaceholderCase {
  name: string;
  /** The container `main` (its image is `app:1` unless given). */
  container: Fields;
  /** The resources besides `db` (postgres) and `data` (volume). */
  resources?: Record<string, Fields>;
  scoreK8s: Outcome;
  /** The host's answer: as score-k8s's, unless given (then the issues of the 422, `field: message`). */
  host?: { issues: string[] };
}

/** The metadata of every case's workload. */
export const METADATA = { name: 'web', pgversion: '16', replicas: 3, annotations: { 'zz.example.com/bb': '2', 'example.com/team': 'blue' } };

/** The outputs of `db` once active (as the database-team provider makes them), and of `data`. */
export const DB_OUTPUTS = {
  host: 'db.svc',
  port: 5432,
  name: 'app',
  database: 'app',
  username: 'u',
  password: 'pw',
  tls: { mode: 'require', ca: '<ca>' },
  creds: { user: 'u', pass: 'p' },
};

const vars = (variables: Record<string, string>): Fields => ({ image: 'app:1', variables });
const filled = (variables: Record<string, string>): Outcome => ({ container: vars(variables) });
const unknown = (field: string, message: string) => ({ issues: [`containers.main.variables.${field}: unknown placeholder ${message}`] });
const NOT_A_ROOT = "a placeholder starts with 'metadata.' or 'resources.'";
const DB_HAS = 'host, port, name, database, username, password, tls, creds';

export const PLACEHOLDER_CASES: PlaceholderCase[] = [
  // Syntax: $$ escapes, no trimming, an unclosed ${ is text, \. inside a key.
  { name: 'a metadata field', container: vars({ A: '${metadata.name}-x' }), scoreK8s: filled({ A: 'web-x' }) },
  { name: '$$ is a literal $', container: vars({ A: 'cost: $$5 and $${metadata.name}' }), scoreK8s: filled({ A: 'cost: $5 and ${metadata.name}' }) },
  { name: '$$$${x} keeps one escape', container: vars({ A: '$$$${x}' }), scoreK8s: filled({ A: '$${x}' }) },
  { name: 'an unclosed ${ is text', container: vars({ A: 'x ${oops' }), scoreK8s: filled({ A: 'x ${oops' }) },
  { name: 'a $ before anything else is text', container: vars({ A: '$HOME and $ alone' }), scoreK8s: filled({ A: '$HOME and $ alone' }) },
  {
    name: 'spaces inside ${ } are not trimmed',
    container: vars({ A: '${ metadata.name }' }),
    scoreK8s: 'error',
    host: unknown('A', `'\${ metadata.name }': ${NOT_A_ROOT} (nothing inside \${...} is trimmed); write $$ for a literal $`),
  },
  { name: 'an empty ${}', container: vars({ A: '${}' }), scoreK8s: 'error', host: unknown('A', `'\${}': ${NOT_A_ROOT}; write $$ for a literal $`) },
  {
    name: 'an unknown root',
    container: vars({ A: '${secrets.x}' }),
    scoreK8s: 'error',
    host: unknown('A', `'\${secrets.x}': ${NOT_A_ROOT}; write $$ for a literal $`),
  },
  { name: 'an annotation key with an escaped dot', container: vars({ A: '${metadata.annotations.example\\.com/team}' }), scoreK8s: filled({ A: 'blue' }) },
  {
    name: 'a map is written as JSON with its keys sorted',
    container: vars({ A: '${metadata.annotations}' }),
    scoreK8s: filled({ A: '{"example.com/team":"blue","zz.example.com/bb":"2"}' }),
  },
  { name: 'a number is written as its digits', container: vars({ A: '${metadata.replicas}' }), scoreK8s: filled({ A: '3' }) },
  {
    name: 'a metadata field the workload lacks',
    container: vars({ A: '${metadata.labels.team}' }),
    scoreK8s: 'error',
    host: unknown('A', "'${metadata.labels.team}': metadata has no field 'labels'"),
  },
  {
    name: 'metadata with no key',
    container: vars({ A: '${metadata}' }),
    scoreK8s: 'error',
    host: unknown('A', "'${metadata}': name a metadata field, e.g. '${metadata.name}'"),
  },

  // Resource outputs.
  {
    name: 'the Score outputs of postgres',
    container: vars({
      URL: 'postgres://${resources.db.username}@${resources.db.host}:${resources.db.port}/${resources.db.database}',
      N: '${resources.db.name}',
    }),
    scoreK8s: filled({ URL: 'postgres://u@db.svc:5432/app', N: 'app' }),
  },
  {
    name: 'a map output as JSON: keys sorted, < > & escaped as Go writes them',
    container: vars({ TLS: '${resources.db.tls}' }),
    scoreK8s: filled({ TLS: '{"ca":"\\u003cca\\u003e","mode":"require"}' }),
  },
  { name: 'a key inside a map output', container: vars({ A: '${resources.db.tls.mode}' }), scoreK8s: filled({ A: 'require' }) },
  {
    name: 'a key below a single value',
    container: vars({ A: '${resources.db.port.number}' }),
    scoreK8s: 'error',
    host: unknown(
      'A',
      "'${resources.db.port.number}': output 'port' of resource 'db' is not declared as a mapping (a mapping literal, or a type that is an object), so it has no key 'number'",
    ),
  },
  {
    name: 'an output the resource does not have',
    container: vars({ A: '${resources.db.hostname}' }),
    scoreK8s: 'error',
    host: unknown('A', `'\${resources.db.hostname}': resource 'db' (type postgres) has no output 'hostname'; it has: ${DB_HAS}`),
  },
  {
    name: 'a resource the workload does not declare',
    container: vars({ A: '${resources.cache.host}' }),
    scoreK8s: 'error',
    host: unknown('A', "'${resources.cache.host}': the workload declares no resource 'cache'"),
  },
  {
    name: 'a resource itself outside a volume source',
    container: vars({ A: '${resources.db}' }),
    scoreK8s: 'error',
    host: unknown(
      'A',
      `'\${resources.db}': names resource 'db' but none of its outputs (only a volume source may name a resource itself); write '\${resources.db.<output>}' with one of: ${DB_HAS}`,
    ),
  },
  {
    name: 'an Object.prototype name as a resource',
    container: vars({ A: '${resources.constructor.x}' }),
    scoreK8s: 'error',
    host: unknown('A', "'${resources.constructor.x}': the workload declares no resource 'constructor'"),
  },
  {
    name: 'an Object.prototype name as an output',
    container: vars({ A: '${resources.db.toString}' }),
    scoreK8s: 'error',
    host: unknown('A', `'\${resources.db.toString}': resource 'db' (type postgres) has no output 'toString'; it has: ${DB_HAS}`),
  },
  {
    name: 'an Object.prototype name in metadata',
    container: vars({ A: '${metadata.__proto__}' }),
    scoreK8s: 'error',
    host: unknown('A', "'${metadata.__proto__}': metadata has no field '__proto__'"),
  },
  {
    // score-k8s looks the key up in the outputs it has; the host checks at submit that the provider declares it will always be there.
    name: 'a key the output has but its declared type does not require',
    container: vars({ A: '${resources.db.creds.pass}' }),
    scoreK8s: filled({ A: 'p' }),
    host: unknown(
      'A',
      "'${resources.db.creds.pass}': output 'creds' of resource 'db' is not declared to always have key 'pass' (its type must be an object listing it in required)",
    ),
  },

  // Where placeholders are expanded, and where they are not.
  {
    name: 'image, command, args and probes are passed through',
    container: {
      image: 'app:${metadata.name}',
      command: ['sh', '-c'],
      args: ['echo ${HOME} ${resources.nope}'],
      livenessProbe: { exec: { command: ['test', '-n', '${HOME}'] } },
    },
    scoreK8s: {
      container: {
        image: 'app:${metadata.name}',
        command: ['sh', '-c'],
        args: ['echo ${HOME} ${resources.nope}'],
        livenessProbe: { exec: { command: ['test', '-n', '${HOME}'] } },
      },
    },
  },
  {
    name: 'file content is expanded',
    container: { image: 'app:1', files: { '/etc/app.conf': { content: 'db=${resources.db.host}\nname=${metadata.name}' } } },
    scoreK8s: { container: { image: 'app:1', files: { '/etc/app.conf': { content: 'db=db.svc\nname=web' } } } },
  },
  {
    name: 'file content with noExpand is not',
    container: { image: 'app:1', files: { '/etc/raw': { content: '${resources.db.host} ${HOME}', noExpand: true } } },
    scoreK8s: { container: { image: 'app:1', files: { '/etc/raw': { content: '${resources.db.host} ${HOME}', noExpand: true } } } },
  },
  {
    // score-k8s mounts the volume resource the source names; the resolved workload names it by its identity.
    name: 'a volume source names the resource itself',
    container: { image: 'app:1', volumes: { '/data': { source: '${resources.data}' } } },
    scoreK8s: { container: { image: 'app:1', volumes: { '/data': { source: 'volume.default#web.data' } } } },
  },

  // Resource params.
  {
    name: 'params read metadata and another resource, in lists too; other values are kept',
    container: vars({}),
    resources: {
      replica: {
        type: 'postgres',
        params: { version: '${metadata.pgversion}', primary: '${resources.db.host}:${resources.db.port}', tags: ['${metadata.name}'], n: 3 },
      },
    },
    scoreK8s: { container: vars({}), params: { replica: { version: '16', primary: 'db.svc:5432', tags: ['web'], n: 3 } } },
  },
  {
    name: 'params with a $$ escape',
    container: vars({}),
    resources: { replica: { type: 'postgres', params: { note: 'costs $$5, not $${metadata.name}' } } },
    scoreK8s: { container: vars({}), params: { replica: { note: 'costs $5, not ${metadata.name}' } } },
  },
  {
    name: 'params reading their own resource',
    container: vars({}),
    resources: { replica: { type: 'postgres', params: { me: '${resources.replica.host}' } } },
    scoreK8s: 'error',
    host: {
      issues: ["resources.replica.params.me: unknown placeholder '${resources.replica.host}': resource 'replica' cannot read its own outputs in its params"],
    },
  },
  {
    name: 'params that read each other in a cycle',
    container: vars({}),
    resources: {
      first: { type: 'postgres', params: { other: '${resources.second.host}' } },
      second: { type: 'postgres', params: { other: '${resources.first.host}' } },
    },
    scoreK8s: 'error',
    host: {
      issues: [
        "resources.first.params: reads outputs of 'second', which (through first → second → first) reads this resource's outputs: a cycle",
        "resources.second.params: reads outputs of 'first', which (through first → second → first) reads this resource's outputs: a cycle",
      ],
    },
  },
];
