import { createHash } from 'node:crypto';
import type { JSONSchemaProps } from '../crd/index';
import type { ObjectStore } from './object-store';
import { kindSchema, OBJECT_META, objectMetaSchema, PATCH, schemaName } from './openapi-schemas';
import type { ResolvedKind } from './types';

/** `api/v1` or `apis/<group>/<version>`: how OpenAPI v3 names a group-version. */
function gvPath(k: ResolvedKind): string {
  return k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`;
}

const query = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  query(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  ),
];
const FORCE = { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean', uniqueItems: true } };

/** The documents made for a store's kinds, made again when the kinds change (kubectl asks for them on every command). */
interface Documents {
  kinds: ResolvedKind[];
  root?: Record<string, unknown>;
  v2?: Record<string, unknown>;
  v3: Map<string, Record<string, unknown> | undefined>;
}
const made = new WeakMap<ObjectStore, Documents>();

function documents(store: ObjectStore): Documents {
  const kinds = store.kinds();
  let docs = made.get(store);
  if (!docs || docs.kinds.length !== kinds.length || docs.kinds.some((k, i) => k !== kinds[i])) {
    docs = { kinds, v3: new Map() };
    made.set(store, docs);
  }
  return docs;
}

/** `/openapi/v3`: where each group-version's document is, with a content hash in the URL. */
export function openApiV3Root(store: ObjectStore): Record<string, unknown> {
  const docs = documents(store);
  docs.root ??= v3Root(store);
  return docs.root;
}

/** `/openapi/v3/<gv>`: paths with their operations and the schemas of the group-version's kinds, or undefined. */
export function openApiV3Document(store: ObjectStore, gv: string): Record<string, unknown> | undefined {
  const docs = documents(store);
  if (!docs.v3.has(gv)) docs.v3.set(gv, v3Document(store, gv));
  return docs.v3.get(gv);
}

/** `/openapi/v2`: one Swagger 2.0 document for everything served. */
export function openApiV2(store: ObjectStore): Record<string, unknown> {
  const docs = documents(store);
  docs.v2 ??= v2Document(store);
  return docs.v2;
}

function v3Root(store: ObjectStore): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of new Set(store.kinds().map(gvPath))) {
    const doc = openApiV3Document(store, gv)!;
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash(doc)}` };
  }
  return { paths };
}

function v3Document(store: ObjectStore, gv: string): Record<string, unknown> | undefined {
  const kinds = store.kinds().filter((k) => gvPath(k) === gv);
  if (!kinds.length) return undefined;
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const schemas: Record<string, unknown> = {
    [OBJECT_META]: objectMetaSchema(),
    [PATCH]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  };
  const paths: Record<string, unknown> = {};
  for (const k of kinds) {
    const name = schemaName(k);
    schemas[name] = {
      ...kindSchema(k, { allOf: [ref(OBJECT_META)], default: {}, description: "Standard object's metadata." }),
      'x-kubernetes-group-version-kind': [gvk(k)],
    };
    const body = { content: { 'application/json': { schema: ref(name) } }, required: true };
    const answer = { 200: { description: 'OK', content: { 'application/json': { schema: ref(name) } } } };
    const patchTypes = [
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      ...(k.builtin ? ['application/strategic-merge-patch+json'] : []),
    ];
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${k.kind}`,
      responses: answer,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk(k),
      ...extra,
    });
    const named = `/${gv}/${k.namespaced ? 'namespaces/{namespace}/' : ''}${k.plural}/{name}`;
    const collection = `/${gv}/${k.namespaced ? 'namespaces/{namespace}/' : ''}${k.plural}`;
    const pathParams = [
      { name: 'name', in: 'path', required: true, description: `name of the ${k.kind}`, schema: { type: 'string', uniqueItems: true } },
      ...(k.namespaced
        ? [{ name: 'namespace', in: 'path', required: true, description: 'object name and auth scope', schema: { type: 'string', uniqueItems: true } }]
        : []),
    ];
    paths[named] = {
      get: op('get'),
      put: op('put', { requestBody: body, parameters: WRITE_PARAMS }),
      delete: op('delete', { parameters: [WRITE_PARAMS[0]] }),
      patch: op('patch', {
        requestBody: { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: ref(PATCH) }])), required: true },
        parameters: [...WRITE_PARAMS, FORCE],
      }),
      parameters: pathParams,
    };
    paths[collection] = { get: op('list'), post: op('post', { requestBody: body, parameters: WRITE_PARAMS }), parameters: pathParams.slice(1) };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, components: { schemas } };
}

function v2Document(store: ObjectStore): Record<string, unknown> {
  const definitions: Record<string, unknown> = { [OBJECT_META]: toV2(objectMetaSchema()), [PATCH]: { type: 'object' } };
  const paths: Record<string, unknown> = {};
  for (const k of store.kinds()) {
    const name = schemaName(k);
    definitions[name] = { ...toV2(kindSchema(k, { $ref: `#/definitions/${OBJECT_META}` })), 'x-kubernetes-group-version-kind': [gvk(k)] };
    const patch = {
      consumes: [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
        ...(k.builtin ? ['application/strategic-merge-patch+json'] : []),
      ],
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': gvk(k),
      parameters: [
        { name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${PATCH}` } },
        ...WRITE_PARAMS.map(({ schema, ...p }) => ({ ...p, type: schema.type })),
        { name: 'force', in: 'query', type: 'boolean' },
      ],
      responses: { 200: { description: 'OK', schema: { $ref: `#/definitions/${name}` } } },
    };
    paths[`/${gvPath(k)}/${k.namespaced ? 'namespaces/{namespace}/' : ''}${k.plural}/{name}`] = { patch };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, definitions };
}

function gvk(k: ResolvedKind): Record<string, string> {
  return { group: k.group, version: k.version, kind: k.kind };
}

/** Swagger 2.0 has no `nullable` and no anyOf/oneOf/not: they are dropped, as the API server does for v2. */
function toV2(schema: JSONSchemaProps): JSONSchemaProps {
  const { nullable: _n, anyOf: _a, oneOf: _o, not: _x, allOf, ...rest } = schema;
  const out: JSONSchemaProps = { ...rest };
  if (allOf) out.allOf = allOf.map(toV2);
  if (rest.properties) out.properties = Object.fromEntries(Object.entries(rest.properties).map(([k, v]) => [k, toV2(v)]));
  if (rest.items) out.items = toV2(rest.items);
  if (rest.additionalProperties && typeof rest.additionalProperties === 'object') out.additionalProperties = toV2(rest.additionalProperties);
  return out;
}

function hash(doc: Record<string, unknown>): string {
  return servedDocument(doc).etag;
}

/** An OpenAPI document as served: its JSON and the hash of that JSON (the API server's ETag and v3 `?hash=`). */
export interface ServedDocument {
  body: string;
  etag: string;
}
const serialized = new WeakMap<Record<string, unknown>, ServedDocument>();

/** The {@link ServedDocument} of a document, serialized and hashed once (the documents are made again when the kinds change). */
export function servedDocument(doc: Record<string, unknown>): ServedDocument {
  let served = serialized.get(doc);
  if (!served) {
    const body = JSON.stringify(doc);
    served = { body, etag: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() };
    serialized.set(doc, served);
  }
  return served;
}
