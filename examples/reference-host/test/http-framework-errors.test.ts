import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/http/server';
import { fakeServices } from './fake-services';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = createServer(fakeServices().services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

/** Sends raw bytes and gives back the status code and the JSON body of the answer. */
function send(text: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    const done = () => {
      const [head, ...rest] = out.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]);
      try {
        resolve({ status, body: JSON.parse(rest.join('\r\n\r\n')) });
      } catch (err) {
        reject(new Error(`not a JSON answer: ${JSON.stringify(out)} (${String(err)})`));
      }
    };
    socket.on('data', (d: string) => {
      out += d;
      const length = Number(/content-length: (\d+)/i.exec(out)?.[1]);
      const bodyStart = out.indexOf('\r\n\r\n');
      if (bodyStart >= 0 && Buffer.byteLength(out.slice(bodyStart + 4)) >= length) {
        socket.destroy();
        done();
      }
    });
    socket.on('error', () => undefined);
  });
}

describe('errors answered before a route, in the documented shape', () => {
  it('refuses a request line without an HTTP version (HTTP/0.9), which Node lets through', async () => {
    expect(await send('GET /healthz\r\n\r\n')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'REQUEST_MALFORMED',
          message: "HTTP/0.9 is not accepted; send HTTP/1.1 (a request line ends with its version: 'GET /healthz HTTP/1.1')",
        },
      },
    });
  });

  it('refuses HTTP/1.1 without a Host header', async () => {
    expect(await send('GET /healthz HTTP/1.1\r\n\r\n')).toEqual({
      status: 400,
      body: { error: { code: 'REQUEST_MALFORMED', message: 'an HTTP/1.1 request must have a Host header' } },
    });
  });

  it('answers 400 for bytes that are not an HTTP request', async () => {
    expect(await send('BLAH\r\n\r\n')).toEqual({
      status: 400,
      body: { error: { code: 'REQUEST_MALFORMED', message: 'the request is not valid HTTP/1.1 (HPE_INVALID_METHOD)' } },
    });
  });

  it('answers 431 for headers over the limit', async () => {
    expect(await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toEqual({
      status: 431,
      body: { error: { code: 'HEADERS_TOO_LARGE', message: 'the request headers are larger than the server accepts' } },
    });
  });

  it('answers 414 for a path parameter over the length limit', async () => {
    const path = `/api/resources/${'a'.repeat(200)}`;
    expect(await send(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)).toEqual({
      status: 414,
      body: { error: { code: 'URI_TOO_LONG', message: `a path segment of '${path.slice(0, 100)}...' is longer than the server accepts` } },
    });
  });

  it('answers 400 for a URL that does not decode', async () => {
    expect(await send('GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual({
      status: 400,
      body: { error: { code: 'REQUEST_MALFORMED', message: "the URL '/%zz' does not decode (a bad %-escape?)" } },
    });
  });

  it('still answers a well-formed HTTP/1.0 and HTTP/1.1 request', async () => {
    expect(await send('GET /healthz HTTP/1.0\r\n\r\n')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
