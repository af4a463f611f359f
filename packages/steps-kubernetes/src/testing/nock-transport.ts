import { createRequire } from 'node:module';
import type { ApiHandler } from './api-handler';
import type { MockRequest } from './types';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type Nock = typeof import('nock');
let loaded: Nock | undefined;

/**
 * nock, loaded on the first {@link interceptWithNock}: loading it changes how
 * the whole process makes HTTP requests, so importing the testing entry must
 * not do it (a test that only serves over HTTP, or the `mock-cluster` bin,
 * never loads it). nock is an optional peer dependency; without it this
 * throws a message saying so.
 */
function loadNock(): Nock {
  if (!loaded) {
    try {
      // import.meta is empty in the CommonJS build, where __filename is defined.
      loaded = createRequire(import.meta.url ?? __filename)('nock') as Nock;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      throw new Error(
        'cluster.nock() needs the nock package (an optional peer dependency): install nock, or serve the mock cluster over HTTP with cluster.listen()',
      );
    }
  }
  return loaded;
}

/**
 * Serves the mock cluster through nock interceptors on `server` (no port).
 * Returns a function that removes them.
 */
export function interceptWithNock(handler: ApiHandler, server: string): () => void {
  const nock = loadNock();
  const scope = nock(server).persist();
  const interceptors = METHODS.map((method) => {
    const interceptor = scope.intercept(/.*/, method);
    interceptor.reply(function (uri, body, callback) {
      const request: MockRequest = {
        method,
        url: uri,
        headers: this.req.headers as MockRequest['headers'],
        body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
      };
      handler.handle(request).then(
        (res) => {
          if ('reset' in res) callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), [0, '']);
          else if ('stream' in res) callback(null, [res.status, res.stream, res.headers]);
          else callback(null, [res.status, res.body, res.headers]);
        },
        (err: Error) => callback(err, [0, '']),
      );
    });
    return interceptor;
  });
  return () => {
    for (const i of interceptors) nock.removeInterceptor(i);
    scope.persist(false);
  };
}
