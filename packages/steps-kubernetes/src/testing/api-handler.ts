import type { PassThrough } from 'node:stream';
import { ApiStatusError, reasonFor, statusBody } from './api-status';
import { apiGroup, coreVersions, groupList, resourceList, versionInfo } from './discovery';
import type { FaultInjector, RequestInfo } from './fault-injector';
import type { ListFilter, ObjectStore, WriteResult } from './object-store';
import { openApiV2, openApiV3Document, openApiV3Root } from './openapi';
import { openApiResponse } from './openapi-response';
import { deleteOptions, header, parseBody, patchTypeOf, writeOptions } from './request-options';
import { toTable, wantsTable } from './table';
import type { LoggedRequest, MockObject, MockRequest, MockResponse, ResolvedKind } from './types';
import { openWatchStream } from './watch-stream';

/** Largest request body the mock accepts (the real API server's limit is about 3 MB). */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json' };

interface ResourcePath {
  kind: ResolvedKind;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * Answers Kubernetes API requests from an {@link ObjectStore}, applying
 * injected faults and logging every request. Transport-neutral: the nock
 * and HTTP transports both call {@link ApiHandler.handle}.
 */
export class ApiHandler {
  readonly #streams = new Set<PassThrough>();

  constructor(
    private readonly store: ObjectStore,
    private readonly faults: FaultInjector,
    private readonly log: LoggedRequest[],
  ) {}

  /** Watch streams still open. */
  get openWatches(): number {
    return this.#streams.size;
  }

  /** Ends every open watch stream (a client that went away through nock is not noticed otherwise). */
  closeWatches(): void {
    for (const s of [...this.#streams]) s.end();
    this.#streams.clear();
  }

  /** Answers one request: logs it, applies faults, then serves discovery or a resource verb. */
  async handle(req: MockRequest): Promise<MockResponse> {
    const url = new URL(req.url, 'http://mock');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query: Record<string, string> = Object.fromEntries(url.searchParams.entries());
    const method = req.method.toUpperCase();
    const info: RequestInfo = { method, verb: verbOf(method, path, query), path, query };
    const entry: LoggedRequest = { method, verb: info.verb, path, query, status: 0, time: Date.now() };
    this.log.push(entry);

    const delay = this.faults.takeDelay(info);
    if (delay) await delay;
    const fault = this.faults.takeFailure(info);
    if (fault) {
      if (fault.reset) {
        entry.status = -1;
        return { reset: true };
      }
      const status = fault.status ?? 500;
      entry.status = status;
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return { status, headers, body: JSON.stringify(statusBody(status, reasonFor(status), fault.message ?? `injected ${status} (${reasonFor(status)})`)) };
    }
    let res: MockResponse;
    try {
      res = this.#route(req, info);
    } catch (err) {
      const e = err instanceof ApiStatusError ? err : new ApiStatusError(500, 'InternalError', `mock cluster: ${(err as Error).message}`);
      res = { status: e.code, headers: JSON_HEADERS, body: JSON.stringify(e.toStatus()) };
    }
    entry.status = 'status' in res ? res.status : -1;
    return res;
  }

  #route(req: MockRequest, info: RequestInfo): MockResponse {
    const { path, method } = info;
    if (req.body.length > MAX_REQUEST_BYTES)
      throw new ApiStatusError(413, 'RequestEntityTooLarge', `request body is ${req.body.length} bytes; the limit is ${MAX_REQUEST_BYTES}`);
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET') {
      if (path === '/version') return ok(versionInfo());
      if (path === '/openapi/v2') return openApiResponse(req, openApiV2(this.store), undefined);
      if (path === '/openapi/v3') return ok(openApiV3Root(this.store));
      if (path.startsWith('/openapi/v3/'))
        return openApiResponse(req, found(openApiV3Document(this.store, path.slice('/openapi/v3/'.length))), info.query.hash);
      if (path === '/api') return ok(coreVersions());
      if (path === '/apis') return ok(groupList(this.store));
      if (seg[0] === 'api' && seg.length === 2) return ok(found(resourceList(this.store, '', seg[1]!)));
      if (seg[0] === 'apis' && seg.length === 2) return ok(found(apiGroup(this.store, seg[1]!)));
      if (seg[0] === 'apis' && seg.length === 3) return ok(found(resourceList(this.store, seg[1]!, seg[2]!)));
    }
    const rp = this.#resourcePath(seg);
    if (!rp) throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
    return this.#resource(req, info, rp);
  }

