import type { FastifyError, FastifyInstance } from 'fastify';
import { InnominatusError } from '@innominatus/core';
import { pointerSegments } from '@innominatus/core/internal';
import { BodyError, HostError, StoreUnavailableError, type Issue } from '../errors';
import { isStoreUnavailable } from '../util/connection-error';

const CORE_STATUS: Record<string, number> = {
  RESOURCE_NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  PROVIDER_NOT_FOUND: 422,
  OPERATION_NOT_SUPPORTED: 422,
  PARAMETER_INVALID: 422,
};

/** Turns fastify's request validation errors into issues naming the field. */
function validationIssues(error: FastifyError): Issue[] {
  const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request');
  return (error.validation ?? []).map((v) => {
    const field = [where, ...pointerSegments(v.instancePath), ...(v.keyword === 'required' ? [String(v.params.missingProperty)] : [])].join('.');
    const message =
      v.keyword === 'required'
        ? 'is required'
        : v.keyword === 'enum'
          ? `must be one of ${(v.params.allowedValues as unknown[]).join(', ')}`
          : v.keyword === 'additionalProperties'
            ? `has an unknown field '${String(v.params.additionalProperty)}'`
            : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/** A short rendering of a header value a client sent. */
function showHeader(value: string | undefined): string {
  if (value === undefined) return 'none';
  return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
}

/**
 * The host's own error for fastify's content-type parser errors
 * (`FST_ERR_CTP_*`): a body it cannot read, or a content type it does not take.
 * (A JSON body that does not parse is answered by the JSON parser itself, which
 * knows where it breaks: see `json-body.ts`.)
 */
function contentTypeParserError(error: FastifyError, contentType: string | undefined): BodyError | undefined {
  if (!error.code?.startsWith('FST_ERR_CTP_')) return undefined;
  const issue = (message: string): Issue[] => [{ field: '(body)', message }];
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BodyError('BODY_INVALID', 400, 'request body is empty, but content-type is application/json', issue('is empty'));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BodyError('BODY_INVALID', 400, 'request body is not as long as its content-length header says', issue('does not match content-length'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BodyError(
        'BODY_UNSUPPORTED_TYPE',
        415,
        `content-type ${showHeader(contentType)} is not accepted; send YAML (application/yaml or text/plain) or JSON (application/json)`,
      );
    default:
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return new BodyError('BODY_INVALID', error.statusCode, `request body cannot be read: ${error.message}`);
      }
      return undefined;
  }
}

/**
 * Every error leaves as JSON `{ error: { code, message, issues? } }` with a
 * fitting status; a store that cannot be reached is 503 `STORE_UNAVAILABLE`
 * with `retry-after`; unexpected errors are logged and answered 500 without detail.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (!(error instanceof HostError) && isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'store unavailable');
      const unavailable = new StoreUnavailableError();
      return reply.code(503).header('retry-after', String(unavailable.retryAfterSeconds)).send(unavailable.toJSON());
    }
    if (error instanceof StoreUnavailableError) void reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof HostError) {
      if (error.status === 401) void reply.header('www-authenticate', 'Bearer realm="innominatus"');
      return reply.code(error.status).send(error.toJSON());
    }
    if (error.validation) {
      const issues = validationIssues(error);
      return reply.code(400).send({ error: { code: 'REQUEST_INVALID', message: issues.map((i) => `${i.field} ${i.message}`).join('; '), issues } });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: {
          code: 'BODY_TOO_LARGE',
          message: `request body is larger than the limit of ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes`,
        },
      });
    }
    const bodyError = contentTypeParserError(error, request.headers['content-type']);
    if (bodyError) return reply.code(bodyError.status).send(bodyError.toJSON());
    if (InnominatusError.is(error) && CORE_STATUS[error.code]) {
      return reply.code(CORE_STATUS[error.code]!).send({ error: { code: error.code, message: error.message } });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error; the host log has the details' } });
  });
}
