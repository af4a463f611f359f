/**
 * The benchmarks' clients of `POST /api/specs`: a Score application with one
 * `postgres` resource, sent with `node:http` (`fetch` costs about four times
 * the CPU per request, which on two cores comes off the host's share), and
 * the percentiles of their latencies.
 */
import { request } from 'node:http';
import { BENCH_TOKEN } from './host-config';

/** A Score application named `app` with one `postgres` resource, `db`, of `size` (small unless given), whose host its container reads as DB_HOST. */
export const oneDatabaseSpec = (app: string, size = 'small'): string => `apiVersion: score.dev/v1b1
metadata:
  name: ${app}
containers:
  main:
    image: app:1
    variables:
      DB_HOST: \${resources.db.host}
resources:
  db:
    type: postgres
    params:
      size: ${size}
`;

/** Submits {@link oneDatabaseSpec}(`app`) to the host at `url`; resolves with the latency in ms (request sent to response read), rejects unless it answered 202. */
export function postSpec(url: string, app: string): Promise<number> {
  const t = performance.now();
  const body = oneDatabaseSpec(app);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/specs`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/yaml', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 202 ? resolve(performance.now() - t) : reject(new Error(`POST /api/specs for ${app} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The `p`th percentile of latencies sorted ascending (the value at rank ⌊p/100 · n⌋, the last at most), in whole ms. */
export function percentileMs(sorted: number[], p: number): string {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(0);
}
