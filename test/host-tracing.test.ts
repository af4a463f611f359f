import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { revealAll } from '@innominatus/core';
import { createHost, loadConfig, type Host } from '@innominatus/reference-host';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, USER_TOKEN, call, configText, resourceInState, until } from './support/e2e-host';

const SPEC = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: traced-app\ncontainers:\n  main:\n    image: app:1\nresources:\n  db:\n    type: postgres\n';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

let host: Host | undefined;
let dir: string | undefined;
afterEach(async () => {
  await host?.close({ graceMs: 1000 });
  host = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(extra: string, tracerProvider?: TracerProvider): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'innominatus-trace-'));
  const config = loadConfig({ text: `${configText({ store: `sqlite:${join(dir, 'host.db')}` })}${extra}`, env: {} });
  host = await createHost({
    config,
    simulation: { pickupDelayMs: 20, createDelayMs: 100 },
    logDestination: new Writable({
      write(_c, _e, cb) {
        cb();
      },
    }),
    ...(tracerProvider ? { tracerProvider } : {}),
  });
  return host.listen();
}

describe('OpenTelemetry spans of the host', () => {
  it('traces a submission under the request traceparent, its run and each step, with no secret anywhere', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const url = await start('', provider);
    const res = await fetch(`${url}/api/specs`, {
      method: 'POST',
      body: SPEC,
      headers: { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'application/yaml', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { changes: { id: string }[] }).changes[0]!.id;
    await resourceInState(url, id, 'active');
    await until('the run span to end', async () => {
      await provider.forceFlush();
      return exporter.getFinishedSpans().some((s) => s.name === 'innominatus.run');
    });
    const spans = exporter.getFinishedSpans();
    const submission = spans.find((s) => s.name === 'innominatus.submission')!;
    const run = spans.find((s) => s.name === 'innominatus.run')!;
    const steps = spans.filter((s) => s.name === 'innominatus.step');
    expect(submission.spanContext().traceId).toBe(TRACE_ID);
    expect(submission.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(submission.attributes).toEqual({ 'innominatus.application': 'traced-app', 'innominatus.changes': 1, 'innominatus.outcome': 'accepted' });
    expect(run.parentSpanContext?.spanId).toBe(submission.spanContext().spanId);
    expect(run.spanContext().traceId).toBe(TRACE_ID);
    expect(run.attributes).toMatchObject({
      'innominatus.application': 'traced-app',
      'innominatus.resource': 'db',
      'innominatus.resource.type': 'postgres',
      'innominatus.provider': 'database-team',
      'innominatus.workflow': 'provision-postgres',
      'innominatus.attempt': 1,
      'innominatus.outcome': 'succeeded',
    });
    expect(
      steps.map((s) => [
        s.attributes['innominatus.step'],
        s.attributes['innominatus.step.type'],
        s.attributes['innominatus.outcome'],
        s.parentSpanContext?.spanId,
      ]),
    ).toEqual([
      ['create-postgres-cluster', 'kubernetes-apply', 'succeeded', run.spanContext().spanId],
      ['wait-for-database', 'wait-for-condition', 'succeeded', run.spanContext().spanId],
      ['get-credentials', 'read-secret', 'succeeded', run.spanContext().spanId],
    ]);
    const secret = revealAll((await host!.services.store.getResource(id))!.outputs!) as Record<string, string>;
    const everything = JSON.stringify(spans.map((s) => ({ n: s.name, a: s.attributes, e: s.events, st: s.status })));
    for (const value of [secret.password, secret.connection_string, USER_TOKEN, ADMIN_TOKEN]) expect(everything).not.toContain(value);
    const refused = await call(url, 'POST', '/api/specs', { body: SPEC.replace('type: postgres', 'type: mongodb') });
    expect(refused.status).toBe(422);
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().at(-1)!.attributes).toEqual({ 'innominatus.outcome': 'refused', 'innominatus.error.code': 'SCORE_TYPE_UNSERVED' });
  });

  it('exports over OTLP/HTTP when telemetry.otlpEndpoint is configured', async () => {
    const bodies: string[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.url} ${req.headers['content-type']}\n${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
      const url = await start(`telemetry: { otlpEndpoint: "${endpoint}", serviceName: trace-test }\n`);
      const id = (await call(url, 'POST', '/api/specs', { body: SPEC })).json.changes[0].id as string;
      await resourceInState(url, id, 'active');
      await host!.close({ graceMs: 1000 });
      host = undefined;
      const all = bodies.join('\n');
      expect(all).toContain('POST /v1/traces application/json');
      for (const name of ['innominatus.submission', 'innominatus.run', 'innominatus.step', 'trace-test']) expect(all).toContain(name);
    } finally {
      collector.close();
    }
  });
});