  #resourcePath(seg: string[]): ResourcePath | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg.length >= 3) [group, version, rest] = ['', seg[1]!, seg.slice(2)];
    else if (seg[0] === 'apis' && seg.length >= 4) [group, version, rest] = [seg[1]!, seg[2]!, seg.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && rest[2] === 'status')) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length < 1 || rest.length > 3) return undefined;
    const kind = this.store.kindByPlural(group, version, rest[0]!);
    if (!kind) return undefined;
    if (rest[2] !== undefined && !(rest[2] === 'status' && kind.statusSubresource)) return undefined;
    if (namespace !== undefined && !kind.namespaced) return undefined;
    return {
      kind,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(rest[1] !== undefined ? { name: rest[1] } : {}),
      ...(rest[2] ? { subresource: rest[2] } : {}),
    };
  }

  #resource(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    switch (info.method) {
      case 'GET':
        return this.#read(req, info, rp);
      case 'POST':
        return this.#post(req, info, rp);
      case 'PUT':
        return this.#put(req, info, rp);
      case 'PATCH':
        return this.#patch(req, info, rp);
      case 'DELETE':
        return this.#delete(req, info, rp);
      default:
        throw new ApiStatusError(405, 'MethodNotAllowed', `method ${info.method} is not allowed`);
    }
  }

  #read(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    const { kind, namespace, name } = rp;
    const table = wantsTable(header(req, 'accept'));
    const includeObject = info.query.includeObject === 'Object';
    if (name !== undefined) {
      const o = this.store.require(kind, namespace, name);
      return ok(table ? toTable(kind, [o], String(this.store.resourceVersion), includeObject) : o);
    }
    const filter = listFilter(info.query, namespace);
    if (info.verb === 'watch')
      return this.#watch(info, kind, filter, table ? (o: MockObject) => toTable(kind, [o], o.metadata.resourceVersion ?? '', includeObject) : undefined);
    const items = this.store.list(kind, filter);
    const rv = String(this.store.resourceVersion);
    if (table) return ok(toTable(kind, items, rv, includeObject));
    return ok({ apiVersion: kind.apiVersion, kind: `${kind.kind}List`, metadata: { resourceVersion: rv }, items });
  }

  #watch(info: RequestInfo, kind: ResolvedKind, filter: ListFilter, transform: ((o: MockObject) => unknown) | undefined): MockResponse {
    const drop = this.faults.takeDrop(info);
    let opened: PassThrough | undefined;
    const stream = openWatchStream(this.store, {
      kind,
      filter,
      resourceVersion: info.query.resourceVersion ?? '',
      ...(drop !== undefined ? { dropAfter: drop } : {}),
      gone: this.faults.takeGone(info),
      ...(info.query.timeoutSeconds ? { timeoutSeconds: Number(info.query.timeoutSeconds) } : {}),
      bookmarks: info.query.allowWatchBookmarks === 'true',
      ...(transform ? { transform } : {}),
      onClose: () => void (opened && this.#streams.delete(opened)),
    });
    if (!stream.writableEnded) {
      opened = stream;
      this.#streams.add(opened);
    }
    return { status: 200, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, stream };
  }

  #post(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    if (rp.name !== undefined) throw new ApiStatusError(405, 'MethodNotAllowed', 'POST is not allowed on a named resource');
    const body = parseBody(req);
    withNamespace(body, rp.kind, rp.namespace);
    return written(this.store.create(rp.kind, body, writeOptions(req, info.query, undefined)), 201);
  }

  #put(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    if (rp.name === undefined) throw new ApiStatusError(405, 'MethodNotAllowed', 'PUT needs a resource name');
    const body = parseBody(req);
    checkName(body, rp.name);
    withNamespace(body, rp.kind, rp.namespace);
    return written(this.store.replace(rp.kind, body, writeOptions(req, info.query, rp.subresource)));
  }

  #patch(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    const { kind, namespace, name } = rp;
    if (name === undefined) throw new ApiStatusError(405, 'MethodNotAllowed', 'PATCH needs a resource name');
    const type = patchTypeOf(header(req, 'content-type'));
    const options = writeOptions(req, info.query, rp.subresource);
    if (type !== 'apply') return written(this.store.patch(kind, namespace, name, type, parseBody(req, { anyJson: true }), options));
    if (!info.query.fieldManager)
      throw new ApiStatusError(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const body = parseBody(req, { yaml: true });
    checkName(body, name);
    if (body.apiVersion !== kind.apiVersion || body.kind !== kind.kind) {
      throw new ApiStatusError(
        400,
        'BadRequest',
        `the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match the request (${kind.apiVersion}, ${kind.kind})`,
      );
    }
    withNamespace(body, kind, namespace);
    const r = this.store.apply(kind, body, options);
    return written(r, r.created ? 201 : 200);
  }

  #delete(req: MockRequest, info: RequestInfo, rp: ResourcePath): MockResponse {
    const { kind, namespace, name } = rp;
    const options = deleteOptions(req, info.query);
    if (name === undefined) {
      const items = this.store
        .list(kind, listFilter(info.query, namespace))
        .map((o) => this.store.delete(kind, o.metadata.namespace, o.metadata.name, options));
      return ok({ apiVersion: kind.apiVersion, kind: `${kind.kind}List`, metadata: { resourceVersion: String(this.store.resourceVersion) }, items });
    }
    const gone = this.store.delete(kind, namespace, name, options);
    // Marked for deletion (finalizers, a foreground delete): the object as marked, even if a controller has finished it since.
    if (gone.metadata.deletionTimestamp && (options.dryRun || gone.metadata.finalizers?.length || this.store.get(kind, namespace, name))) return ok(gone);
    return ok({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: kind.group, kind: kind.plural, uid: gone.metadata.uid },
    });
  }
}

