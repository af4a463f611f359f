import { parse as parseYaml } from 'yaml';
import type { FieldValidation } from '../crd/index';
import { ApiStatusError } from './api-status';
import { isPlainObject } from './merge';
import type { DeleteOptions, PatchType, WriteOptions } from './object-store';
import type { MockObject, MockRequest } from './types';

/** The header value of a request (joined when repeated). */
export function header(req: MockRequest, name: string): string | undefined {
  const v = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

function dryRunOf(value: unknown): boolean {
  if (value === undefined || value === '') return false;
  const values = Array.isArray(value) ? value : [value];
  if (values.every((v) => v === 'All')) return true;
  throw new ApiStatusError(400, 'BadRequest', `Invalid dry run value: ${JSON.stringify(values)}: supported values: "All"`);
}

/**
 * The write options of a request, from its query like the API server reads
 * them: `dryRun=All`, `fieldManager` (else the User-Agent up to its first
 * `/`), `force`, `fieldValidation` (default `Warn`).
 */
export function writeOptions(req: MockRequest, query: Record<string, string>, subresource: string | undefined): WriteOptions {
  const fv = query.fieldValidation ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv))
    throw new ApiStatusError(400, 'BadRequest', `fieldValidation must be one of Strict, Warn, Ignore, not ${JSON.stringify(fv)}`);
  const agent = header(req, 'user-agent')?.split('/')[0]?.trim();
  const manager = query.fieldManager || agent || 'unknown';
  if (manager.length > 128) throw new ApiStatusError(422, 'Invalid', `fieldManager: Too long: may not be longer than 128`);
  return {
    dryRun: dryRunOf(query.dryRun),
    fieldManager: manager,
    force: query.force === 'true',
    fieldValidation: fv as FieldValidation,
    ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
  };
}

/** The patch type of a Content-Type, or `apply`; 415 for anything else. */
export function patchTypeOf(contentType: string | undefined): PatchType | 'apply' {
  const type = (contentType ?? '').split(';')[0]!.trim();
  switch (type) {
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    default:
      throw new ApiStatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

/** The DeleteOptions of a DELETE: from its body (JSON) and query. */
export function deleteOptions(req: MockRequest, query: Record<string, string>): DeleteOptions {
  let body: Record<string, unknown> = {};
  if (req.body.trim()) {
    const parsed = parseJson(req.body);
    if (isPlainObject(parsed)) body = parsed;
  }
  const policy = (query.propagationPolicy ?? body.propagationPolicy) as DeleteOptions['propagationPolicy'];
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new ApiStatusError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const pre = isPlainObject(body.preconditions) ? body.preconditions : {};
  return {
    dryRun: dryRunOf(query.dryRun ?? body.dryRun),
    ...(policy ? { propagationPolicy: policy } : {}),
    preconditions: {
      ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiStatusError(400, 'BadRequest', `the request body does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The body of a write: JSON (or YAML for apply); 400 when it does not parse or is not an object with metadata. */
export function parseBody(req: MockRequest, options: { yaml?: boolean; anyJson?: boolean } = {}): MockObject {
  let value: unknown;
  if (options.yaml) value = parseApplyBody(req.body);
  else value = parseJson(req.body);
  if (options.anyJson) return value as MockObject;
  if (!isPlainObject(value)) throw new ApiStatusError(400, 'BadRequest', 'the request body must be an object');
  if (!isPlainObject(value.metadata)) throw new ApiStatusError(400, 'BadRequest', 'the object has no metadata');
  return value as MockObject;
}

/** An apply patch: YAML, usually sent as JSON (which is YAML), which JSON.parse reads far faster. */
function parseApplyBody(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // YAML flow style, not JSON: read it as YAML below.
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ApiStatusError(400, 'BadRequest', `the request body does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
}
