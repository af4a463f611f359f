import { describe, expect, it } from 'vitest';
import { CrdError, invalidMessage, loadCrd, loadCrds, validateCustomResource, type LoadedCrd } from '@innominatus/steps-kubernetes/crd';
import { boxCrd } from './crd/box-crd';
import { WIDGET_CRD_YAML } from './crd/widget-crd';

const crd: LoadedCrd = loadCrds(WIDGET_CRD_YAML, { file: 'widget.yaml' })[0]!;
const widget = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w1', namespace: 'default' },
  spec,
  ...extra,
});
/** What the API server adds when a wrong type keeps it from running the CEL rules. */
const NOT_CHECKED =
  'FieldValueInvalid : Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
const fields = (spec: Record<string, unknown>) => validateCustomResource(crd, widget(spec)).causes.map((c) => `${c.reason} ${c.field}: ${c.message}`);

describe('loadCrds', () => {
  it('reads names, scope, versions, printer columns and the status subresource', () => {
    expect({
      name: crd.name,
      group: crd.group,
      kind: crd.kind,
      listKind: crd.listKind,
      plural: crd.plural,
      singular: crd.singular,
      shortNames: crd.shortNames,
      categories: crd.categories,
      namespaced: crd.namespaced,
    }).toEqual({
      name: 'widgets.example.com',
      group: 'example.com',
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      categories: ['all'],
      namespaced: true,
    });
    expect(crd.versions.map((v) => [v.name, v.served, v.storage, v.statusSubresource, v.printerColumns])).toEqual([
      ['v1', true, true, true, [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }]],
    ]);
  });

  it('refuses a schema that is not structural, naming each field like the API server', () => {
    const bad = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Thing', plural: 'things' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    properties: {
                      a: { type: 'string', pattern: '(' },
                      b: { $ref: '#/x', type: 'string' },
                      c: { type: 'integer', default: 'x' },
                      d: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self ==' }] },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const err = (() => {
      try {
        loadCrd(bad, { file: 'things.yaml' });
      } catch (e) {
        return e as CrdError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(CrdError);
    expect(err.code).toBe('CRD_INVALID');
    expect(err.file).toBe('things.yaml');
    expect(err.causes.map((c) => c.field)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].type',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[a].pattern',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[b].$ref',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[c].default',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[d].x-kubernetes-validations[0].rule',
    ]);
    expect(err.causes[0]!.message).toBe('Required value: must not be empty for specified object fields');
    expect(err.causes[3]!.message).toBe('Invalid value: "string": default in body must be of type integer: "string"');
    expect(err.causes[1]!.path).toEqual(['spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'spec', 'properties', 'a', 'pattern']);
  });

  it('refuses a metadata.name that is not plural.group and a text that is not YAML', () => {
    const text = WIDGET_CRD_YAML.replace('name: widgets.example.com', 'name: widget.example.com');
    expect(() => loadCrds(text)).toThrow(
      expect.objectContaining({
        code: 'CRD_INVALID',
        causes: [expect.objectContaining({ field: 'metadata.name', message: 'Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group' })],
      }),
    );
    expect(() => loadCrds('a: [', { file: 'x.yaml' })).toThrow(expect.objectContaining({ code: 'CRD_UNREADABLE', file: 'x.yaml' }));
    expect(() => loadCrds('a: *nowhere', { file: 'x.yaml' })).toThrow(
      expect.objectContaining({ code: 'CRD_UNREADABLE', message: expect.stringMatching(/^not YAML: /) }),
    );
  });
});

