/**
 * Score workloads written from the Score specification (score.dev/v1b1),
 * each with what the Score reference tools (score-k8s, score-compose, which
 * validate against the official schema before anything else) do with it, and
 * what this host answers: accepted (with its warnings) or refused with
 * exactly these issues (`field: message`).
 */

type Workload = Record<string, unknown>;

/** One case of the table. */
export interface ScoreCase {
  name: string;
  spec: Workload;
  /** What score-k8s does with it (its schema check). */
  scoreK8s: 'accepts' | 'refuses';
  /** The host's answer with the innominatus dialect read (the default). */
  host: { warnings: string[] } | { issues: string[] };
  /** The host's answer with `score.innominatusDialect: false`, when it differs. */
  scoreOnly?: { warnings: string[] } | { issues: string[] };
}

const base = (
  extra: { metadata?: Workload; container?: Workload; containers?: Workload; resources?: Workload; service?: Workload; top?: Workload } = {},
): Workload => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'web', ...extra.metadata },
  containers: extra.containers ?? { main: { image: 'nginx:1', ...extra.container } },
  ...(extra.service ? { service: extra.service } : {}),
  ...(extra.resources ? { resources: extra.resources } : {}),
  ...extra.top,
});

const ok = { warnings: [] };

export const CASES: ScoreCase[] = [
  // Valid Score: accepted as it is.
  { name: 'the smallest workload', spec: base(), scoreK8s: 'accepts', host: ok },
  {
    name: 'names may start with a digit',
    spec: base({ metadata: { name: '1app' }, containers: { '0c': { image: 'x' } }, resources: { '9db': { type: 'postgres' } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'the official postgres sample shape',
    spec: base({
      container: {
        variables: {
          PGHOST: '${resources.db.host}',
          PGDATABASE: '${resources.db.database}',
          PGNAME: '${resources.db.name}',
          PGPASSWORD: '${resources.db.password}',
        },
      },
      resources: { db: { type: 'postgres' } },
    }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'free metadata keys and prefixed annotation keys',
    spec: base({ metadata: { team: 'a', pgversion: '16', annotations: { 'example.com/owner': 'me', 'score.dev/workload-kind': 'Deployment' } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'variables with dots and dashes in keys',
    spec: base({ container: { variables: { 'a.b-c': '1', LOG_LEVEL: 'debug' } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'files as a map: content, binaryContent, source, mode, noExpand',
    spec: base({
      container: {
        files: {
          '/etc/a.conf': { content: 'x=${metadata.name}', mode: '0644' },
          '/etc/b.bin': { binaryContent: 'AAEC' },
          '/etc/c': { source: './c.txt', noExpand: true },
        },
      },
    }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'files as the older list with target',
    spec: base({ container: { files: [{ target: '/etc/a.conf', content: 'a', mode: '600' }] } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'volumes as a map',
    spec: base({ container: { volumes: { '/data': { source: '${resources.data}', path: 'sub', readOnly: true } } }, resources: { data: { type: 'volume' } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  { name: 'volumes as the older list with target', spec: base({ container: { volumes: [{ target: '/data', source: 'x' }] } }), scoreK8s: 'accepts', host: ok },
  {
    name: 'service ports with protocol and targetPort',
    spec: base({ service: { ports: { www: { port: 80, targetPort: 8080 }, dns: { port: 53, protocol: 'UDP' } } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'container resources: limits and requests',
    spec: base({ container: { resources: { limits: { cpu: '2', memory: '1.5Gi' }, requests: { cpu: '250m', memory: '128M' } } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'probes: httpGet and exec',
    spec: base({
      container: {
        livenessProbe: { httpGet: { port: 8080, path: '/healthz', scheme: 'HTTPS', httpHeaders: [{ name: 'X-Probe', value: '1' }] } },
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } },
      },
    }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'command and args with a shell variable',
    spec: base({ container: { command: ['/bin/sh', '-c'], args: ['echo ${HOME} $PATH'] } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'container start order (before)',
    spec: base({ containers: { main: { image: 'a' }, init: { image: 'b', before: { main: { ready: 'complete' } } } } }),
    scoreK8s: 'accepts',
    host: ok,
  },
  {
    name: 'a resource with class, id, metadata and free params',
    spec: base({
      resources: {
        db: {
          type: 'postgres',
          class: 'large',
          id: 'shared-db.main',
          metadata: { annotations: { 'example.com/tier': 'gold' }, owner: 'x' },
          params: { version: '16', extensions: ['pgvector'] },
        },
      },
    }),
    scoreK8s: 'accepts',
    host: ok,
  },

  // Not Score: refused by the Score tools, and here.
  {
    name: 'another apiVersion',
    spec: base({ top: { apiVersion: 'score.dev/v1b2' } }),
    scoreK8s: 'refuses',
    host: { issues: ["apiVersion: must be 'score.dev/v1b1'; got 'score.dev/v1b2'"] },
  },
  {
    name: 'a one-character workload name',
    spec: base({ metadata: { name: 'a' } }),
    scoreK8s: 'refuses',
    host: { issues: ["metadata.name: must be a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -; got 'a'"] },
  },
  {
    name: 'an uppercase workload name',
    spec: base({ metadata: { name: 'MyApp' } }),
    scoreK8s: 'refuses',
    host: { issues: ["metadata.name: must be a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -; got 'MyApp'"] },
  },
  {
    name: 'a workload name ending with -',
    spec: base({ metadata: { name: 'web-' } }),
    scoreK8s: 'refuses',
    host: { issues: ["metadata.name: must be a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -; got 'web-'"] },
  },
  { name: 'no containers', spec: base({ top: { containers: undefined } }), scoreK8s: 'refuses', host: { issues: ['containers: is required'] } },
  {
    name: 'an empty containers map',
    spec: base({ containers: {} }),
    scoreK8s: 'refuses',
    host: { issues: ['containers: must NOT have fewer than 1 properties; got {}'] },
  },
  { name: 'an unknown top-level field', spec: base({ top: { spec: {} } }), scoreK8s: 'refuses', host: { issues: ['spec: is not a known field'] } },
  {
    name: 'ports on a container',
    spec: base({ container: { ports: [{ containerPort: 80 }] } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.ports: is not a Score field: Score declares ports once per workload, in service.ports'] },
  },
  {
    name: 'an unknown container field',
    spec: base({ container: { restartPolicy: 'Always' } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.restartPolicy: is not a known field'] },
  },
  {
    name: 'a container without image',
    spec: base({ containers: { main: { command: ['x'] } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.image: is required'] },
  },
  {
    name: 'a number as a variable value',
    spec: base({ container: { variables: { PORT: 8080 } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.variables.PORT: must be string; got 8080'] },
  },
  {
    name: 'a variable name with =',
    spec: base({ container: { variables: { 'A=B': 'x' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["containers.main.variables: key 'A=B' must be a variable name without ="] },
  },
  {
    name: 'a boolean as an annotation value',
    spec: base({ metadata: { annotations: { 'example.com/on': true } } }),
    scoreK8s: 'refuses',
    host: { issues: ['metadata.annotations.example.com/on: must be string; got true'] },
  },
  {
    name: 'an annotation key starting with -',
    spec: base({ metadata: { annotations: { '-bad': 'x' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["metadata.annotations: key '-bad' must be an annotation key (an optional DNS prefix and /, then letters, digits, ., _ and -)"] },
  },
  {
    name: 'an uppercase container name',
    spec: base({ containers: { Main: { image: 'x' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["containers: key 'Main' must be a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -"] },
  },
  {
    name: 'a one-character resource name',
    spec: base({ resources: { d: { type: 'postgres' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["resources: key 'd' must be a name of 2 to 63 lowercase letters, digits and -, not starting or ending with -"] },
  },
  {
    name: 'a resource type with _',
    spec: base({ resources: { db: { type: 'pg_sql' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["resources.db.type: must be a resource type of 2 to 63 letters, digits and -, not starting or ending with -; got 'pg_sql'"] },
  },
  {
    name: 'a one-character resource class',
    spec: base({ resources: { db: { type: 'postgres', class: 'x' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["resources.db.class: must be a resource class of 2 to 63 letters, digits and -, not starting or ending with -; got 'x'"] },
  },
  {
    name: 'an uppercase resource id',
    spec: base({ resources: { db: { type: 'postgres', id: 'Shared' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["resources.db.id: must be an id of dot-separated labels of lowercase letters, digits and inner -; got 'Shared'"] },
  },
  {
    name: 'an unknown resource field',
    spec: base({ resources: { db: { type: 'postgres', kind: 'x' } } }),
    scoreK8s: 'refuses',
    host: { issues: ['resources.db.kind: is not a known field'] },
  },
  {
    name: 'a resource without type',
    spec: base({ resources: { db: { params: {} } } }),
    scoreK8s: 'refuses',
    host: { issues: ['resources.db.type: is required'] },
  },
  {
    name: 'a boolean as a resource annotation value',
    spec: base({ resources: { db: { type: 'postgres', metadata: { annotations: { 'ab.io/xy': false } } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['resources.db.metadata.annotations.ab.io/xy: must be string; got false'] },
  },
  {
    name: 'a file with content and source',
    spec: base({ container: { files: { '/a': { content: 'x', source: './a' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.files./a: must have exactly one of content, binaryContent or source; got content and source'] },
  },
  {
    name: 'a file with neither content nor source',
    spec: base({ container: { files: { '/a': { mode: '0644' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.files./a: must have exactly one of content, binaryContent or source; got none'] },
  },
  {
    name: 'target inside the map form of files',
    spec: base({ container: { files: { '/a': { target: '/b', content: 'x' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.files./a.target: is not a known field'] },
  },
  {
    name: 'a file mode that is not octal',
    spec: base({ container: { files: { '/a': { content: 'x', mode: '999' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ["containers.main.files./a.mode: must be an octal file mode such as 0644; got '999'"] },
  },
  {
    name: 'a volume without source',
    spec: base({ container: { volumes: { '/data': { path: 'x' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.volumes./data.source: is required'] },
  },
  {
    name: 'an httpGet probe without port',
    spec: base({ container: { livenessProbe: { httpGet: { path: '/' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.livenessProbe.httpGet.port: is required'] },
  },
  {
    name: 'a probe with neither httpGet nor exec',
    spec: base({ container: { readinessProbe: {} } }),
    scoreK8s: 'refuses',
    host: { issues: ['containers.main.readinessProbe: must have httpGet or exec'] },
  },
  {
    name: 'an unknown probe scheme',
    spec: base({ container: { livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'FTP' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ["containers.main.livenessProbe.httpGet.scheme: must be one of 'HTTP', 'HTTPS'; got 'FTP'"] },
  },
  {
    name: 'a service port given as text',
    spec: base({ service: { ports: { www: { port: '80' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ["service.ports.www.port: must be integer; got '80'"] },
  },
  {
    name: 'a service port protocol HTTP',
    spec: base({ service: { ports: { www: { port: 80, protocol: 'HTTP' } } } }),
    scoreK8s: 'refuses',
    host: { issues: ["service.ports.www.protocol: must be one of 'TCP', 'UDP'; got 'HTTP'"] },
  },
  {
    name: 'an unknown service field',
    spec: base({ service: { type: 'LoadBalancer' } }),
    scoreK8s: 'refuses',
    host: { issues: ['service.type: is not a known field'] },
  },
  {
    name: 'a cpu limit in words and a memory limit in GB',
    spec: base({ container: { resources: { limits: { cpu: '1.5 cores', memory: '1GB' } } } }),
    scoreK8s: 'refuses',
    host: {
      issues: [
        "containers.main.resources.limits.memory: must be bytes with an optional unit, such as 128Mi or 1.5G; got '1GB'",
        "containers.main.resources.limits.cpu: must be whole or fractional CPUs, or millicpus, such as 2, 0.5 or 250m; got '1.5 cores'",
      ],
    },
  },

  // innominatus' dialect: not Score. Read with a warning by default; refused like the Score tools with the dialect off.
  {
    name: 'env on a container (innominatus dialect)',
    spec: base({ container: { env: { A: 'b' } } }),
    scoreK8s: 'refuses',
    host: {
      warnings: [
        "containers.main.env: is innominatus' spelling, not Score: read as 'containers.main.variables'; write 'variables' to be portable to other Score tools",
      ],
    },
    scoreOnly: {
      issues: [
        "containers.main.env: is innominatus' spelling of 'variables', which this host does not read (score.innominatusDialect is false); write 'variables'",
      ],
    },
  },
  {
    name: 'properties on a resource (innominatus dialect)',
    spec: base({ resources: { db: { type: 'postgres', properties: { size: 'small' } } } }),
    scoreK8s: 'refuses',
    host: {
      warnings: [
        "resources.db.properties: is innominatus' spelling, not Score: read as 'resources.db.params'; write 'params' to be portable to other Score tools",
      ],
    },
    scoreOnly: {
      issues: [
        "resources.db.properties: is innominatus' spelling of 'params', which this host does not read (score.innominatusDialect is false); write 'params'",
      ],
    },
  },
  {
    name: 'env and variables both written',
    spec: base({ container: { env: { A: 'b' }, variables: { C: 'd' } } }),
    scoreK8s: 'refuses',
    host: { issues: ["containers.main.env: is innominatus' spelling of 'variables', and 'variables' is written too; keep only 'variables'"] },
    scoreOnly: {
      issues: [
        "containers.main.env: is innominatus' spelling of 'variables', which this host does not read (score.innominatusDialect is false); write 'variables'",
      ],
    },
  },
];