/** The Kubernetes verb of a request (as RBAC would name it). */
export function verbOf(method: string, path: string, query: Record<string, string>): string {
  const seg = path.split('/').filter(Boolean);
  const discovery =
    path === '/version' ||
    path === '/api' ||
    path === '/apis' ||
    path.startsWith('/openapi') ||
    (seg[0] === 'api' && seg.length === 2) ||
    (seg[0] === 'apis' && seg.length <= 3);
  if (discovery) return 'discovery';
  const rest = seg[0] === 'api' ? seg.slice(2) : seg.slice(3);
  const namespacedPath = rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && rest[2] === 'status');
  const named = namespacedPath ? rest.length >= 4 : rest.length >= 2;
  switch (method) {
    case 'GET':
      return named ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return 'unknown';
  }
}

function ok(body: unknown, status = 200): MockResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** A write's answer, with its warnings as `Warning: 299 - "..."` headers. */
function written(result: WriteResult, status = 200): MockResponse {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (result.warnings.length) headers.warning = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  return { status, headers, body: JSON.stringify(result.object) };
}

function listFilter(query: Record<string, string>, namespace: string | undefined): ListFilter {
  return {
    ...(namespace ? { namespace } : {}),
    ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
    ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
  };
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource');
  return value;
}

function checkName(body: MockObject, name: string): void {
  if (body.metadata.name === undefined) body.metadata.name = name;
  if (body.metadata.name !== name)
    throw new ApiStatusError(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
}

function withNamespace(body: MockObject, kind: ResolvedKind, namespace: string | undefined): void {
  if (!kind.namespaced) return;
  if (body.metadata.namespace === undefined && namespace !== undefined) body.metadata.namespace = namespace;
  if (body.metadata.namespace !== namespace) {
    throw new ApiStatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
}
