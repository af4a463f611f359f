import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { HostServices } from '../host-services';
import type { Principal } from './auth';
import { installErrorHandler } from './error-handler';
import { clientErrorHandler, frameworkErrors, installRequestLineCheck } from './framework-errors';
import { installJsonBodyParser } from './json-body';
import { installOpenApi } from './openapi';
import { schemaCompilers } from './schema-compilers';
import { operatorRoutes } from './operator-routes';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { providerRoutes } from './routes/providers';
import { resourceRoutes } from './routes/resources';
import { specRoutes } from './routes/specs';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made an `/api/` request (set by the auth hook). */
    principal?: Principal;
  }
}

/** The host's version (its package's), as `/openapi.json` names it. */
const HOST_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const TEXT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain', 'application/x-www-form-urlencoded'];

/**
 * Builds the HTTP API over the host's services: JSON errors for everything,
 * bearer tokens on `/api/`, Score specs as YAML or JSON, a body size limit.
 */
export function createServer(services: HostServices): FastifyInstance {
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: services.bodyLimit,
    ajv: { customOptions: { coerceTypes: true, allErrors: true, removeAdditional: false } },
    // Each route schema compiled once per process, however many servers it builds.
    schemaController: { compilersFactory: schemaCompilers },
    return503OnClosing: true,
    forceCloseConnections: true,
    // Errors before routing answer in the host's error shape too (framework-errors.ts).
    clientErrorHandler,
    frameworkErrors,
    http: { requireHostHeader: false },
  });
  installRequestLineCheck(app);
  // YAML (and curl's default form type, as `curl --data-binary @spec.yaml` sends it) arrives as text.
  app.addContentTypeParser(TEXT_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  installJsonBodyParser(app);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    // The matched route, not the raw URL: `/%61pi/...` routes to `/api/...` too.
    if (request.routeOptions.url?.startsWith('/api/')) request.principal = services.authenticator.authenticate(request.headers.authorization);
  });
  // After authentication: a request without a valid token is never counted as a write in flight.
  services.writes?.install(app);
  installErrorHandler(app);
  // In a plugin, after the OpenAPI collector: it documents every route registered after it.
  app.register(async (api) => {
    await installOpenApi(api, HOST_VERSION);
    healthRoutes(api, services);
    specRoutes(api, services);
    resourceRoutes(api, services);
    providerRoutes(api, services);
    eventRoutes(api, services);
    await operatorRoutes(api, services);
  });
  return app;
}
