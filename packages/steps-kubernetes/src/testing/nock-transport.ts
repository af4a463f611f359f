import nock from 'nock';
import type { ApiHandler } from './api-handler';
import type { MockRequest } from './types';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Serves the mock cluster through nock interceptors on `server` (no port).
 * Returns a function that removes them.
 */
export function interceptWithNock(handler: ApiHandler, server: string): () => void {
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