describe('validateCustomResource', () => {
  it('takes the fields named unchanged as they are, neither pruned nor checked, unless the schema has CEL rules', () => {
    const plain = boxCrd(['small']);
    const box = { apiVersion: 'example.com/v1', kind: 'Box', metadata: { name: 'b' }, spec: { size: 'large', unknown: 1 }, status: { phase: 1, other: 2 } };
    const taken = validateCustomResource(plain, box, { unchanged: new Set(['spec']) });
    expect(taken.object).toEqual({ ...box, status: { phase: 1 }, note: 'none' });
    expect(Object.keys(taken.object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'note']);
    expect((taken.object as { spec: unknown }).spec).toBe(box.spec);
    expect(taken.unknownFields).toEqual(['status.other']);
    expect(taken.causes.map((c) => c.field)).toEqual(['status.phase']);
    expect(validateCustomResource(plain, box).causes.map((c) => c.field)).toEqual(['spec.size', 'status.phase']);
    const withRules = validateCustomResource(crd, widget({ size: 'huge', replicas: 1 }), { unchanged: new Set(['spec']) });
    expect(withRules.causes.map((c) => c.field)).toEqual(['spec.size', 'spec']);
  });

  it('accepts a good object, applies defaults (also nested) and keeps preserved fields', () => {
    const v = validateCustomResource(crd, widget({ size: 'small', replicas: 2, port: 'http', extra: { any: { thing: 1 } }, nested: {} }));
    expect(v.causes).toEqual([]);
    expect(v.object.spec).toEqual({
      size: 'small',
      replicas: 2,
      port: 'http',
      extra: { any: { thing: 1 } },
      nested: { on: true },
      maxReplicas: 10,
      mode: 'fast',
    });
  });

  it.each([
    [{ size: 'medium', replicas: 1 }, ['FieldValueNotSupported spec.size: Unsupported value: "medium": supported values: "small", "large"']],
    [
      { size: 'small' },
      [
        'FieldValueRequired spec.replicas: Required value',
        'FieldValueInvalid spec: Invalid value: "object": no such key: replicas evaluating rule: self.replicas <= self.maxReplicas',
      ],
    ],
    [
      { size: 'small', replicas: 'two' },
      ['FieldValueTypeInvalid spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"', NOT_CHECKED],
    ],
    [{ size: 'small', replicas: -1 }, ['FieldValueInvalid spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0']],
    [
      { size: 'small', replicas: 2 ** 31 },
      [
        'FieldValueInvalid spec.replicas: Invalid value: 2147483648: spec.replicas in body must be of type int32: 2147483648',
        'FieldValueInvalid spec: Invalid value: "object": replicas must not exceed maxReplicas',
      ],
    ],
    [
      { size: 'small', replicas: 1, memory: '512m' },
      ['FieldValueInvalid spec.memory: Invalid value: "512m": spec.memory in body should match \'^\\d+(Ki|Mi|Gi)$\''],
    ],
    [
      { size: 'small', replicas: 1, port: true },
      ['FieldValueTypeInvalid spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"', NOT_CHECKED],
    ],
    [{ size: 'small', replicas: 1, name: 'toolong' }, ['FieldValueTooLong spec.name: Too long: may not be longer than 5']],
    [{ size: 'small', replicas: 1, name: '' }, ['FieldValueInvalid spec.name: Invalid value: "": spec.name in body should be at least 1 chars long']],
    [
      { size: 'small', replicas: 1, tags: ['a', 'b', 'a'] },
      ['FieldValueTooMany spec.tags: Too many: 3: must have at most 2 items', 'FieldValueDuplicate spec.tags[2]: Duplicate value: "a"'],
    ],
    [
      { size: 'small', replicas: 1, labels: { a: 1 } },
      ['FieldValueTypeInvalid spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"', NOT_CHECKED],
    ],
    [
      { size: 'small', replicas: 1, created: 'yesterday' },
      ['FieldValueInvalid spec.created: Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"'],
    ],
    [{ size: 'small', replicas: 11 }, ['FieldValueInvalid spec: Invalid value: "object": replicas must not exceed maxReplicas']],
  ])('spec %j → %j', (spec, expected) => {
    expect(fields(spec)).toEqual(expected);
  });

  it('prunes unknown fields, warns under Warn and refuses them under Strict (400, as the API server does)', () => {
    const o = widget({ size: 'small', replicas: 1, foo: 1, nested: { bar: 2 } }, { extraTop: true, metadata: { name: 'w1', namespace: 'default', weird: 1 } });
    const ignore = validateCustomResource(crd, o);
    expect(ignore.causes).toEqual([]);
    expect(ignore.unknownFields).toEqual(['spec.foo', 'spec.nested.bar', 'extraTop', 'metadata.weird']);
    expect(ignore.object).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      spec: { size: 'small', replicas: 1, nested: { on: true }, maxReplicas: 10, mode: 'fast' },
    });
    expect(ignore.warnings).toEqual([]);
    expect(ignore.strictError).toBeUndefined();
    expect(validateCustomResource(crd, o, { fieldValidation: 'Warn' }).warnings).toEqual([
      'unknown field "spec.foo"',
      'unknown field "spec.nested.bar"',
      'unknown field "extraTop"',
      'unknown field "metadata.weird"',
    ]);
    expect(validateCustomResource(crd, o, { fieldValidation: 'Strict' }).strictError).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo", unknown field "spec.nested.bar", unknown field "extraTop", unknown field "metadata.weird"',
    );
  });

  it('checks CEL transition rules on updates only, against the old object', () => {
    const old = validateCustomResource(crd, widget({ size: 'small', replicas: 1 })).object;
    expect(validateCustomResource(crd, widget({ size: 'large', replicas: 1 })).causes).toEqual([]);
    expect(validateCustomResource(crd, widget({ size: 'large', replicas: 1 }), { oldObject: old }).causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec: Invalid value: "object": size is immutable',
    ]);
  });

  it('refuses an unserved version or another kind, and a bad metadata.name', () => {
    expect(validateCustomResource(crd, { ...widget({}), apiVersion: 'example.com/v2' }).causes.map((c) => c.message)).toEqual([
      'Unsupported value: "example.com/v2": supported values: "example.com/v1"',
    ]);
    const bad = validateCustomResource(crd, { ...widget({ size: 'small', replicas: 1 }), metadata: { name: 'Bad_Name' } });
    expect(bad.causes.map((c) => c.field)).toEqual(['metadata.name']);
    expect(invalidMessage('Widget.example.com', 'Bad_Name', bad.causes)).toMatch(
      /^Widget\.example\.com "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  it('gives each cause the path of its own field, in lists and maps too, and warns of unknown fields at theirs', () => {
    const spec = { size: 'small', replicas: -1, name: 'toolong', tags: ['a', 7], labels: { a: 'x', b: 1 }, nested: { on: false, off: 1 }, bogus: 1 };
    const v = validateCustomResource(crd, widget(spec), { fieldValidation: 'Warn' });
    expect(v.causes.map((c) => c.path)).toEqual([
      ['spec', 'replicas'],
      ['spec', 'name'],
      ['spec', 'tags', 1],
      ['spec', 'labels', 'b'],
      // The wrong types keep the CEL rules from running: one cause says so, at no field.
      [],
    ]);
    expect(v.causes.map((c) => c.field)).toEqual(['spec.replicas', 'spec.name', 'spec.tags[1]', 'spec.labels.b', '']);
    expect(v.warnings).toEqual(['unknown field "spec.nested.off"', 'unknown field "spec.bogus"']);
  });

  it('joins several causes in brackets like the API server', () => {
    const v = validateCustomResource(crd, widget({ size: 'small', replicas: -1, name: 'toolong' }));
    expect(invalidMessage('Widget.example.com', 'w1', v.causes)).toBe(
      'Widget.example.com "w1" is invalid: [spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0, spec.name: Too long: may not be longer than 5]',
    );
  });
});
