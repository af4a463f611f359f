import { describe, expect, it } from 'vitest';
import { sensitive } from '@innominatus/core';
import { ScoreError, PlaceholderError } from '../src/errors';
import { parseScore } from '../src/score/score-spec';
import { checkPlaceholders, resolvePlaceholders, splitPlaceholders } from '../src/score/placeholders';
import { diffResources } from '../src/score/resource-diff';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: my-app
containers:
  main:
    image: myapp:latest
    env:
      DATABASE_URL: \${resources.db.connection_string}
      DB_HOST: \${resources.db.host}
      APP: \${metadata.name}-x
      PRICE: $$5 and $\${literal}
resources:
  db:
    type: postgres
    properties:
      size: small
`;

function caught(fn: () => unknown): ScoreError | PlaceholderError {
  try {
    fn();
  } catch (err) {
    return err as ScoreError;
  }
  throw new Error('expected an error');
}

describe('parseScore', () => {
  it('accepts a valid YAML spec and JSON objects', () => {
    const { spec } = parseScore(SPEC);
    expect(spec.metadata.name).toBe('my-app');
    expect(spec.resources).toEqual({ db: { type: 'postgres', properties: { size: 'small' } } });
    expect(parseScore(JSON.parse(JSON.stringify(spec))).spec).toEqual(spec);
  });

  it('rejects text that is not YAML with line and column', () => {
    const err = caught(() => parseScore('apiVersion: score.dev/v1b1\nmetadata: [unclosed\n'));
    expect(err.code).toBe('SCORE_INVALID');
    expect(err.message).toBe('Score spec is not valid YAML');
    expect(err.issues[0]).toMatchObject({ field: '(document)', line: 3 });
  });

  it('names every missing or bad field with its position', () => {
    const err = caught(() => parseScore('apiVersion: score.dev/v1b1\nmetadata:\n  labels: {}\ncontainers:\n  main: {}\nresources:\n  db:\n    kind: postgres\n'));
    expect(err.issues).toEqual([
      { field: 'metadata.name', message: 'is required', line: 3, col: 3 },
      { field: 'containers.main.image', message: 'is required', line: 5, col: 9 },
      { field: 'resources.db.type', message: 'is required', line: 8, col: 5 },
      { field: 'resources.db.kind', message: 'is not a known field', line: 8, col: 11 },
    ]);
    expect(err.message).toContain('metadata.name is required');
  });

  it('rejects deep nesting, from YAML and from JSON, without exhausting the stack', () => {
    const yaml = `apiVersion: score.dev/v1b1\nmetadata: {name: a}\ncontainers:\n  main:\n    image: x\n    files: ${'['.repeat(40)}${']'.repeat(40)}\n`;
    expect(caught(() => parseScore(yaml)).issues).toEqual([{ field: '(document)', message: 'nests mappings and lists more than 32 levels deep' }]);
    const json = { apiVersion: 'score.dev/v1b1', metadata: { name: 'a' }, containers: { main: { image: 'x', files: [] as unknown[] } } };
    let cur = json.containers.main.files;
    for (let i = 0; i < 50_000; i++) {
      const next: unknown[] = [];
      cur.push(next);
      cur = next;
    }
    expect(caught(() => parseScore(json)).message).toBe('Score spec is nested too deeply');
  });

  it('names the allowed value when apiVersion is wrong, and the allowed values of an enum', () => {
    const err = caught(() => parseScore(SPEC.replace('score.dev/v1b1', 'score.dev/v1')));
    expect(err.message).toBe("Score spec is invalid: apiVersion must be 'score.dev/v1b1'; got 'score.dev/v1'");
    expect(err.issues).toEqual([{ field: 'apiVersion', message: "must be 'score.dev/v1b1'; got 'score.dev/v1'", line: 1, col: 13 }]);
    const json = { apiVersion: 2, metadata: { name: 'a' }, containers: { main: { image: 'x' } } };
    expect(caught(() => parseScore(json)).issues).toEqual([{ field: 'apiVersion', message: "must be 'score.dev/v1b1'; got 2" }]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(caught(() => parseScore('- a\n- b\n')).issues).toEqual([
      { field: '(document)', message: 'must be a mapping with apiVersion, metadata and containers; got a list' },
    ]);
  });
});

describe('placeholders', () => {
  it('splits text, placeholders and $$ escapes', () => {
    expect(splitPlaceholders('a${x.y}b$${z}$$')).toEqual([{ text: 'a' }, { expression: 'x.y' }, { text: 'b${z}$' }]);
    expect(() => splitPlaceholders('x ${oops')).toThrow("unclosed placeholder at character 3: '${oops'");
  });

  it('accepts known placeholders and names unknown ones with their field', () => {
    const { spec, source } = parseScore(SPEC);
    expect(checkPlaceholders(spec, source).map((p) => p.expression)).toEqual(['resources.db.connection_string', 'resources.db.host', 'metadata.name']);
    const bad = parseScore(SPEC.replace('${resources.db.host}', '${resources.cache.host}').replace('${metadata.name}', '${secrets.x}'));
    const err = caught(() => checkPlaceholders(bad.spec, bad.source));
    expect(err.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(err.issues).toEqual([
      { field: 'containers.main.env.DB_HOST', message: "unknown placeholder '${resources.cache.host}': the workload declares no resource 'cache'", line: 9, col: 16 },
      { field: 'containers.main.env.APP', message: "unknown placeholder '${secrets.x}': placeholders start with 'metadata.' or 'resources.'", line: 10, col: 12 },
    ]);
  });

  it('checks outputs against those the provider declares', () => {
    const { spec } = parseScore(SPEC.replace('${resources.db.host}', '${resources.db.hostname}'));
    const err = caught(() => checkPlaceholders(spec, undefined, (type) => (type === 'postgres' ? ['host', 'connection_string'] : undefined)));
    expect(err.issues).toEqual([
      { field: 'containers.main.env.DB_HOST', message: "unknown placeholder '${resources.db.hostname}': resource 'db' (type postgres) has no output 'hostname'; it has host, connection_string" },
    ]);
  });

  it('fills placeholders, sensitive outputs as secret references unless revealed', () => {
    const { spec } = parseScore(SPEC);
    const db = { id: 'r-1', name: 'db', state: 'active', outputs: { host: 'h.svc', connection_string: sensitive('postgresql://u:pw@h/db') } };
    expect(resolvePlaceholders(spec, [db]).main!.env).toEqual({
      DATABASE_URL: 'secret://r-1/connection_string', DB_HOST: 'h.svc', APP: 'my-app-x', PRICE: '$5 and ${literal}',
    });
    expect((resolvePlaceholders(spec, [db], { reveal: true }).main!.env as Record<string, string>).DATABASE_URL).toBe('postgresql://u:pw@h/db');
  });

  it('says which resource is not active yet, and which output is missing', () => {
    const { spec } = parseScore(SPEC);
    const notReady = caught(() => resolvePlaceholders(spec, [{ id: 'r-1', name: 'db', state: 'provisioning' }]));
    expect(notReady.code).toBe('PLACEHOLDER_NOT_READY');
    expect(notReady.status).toBe(409);
    expect(notReady.issues[0]).toEqual({ field: 'containers.main.env.DATABASE_URL', message: "resource 'db' is provisioning; '${resources.db.connection_string}' is filled once it is active" });
    const missing = caught(() => resolvePlaceholders(spec, [{ id: 'r-1', name: 'db', state: 'active', outputs: { host: 'h' } }]));
    expect(missing.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(missing.message).toBe("containers.main.env.DATABASE_URL: unknown placeholder '${resources.db.connection_string}': resource 'db' has no output 'connection_string'; it has host");
  });
});

describe('diffResources', () => {
  const { spec } = parseScore(SPEC);
  it('creates new, updates changed, deletes removed, keeps equal', () => {
    const withCache = { ...spec, resources: { ...spec.resources, cache: { type: 'redis' } } };
    const plan = diffResources(withCache, [
      { id: 'a', name: 'db', type: 'postgres', state: 'active', properties: { size: 'medium' } },
      { id: 'b', name: 'old', type: 's3', state: 'active', properties: {} },
      { id: 'c', name: 'gone', type: 's3', state: 'terminated', properties: {} },
    ]);
    expect(plan).toEqual({
      changes: [
        { action: 'update', id: 'a', name: 'db', type: 'postgres', properties: { size: 'small' } },
        { action: 'create', name: 'cache', type: 'redis', properties: {} },
        { action: 'delete', id: 'b', name: 'old', type: 's3' },
      ],
      unchanged: [],
    });
    expect(diffResources(spec, [{ id: 'a', name: 'db', type: 'postgres', state: 'active', properties: { size: 'small' } }])).toEqual({ changes: [], unchanged: ['db'] });
  });

  it('refuses a type change', () => {
    const err = caught(() => diffResources(spec, [{ id: 'a', name: 'db', type: 'mysql', state: 'active', properties: {} }]));
    expect(err.issues).toEqual([{ field: 'resources.db.type', message: "cannot change from 'mysql' to 'postgres': remove the resource from the spec first, then add it back" }]);
  });
});
