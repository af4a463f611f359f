import { describe, expect, it } from 'vitest';
import { isSensitive, reveal, sensitive } from '@innominatus/core';
import { ScoreError, PlaceholderError } from '../src/errors';
import { parseScore } from '../src/score/score-spec';
import { refKeys, splitTemplate } from '../src/score/placeholder-syntax';
import { expandedSites } from '../src/score/placeholder-sites';
import { checkPlaceholders, type DeclaredOutputs } from '../src/score/placeholder-check';
import { resolveParams, resolveWorkload, type ResolvableResource } from '../src/score/placeholder-fill';
import { provisioningOrder } from '../src/score/params-order';
import { resourceUid } from '../src/score/resource-uid';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: my-app
containers:
  main:
    image: myapp:latest
    variables:
      DATABASE_URL: \${resources.db.connection_string}
      DB_HOST: \${resources.db.host}
      APP: \${metadata.name}-x
      PRICE: $$5 and $\${literal}
resources:
  db:
    type: postgres
    params:
      size: small
`;

/** Outputs as the database-team provider declares them. */
const OUTPUTS: DeclaredOutputs = (r) =>
  r.type === 'postgres'
    ? {
        host: '${{ vars.host }}',
        port: 5432,
        name: '${{ vars.database_name }}',
        database: '${{ vars.database_name }}',
        password: { value: '${{ x }}', sensitive: true },
        connection_string: { value: '${{ x }}', sensitive: true },
        tls: { mode: 'require', ca: '${{ x }}' },
        creds: {
          value: '${{ steps.read.outputs.data }}',
          type: { type: 'object', required: ['user', 'extra'], properties: { user: { type: 'string' }, extra: { type: 'object', properties: {} } } },
        },
      }
    : r.type === 'volume'
      ? { source: { emptyDir: {} } }
      : undefined;

function caught(fn: () => unknown): ScoreError | PlaceholderError {
  try {
    fn();
  } catch (err) {
    return err as ScoreError;
  }
  throw new Error('expected an error');
}

const workload = (extra: Record<string, unknown>) =>
  parseScore({
    apiVersion: 'score.dev/v1b1',
    metadata: { name: 'web', pgversion: '16', annotations: { 'example.com/team': 'blue' } },
    containers: { main: { image: 'x' } },
    ...extra,
  }).spec;

describe('parseScore', () => {
  it('accepts a valid YAML spec and JSON objects', () => {
    const { spec, warnings } = parseScore(SPEC);
    expect(spec.metadata.name).toBe('my-app');
    expect(spec.resources).toEqual({ db: { type: 'postgres', params: { size: 'small' } } });
    expect(warnings).toEqual([]);
    expect(parseScore(JSON.parse(JSON.stringify(spec))).spec).toEqual(spec);
  });

  it('reads the first of several YAML documents, as the Score tools do, and warns where the next starts', () => {
    const { spec, warnings } = parseScore(`${SPEC}---\napiVersion: score.dev/v1b1\nmetadata: {name: other}\n---\nx: 1\n`);
    expect(spec.metadata.name).toBe('my-app');
    expect(warnings).toEqual([
      {
        field: '(document)',
        line: 17,
        col: 1,
        message: 'is followed by 2 more YAML documents, which are ignored: a Score file holds one workload (submit each separately)',
      },
    ]);
  });

  it("reads innominatus' env: and properties: as variables and params with a warning each, and leaves the caller's object as it was", () => {
    const body = {
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'web' },
      containers: { main: { image: 'x', env: { A: 'b' } } },
      resources: { db: { type: 'postgres', properties: { size: 'small' } } },
    };
    const { spec, warnings } = parseScore(body);
    expect(spec.containers.main).toEqual({ image: 'x', variables: { A: 'b' } });
    expect(spec.resources!.db).toEqual({ type: 'postgres', params: { size: 'small' } });
    expect(warnings.map((w) => w.field)).toEqual(['containers.main.env', 'resources.db.properties']);
    expect(body.containers.main.env).toEqual({ A: 'b' });
  });

  it('rejects text that is not YAML with line and column', () => {
    const err = caught(() => parseScore('apiVersion: score.dev/v1b1\nmetadata: [unclosed\n'));
    expect(err.code).toBe('SCORE_INVALID');
    expect(err.message).toBe('Score spec is not valid YAML');
    expect(err.issues[0]).toMatchObject({ field: '(document)', line: 3 });
  });

  it('names every missing or bad field with its position', () => {
    const err = caught(() =>
      parseScore('apiVersion: score.dev/v1b1\nmetadata:\n  labels: {}\ncontainers:\n  main: {}\nresources:\n  db:\n    kind: postgres\n'),
    );
    expect(err.issues).toEqual([
      { field: 'metadata.name', message: 'is required', line: 3, col: 3 },
      { field: 'containers.main.image', message: 'is required', line: 5, col: 9 },
      { field: 'resources.db.type', message: 'is required', line: 8, col: 5 },
      { field: 'resources.db.kind', message: 'is not a known field', line: 8, col: 11 },
    ]);
    expect(err.message).toContain('metadata.name is required');
  });

  it('rejects deep nesting, from YAML and from JSON, without exhausting the stack', () => {
    const yaml = `apiVersion: score.dev/v1b1\nmetadata: {name: ab}\ncontainers:\n  main:\n    image: x\n    files: ${'['.repeat(40)}${']'.repeat(40)}\n`;
    expect(caught(() => parseScore(yaml)).issues).toEqual([{ field: '(document)', message: 'nests mappings and lists more than 32 levels deep' }]);
    const json = { apiVersion: 'score.dev/v1b1', metadata: { name: 'ab' }, containers: { main: { image: 'x', files: [] as unknown[] } } };
    let cur = json.containers.main.files;
    for (let i = 0; i < 50_000; i++) {
      const next: unknown[] = [];
      cur.push(next);
      cur = next;
    }
    expect(caught(() => parseScore(json)).message).toBe('Score spec is nested too deeply');
  });

  it('names the allowed value when apiVersion is wrong', () => {
    const err = caught(() => parseScore(SPEC.replace('score.dev/v1b1', 'score.dev/v1')));
    expect(err.message).toBe("Score spec is invalid: apiVersion must be 'score.dev/v1b1'; got 'score.dev/v1'");
    expect(err.issues).toEqual([{ field: 'apiVersion', message: "must be 'score.dev/v1b1'; got 'score.dev/v1'", line: 1, col: 13 }]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(caught(() => parseScore('- a\n- b\n')).issues).toEqual([
      { field: '(document)', message: 'must be a mapping with apiVersion, metadata and containers; got a list' },
    ]);
  });
});

describe('placeholder syntax', () => {
  it.each([
    ['a${x.y}b', [{ text: 'a' }, { ref: 'x.y' }, { text: 'b' }]],
    ['$$5 and $${literal}', [{ text: '$5 and ${literal}' }]],
    ['$$$${x}', [{ text: '$${x}' }]],
    ['x ${oops', [{ text: 'x ${oops' }]],
    ['$HOME and $ alone', [{ text: '$HOME and $ alone' }]],
    ['${ metadata.name }', [{ ref: ' metadata.name ' }]],
    ['${}', [{ ref: '' }]],
    ['', [{ text: '' }]],
  ])('%s', (value, parts) => {
    expect(splitTemplate(value)).toEqual(parts);
  });

  it('splits keys at dots, keeping \\. as a dot inside a key', () => {
    expect(refKeys('metadata.annotations.example\\.com/team')).toEqual(['metadata', 'annotations', 'example.com/team']);
    expect(refKeys('resources.db.host')).toEqual(['resources', 'db', 'host']);
  });
});

describe('where placeholders are expanded', () => {
  it('in variables, file content (not with noExpand), volume sources and resource params; nowhere else', () => {
    const spec = workload({
      containers: {
        main: {
          image: 'img:${metadata.name}',
          command: ['sh', '-c'],
          args: ['echo ${HOME}'],
          variables: { A: '${metadata.name}' },
          files: { '/a': { content: '${metadata.name}' }, '/b': { content: '${HOME}', noExpand: true }, '/c': { binaryContent: 'JHt4fQ==' } },
          volumes: { '/data': { source: '${resources.data}' } },
          livenessProbe: { exec: { command: ['test', '${HOME}'] } },
        },
      },
      resources: { data: { type: 'volume' }, db: { type: 'postgres', params: { version: '${metadata.pgversion}', tags: ['${metadata.name}'], n: 3 } } },
    });
    expect(expandedSites(spec).map((s) => [s.kind, s.path.join('.')])).toEqual([
      ['variable', 'containers.main.variables.A'],
      ['file', 'containers.main.files./a.content'],
      ['volume', 'containers.main.volumes./data.source'],
      ['param', 'resources.db.params.version'],
      ['param', 'resources.db.params.tags.0'],
    ]);
    expect(() => checkPlaceholders(spec, OUTPUTS)).not.toThrow();
  });
});

describe('placeholders checked at submit', () => {
  const check = (extra: Record<string, unknown>) => {
    try {
      checkPlaceholders(workload(extra), OUTPUTS);
      return 'accepted';
    } catch (err) {
      return (err as ScoreError).issues.map((i) => `${i.field}: ${i.message}`);
    }
  };
  const vars = (variables: Record<string, string>, resources: Record<string, unknown> = { db: { type: 'postgres' } }) => ({
    containers: { main: { image: 'x', variables } },
    resources,
  });

  it.each([
    ['the Score outputs of postgres', { A: '${resources.db.database}', B: '${resources.db.name}', C: '${resources.db.host}:${resources.db.port}' }, 'accepted'],
    [
      'metadata fields, annotations with an escaped dot',
      { A: '${metadata.name}', B: '${metadata.annotations.example\\.com/team}', C: '${metadata.pgversion}' },
      'accepted',
    ],
    ['a key inside an output declared as a mapping', { A: '${resources.db.tls.mode}' }, 'accepted'],
    ['a required key of an output whose type is an object', { A: '${resources.db.creds.user}', B: '${resources.db.creds.extra}' }, 'accepted'],
    [
      'a key an output of object type does not require',
      { A: '${resources.db.creds.pass}', B: '${resources.db.creds.extra.x}' },
      [
        "containers.main.variables.A: unknown placeholder '${resources.db.creds.pass}': output 'creds' of resource 'db' is not declared to always have key 'pass' (its type must be an object listing it in required)",
        "containers.main.variables.B: unknown placeholder '${resources.db.creds.extra.x}': output 'creds' of resource 'db' is not declared to always have key 'extra.x' (its type must be an object listing it in required)",
      ],
    ],
    ['escaped and unclosed placeholders are text', { A: '$${resources.nope.x}', B: 'cost: $$5', C: '${unclosed' }, 'accepted'],
    [
      'an undeclared output',
      { A: '${resources.db.hostname}' },
      [
        "containers.main.variables.A: unknown placeholder '${resources.db.hostname}': resource 'db' (type postgres) has no output 'hostname'; it has: host, port, name, database, password, connection_string, tls, creds",
      ],
    ],
    [
      'a key below an output that is a single value',
      { A: '${resources.db.port.number}' },
      [
        "containers.main.variables.A: unknown placeholder '${resources.db.port.number}': output 'port' of resource 'db' is not declared as a mapping (a mapping literal, or a type that is an object), so it has no key 'number'",
      ],
    ],
    [
      'a key an output mapping lacks',
      { A: '${resources.db.tls.cert}' },
      ["containers.main.variables.A: unknown placeholder '${resources.db.tls.cert}': output 'tls' of resource 'db' has no key 'cert'"],
    ],
    [
      'Object.prototype names',
      { A: '${resources.constructor.x}', B: '${resources.db.toString}', C: '${metadata.__proto__}' },
      [
        "containers.main.variables.A: unknown placeholder '${resources.constructor.x}': the workload declares no resource 'constructor'",
        "containers.main.variables.B: unknown placeholder '${resources.db.toString}': resource 'db' (type postgres) has no output 'toString'; it has: host, port, name, database, password, connection_string, tls, creds",
        "containers.main.variables.C: unknown placeholder '${metadata.__proto__}': metadata has no field '__proto__'",
      ],
    ],
    [
      'spaces inside ${ } (nothing is trimmed)',
      { A: '${ metadata.name }' },
      [
        "containers.main.variables.A: unknown placeholder '${ metadata.name }': a placeholder starts with 'metadata.' or 'resources.' (nothing inside ${...} is trimmed); write $$ for a literal $",
      ],
    ],
    [
      'an unknown root',
      { A: '${secrets.x}' },
      ["containers.main.variables.A: unknown placeholder '${secrets.x}': a placeholder starts with 'metadata.' or 'resources.'; write $$ for a literal $"],
    ],
    [
      'a resource itself outside a volume source',
      { A: '${resources.db}' },
      [
        "containers.main.variables.A: unknown placeholder '${resources.db}': names resource 'db' but none of its outputs (only a volume source may name a resource itself); write '${resources.db.<output>}' with one of: host, port, name, database, password, connection_string, tls, creds",
      ],
    ],
    [
      'a metadata field the spec lacks',
      { A: '${metadata.labels.team}' },
      ["containers.main.variables.A: unknown placeholder '${metadata.labels.team}': metadata has no field 'labels'"],
    ],
  ])('%s', (_name, variables, expected) => {
    expect(check(vars(variables))).toEqual(expected);
  });

  it('checks resource params, and finds which resources they read', () => {
    const spec = workload({
      resources: { db: { type: 'postgres' }, replica: { type: 'postgres', params: { primary: '${resources.db.host}', version: '${metadata.pgversion}' } } },
    });
    expect(checkPlaceholders(spec, OUTPUTS).dependsOn).toEqual(new Map([['replica', new Set(['db'])]]));
    expect(check({ resources: { db: { type: 'postgres', params: { me: '${resources.db.host}' } } } })).toEqual([
      "resources.db.params.me: unknown placeholder '${resources.db.host}': resource 'db' cannot read its own outputs in its params",
    ]);
    expect(check({ resources: { db: { type: 'postgres', params: { v: '${metadata.nope}' } } } })).toEqual([
      "resources.db.params.v: unknown placeholder '${metadata.nope}': metadata has no field 'nope'",
    ]);
  });

  it('gives each issue its line and column in YAML text', () => {
    const { spec, source } = parseScore(SPEC.replace('${resources.db.host}', '${resources.cache.host}'));
    const err = caught(() => checkPlaceholders(spec, OUTPUTS, source));
    expect(err.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(err.issues).toEqual([
      {
        field: 'containers.main.variables.DB_HOST',
        message: "unknown placeholder '${resources.cache.host}': the workload declares no resource 'cache'",
        line: 9,
        col: 16,
      },
    ]);
  });
});

describe('provisioning order of resources whose params read other resources', () => {
  it('puts each resource after the ones it reads, names sorted within a round', () => {
    const deps = new Map([
      ['app-db', new Set(['cluster'])],
      ['cache', new Set<string>()],
      ['report', new Set(['app-db', 'cache'])],
    ]);
    expect(provisioningOrder(['report', 'app-db', 'cluster', 'cache'], deps)).toEqual(['cache', 'cluster', 'app-db', 'report']);
  });

  it('refuses a cycle with 422, naming the resources on it', () => {
    const err = caught(() =>
      provisioningOrder(
        ['aa', 'bb', 'cc', 'dd'],
        new Map([
          ['aa', new Set(['bb'])],
          ['bb', new Set(['cc'])],
          ['cc', new Set(['aa'])],
          ['dd', new Set(['aa'])],
        ]),
      ),
    );
    expect([err.code, err.status]).toEqual(['PLACEHOLDER_CYCLE', 422]);
    expect(err.message).toBe("Score spec's resource params read each other's outputs in a cycle: aa → bb → cc → aa");
    expect(err.issues.map((i) => i.field)).toEqual(['resources.aa.params', 'resources.bb.params', 'resources.cc.params']);
  });
});

describe('filling placeholders', () => {
  const PASSWORD = 'pw-9f8e7d';
  const active = (outputs: Record<string, unknown>, id = 'r-1'): ResolvableResource => ({ id, state: 'active', outputs });
  const db = active({ host: 'h.svc', port: 5432, database: 'app', name: 'app', password: sensitive(PASSWORD), tls: { mode: 'require' } });

  it('fills variables, file content and params; a volume source names the resource; the rest is as written', () => {
    const spec = workload({
      containers: {
        main: {
          image: 'x',
          args: ['echo ${HOME}'],
          variables: {
            URL: 'postgres://${resources.db.host}:${resources.db.port}/${resources.db.database}',
            TLS: '${resources.db.tls}',
            TEAM: '${metadata.annotations.example\\.com/team}',
            LIT: '$${resources.db.host}',
          },
          files: { '/etc/app.conf': { content: 'db=${resources.db.name}' }, '/etc/raw': { content: '${resources.db.host}', noExpand: true } },
          volumes: { '/data': { source: '${resources.data}' } },
        },
      },
      resources: { db: { type: 'postgres' }, data: { type: 'volume', class: 'fast' } },
    });
    const resolved = resolveWorkload(spec, (n) => (n === 'db' ? db : n === 'data' ? active({ source: {} }, 'r-2') : undefined));
    expect(resolved.containers.main).toEqual({
      image: 'x',
      args: ['echo ${HOME}'],
      variables: { URL: 'postgres://h.svc:5432/app', TLS: '{"mode":"require"}', TEAM: 'blue', LIT: '${resources.db.host}' },
      files: { '/etc/app.conf': { content: 'db=app' }, '/etc/raw': { content: '${resources.db.host}', noExpand: true } },
      volumes: { '/data': { source: 'volume.fast#web.data' } },
    });
  });

  it('shows a sensitive output as a secret reference, in clear text only when revealed', () => {
    const spec = workload({ containers: { main: { image: 'x', variables: { P: 'pw=${resources.db.password}' } } }, resources: { db: { type: 'postgres' } } });
    expect(resolveWorkload(spec, () => db).containers.main.variables).toEqual({ P: 'pw=secret://r-1/password' });
    expect(resolveWorkload(spec, () => db, { reveal: true }).containers.main.variables).toEqual({ P: `pw=${PASSWORD}` });
  });

  it('fills params from metadata and other resources, keeping a sensitive value sensitive', () => {
    const spec = workload({
      resources: {
        db: { type: 'postgres' },
        app: { type: 'postgres', params: { version: '${metadata.pgversion}', dsn: '${resources.db.host}/${resources.db.password}', keep: 7 } },
      },
    });
    const params = resolveParams(spec, 'app', () => db);
    expect(params.version).toBe('16');
    expect(params.keep).toBe(7);
    expect(isSensitive(params.dsn)).toBe(true);
    expect(reveal(params.dsn)).toBe(`h.svc/${PASSWORD}`);
    const notReady = caught(() => resolveParams(spec, 'app', () => ({ id: 'r-1', state: 'provisioning' })));
    expect([notReady.code, notReady.status]).toEqual(['PLACEHOLDER_NOT_READY', 409]);
  });

  it("fills one resource's params without reading another resource's", () => {
    // A spec holds up to 100 resources and each one's params are filled on its own: reading the others' too made a spec's work grow with its square.
    const spec = workload({ resources: { other: { type: 'postgres' }, app: { type: 'postgres', params: { version: '${metadata.pgversion}' } } } });
    let otherReads = 0;
    Object.defineProperty(spec.resources!.other, 'params', { enumerable: true, get: () => (otherReads++, { dsn: '${resources.app.host}' }) });
    expect(resolveParams(spec, 'app', () => db)).toEqual({ version: '16' });
    expect(otherReads).toBe(0);
  });

  it('says which resource is not active yet, and which output is missing', () => {
    const { spec } = parseScore(SPEC);
    const notReady = caught(() => resolveWorkload(spec, () => ({ id: 'r-1', state: 'provisioning' })));
    expect(notReady.code).toBe('PLACEHOLDER_NOT_READY');
    expect(notReady.issues[0]).toEqual({
      field: 'containers.main.variables.DATABASE_URL',
      message: "resource 'db' is provisioning; '${resources.db.connection_string}' is filled once it is active",
    });
    const missing = caught(() => resolveWorkload(spec, () => active({ host: 'h' })));
    expect(missing.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(missing.message).toBe(
      "containers.main.variables.DATABASE_URL: unknown placeholder '${resources.db.connection_string}': resource 'db' has no output 'connection_string'; it has host",
    );
  });
});

describe('resource identity', () => {
  it('is type.class#workload.name, or type.class#id when shared; class defaults to default', () => {
    expect(resourceUid('web', 'db', { type: 'postgres' })).toBe('postgres.default#web.db');
    expect(resourceUid('web', 'db', { type: 'postgres', class: 'large' })).toBe('postgres.large#web.db');
    expect(resourceUid('web', 'db', { type: 'postgres', id: 'shared-db' })).toBe('postgres.default#shared-db');
    expect(resourceUid('api', 'main', { type: 'postgres', class: 'default', id: 'shared-db' })).toBe('postgres.default#shared-db');
  });
});
