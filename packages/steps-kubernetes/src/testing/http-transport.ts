import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { MAX_REQUEST_BYTES, type ApiHandler } from './api-handler';
import { mockKubeConfig } from './kubeconfig';

/**
 * The listen queue asked for: as long as the kernel allows (it caps it at
 * `net.core.somaxconn`), as a real API server's Go listener does. With
 * Node's default of 511, a burst of thousands of new connections (a host
 * starting thousands of runs) overflowed it and the dropped ones were
 * retried by TCP after 1, 3, 7, ... seconds, which made steps time out.
 */
const LISTEN_BACKLOG = 65_535;

/** A running HTTP server for the mock cluster, from `cluster.listen()`. */
export interface MockClusterServer {
  /** e.g. `http://127.0.0.1:39017`. */
  readonly url: string;
  readonly port: number;
  /** A KubeConfig pointing at {@link url} (plain HTTP, `skipTLSVerify`). */
  readonly kubeConfig: KubeConfig;
  /** The same kubeconfig as text (JSON, which is YAML), to write to a file for kubectl. */
  readonly kubeconfigText: string;
  /** TCP connections accepted since the server started (kept-alive ones count once, however many requests they carried). */
  connectionsAccepted(): number;
  /** Stops the server and ends open watches. */
  close(): Promise<void>;
}

/** Options of `cluster.listen()`. */
export interface ListenOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default: a random free one). */
  port?: number;
}

/** Serves the mock cluster over real HTTP on `host` (default 127.0.0.1), random port unless given. */
export async function listenHttp(handler: ApiHandler, options: ListenOptions = {}): Promise<MockClusterServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    readBody(req).then(
      async (body) => {
        const answer = await handler.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
        if ('reset' in answer) {
          req.socket.destroy();
          return;
        }
        if ('stream' in answer) {
          const { 'transfer-encoding': _te, ...headers } = answer.headers;
          res.writeHead(answer.status, headers);
          res.flushHeaders();
          answer.stream.pipe(res);
          res.on('close', () => answer.stream.destroy());
          return;
        }
        res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
        res.end(answer.body);
      },
      (err: Error) => {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 413, reason: 'RequestEntityTooLarge', message: err.message }));
      },
    );
  });
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const kubeConfig = mockKubeConfig(url);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    kubeConfig,
    kubeconfigText: kubeConfig.exportConfig(),
    connectionsAccepted: () => accepted,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error(`request body exceeds ${MAX_REQUEST_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
