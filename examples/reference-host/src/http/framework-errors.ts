import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The codes of the errors answered before a request reaches a route. */
export type FrameworkErrorCode = 'REQUEST_MALFORMED' | 'REQUEST_TIMEOUT' | 'HEADERS_TOO_LARGE' | 'URI_TOO_LONG';

function body(code: FrameworkErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Answers what Node's HTTP parser refuses (a request line or header that is
 * not HTTP, headers over the size limit, a request that took too long) in
 * the host's error shape, then closes the connection: after a parse error
 * the rest of the stream cannot be trusted.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, FrameworkErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'REQUEST_MALFORMED', `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`];
  const text = body(code, message);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

/** Fastify's own routing errors (a URL that does not decode, a path parameter over the length limit), in the host's error shape. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]!.slice(0, 100);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .code(414)
      .type('application/json; charset=utf-8')
      .send(body('URI_TOO_LONG', `a path segment of '${path}...' is longer than the server accepts`));
    return;
  }
  const message = error.code === 'FST_ERR_BAD_URL' ? `the URL '${path}' does not decode (a bad %-escape?)` : 'the request cannot be routed';
  void reply.code(400).type('application/json; charset=utf-8').send(body('REQUEST_MALFORMED', message));
}

/**
 * Refuses what Node's parser lets through but the API does not take: a
 * request line without an HTTP version (HTTP/0.9) or another major version,
 * and HTTP/1.1 without a Host header (Node's own refusal of it has no body,
 * so the server is built with `requireHostHeader: false` and this says it).
 */
export function installRequestLineCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const { httpVersionMajor, httpVersionMinor } = request.raw;
    let message: string | undefined;
    if (httpVersionMajor !== 1)
      message = `HTTP/${httpVersionMajor}.${httpVersionMinor} is not accepted; send HTTP/1.1 (a request line ends with its version: 'GET /healthz HTTP/1.1')`;
    else if (httpVersionMinor === 1 && request.headers.host === undefined) message = 'an HTTP/1.1 request must have a Host header';
    if (message === undefined) return;
    void reply.code(400).header('connection', 'close').type('application/json; charset=utf-8');
    return reply.send(body('REQUEST_MALFORMED', message));
  });
}
