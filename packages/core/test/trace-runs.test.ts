import { ROOT_CONTEXT, trace, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvents } from '../src/index';
import { traceRuns } from '../src/telemetry/index';

const run = { runId: 'r1:create:1', workflow: 'provision-postgres', resourceId: 'r1', application: 'my-app', name: 'db' };
const step = (index: number, name: string, type: string) => ({ ...run, step: name, type, index });

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const events = new EventEmitter<OrchestratorEvents>();
  const tracing = traceRuns(events, { tracer: provider.getTracer('test'), providerOf: (t) => (t === 'postgres' ? 'database-team' : undefined) });
  return { exporter, provider, events, tracing };
}

describe('traceRuns', () => {
  it('makes a run span under the submission, with a child span per step, attributes and outcomes', async () => {
    const { exporter, provider, events, tracing } = setup();
    const submission = provider.getTracer('test').startSpan('innominatus.submission');
    tracing.submitted(['r1'], trace.setSpan(ROOT_CONTEXT, submission));
    events.emit('resource:transition', {
      resourceId: 'r1',
      application: 'my-app',
      name: 'db',
      type: 'postgres',
      to: 'requested',
      reason: 'create requested',
      at: '2026-01-01T10:00:00.000Z',
    });
    events.emit('run:started', { ...run, at: '2026-01-01T10:00:00.100Z', attempt: 1, resumed: false });
    events.emit('step:started', { ...step(0, 'create-postgres-cluster', 'kubernetes-apply'), at: '2026-01-01T10:00:00.200Z', attempt: 1 });
    events.emit('step:succeeded', {
      ...step(0, 'create-postgres-cluster', 'kubernetes-apply'),
      at: '2026-01-01T10:00:01.200Z',
      outputs: { password: '***' },
      durationMs: 1000,
    });
    events.emit('step:started', { ...step(1, 'wait-for-database', 'wait-for-condition'), at: '2026-01-01T10:00:01.300Z', attempt: 1 });
    events.emit('step:retrying', {
      ...step(1, 'wait-for-database', 'wait-for-condition'),
      at: '2026-01-01T10:00:02.000Z',
      attempt: 2,
      delayMs: 200,
      error: { code: 'K8S_UNAVAILABLE', message: 'connection reset', retryable: true } as never,
    });
    events.emit('step:failed', {
      ...step(1, 'wait-for-database', 'wait-for-condition'),
      at: '2026-01-01T10:00:03.000Z',
      durationMs: 1700,
      error: { code: 'K8S_CONDITION_FAILED', message: 'observed status: CreateFailed' } as never,
    });
    events.emit('run:failed', {
      ...run,
      at: '2026-01-01T10:00:03.100Z',
      durationMs: 3000,
      error: { code: 'STEP_FAILED', message: "step 'wait-for-database' failed" } as never,
    });
    submission.end();
    await provider.forceFlush();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['innominatus.step', 'innominatus.step', 'innominatus.run', 'innominatus.submission']);
    const [apply, wait, runSpan, sub] = spans;
    expect(runSpan!.parentSpanContext?.spanId).toBe(sub!.spanContext().spanId);
    expect(runSpan!.spanContext().traceId).toBe(sub!.spanContext().traceId);
    expect(apply!.parentSpanContext?.spanId).toBe(runSpan!.spanContext().spanId);
    expect(wait!.parentSpanContext?.spanId).toBe(runSpan!.spanContext().spanId);
    expect(runSpan!.attributes).toEqual({
      'innominatus.application': 'my-app',
      'innominatus.resource': 'db',
      'innominatus.resource.id': 'r1',
      'innominatus.resource.type': 'postgres',
      'innominatus.provider': 'database-team',
      'innominatus.workflow': 'provision-postgres',
      'innominatus.run.id': 'r1:create:1',
      'innominatus.attempt': 1,
      'innominatus.resumed': false,
      'innominatus.outcome': 'failed',
      'innominatus.error.code': 'STEP_FAILED',
    });
    expect(runSpan!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'STEP_FAILED' });
    expect(apply!.attributes).toEqual({
      'innominatus.step': 'create-postgres-cluster',
      'innominatus.step.type': 'kubernetes-apply',
      'innominatus.step.index': 0,
      'innominatus.attempt': 1,
      'innominatus.workflow': 'provision-postgres',
      'innominatus.outcome': 'succeeded',
    });
    expect(apply!.status.code).toBe(SpanStatusCode.OK);
    expect(apply!.startTime).toEqual([(Date.parse('2026-01-01T10:00:00.200Z') / 1000) | 0, 200_000_000]);
    expect(wait!.events.map((e) => [e.name, e.attributes])).toEqual([
      ['retry', { 'innominatus.attempt': 2, 'innominatus.delay_ms': 200, 'innominatus.error.code': 'K8S_UNAVAILABLE' }],
    ]);
    expect(wait!.attributes['innominatus.outcome']).toBe('failed');
    // Codes only: no message, output or value reaches a span.
    const everything = JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events, st: s.status })));
    expect(everything).not.toContain('CreateFailed');
    expect(everything).not.toContain('connection reset');
    expect(everything).not.toContain('***');
  });

  it('starts a root span without a submission, ends open spans as interrupted on stop, and stops listening', async () => {
    const { exporter, provider, events, tracing } = setup();
    events.emit('run:started', { ...run, at: '2026-01-01T10:00:00.100Z', attempt: 2, resumed: true });
    events.emit('step:started', { ...step(0, 'a', 'kubernetes-apply'), at: '2026-01-01T10:00:00.200Z', attempt: 1 });
    events.emit('step:skipped', { ...step(1, 'b', 'read-secret'), at: '2026-01-01T10:00:00.300Z', reason: "'if' was false" });
    tracing.stop();
    events.emit('run:started', { ...run, runId: 'r1:update:2', at: '2026-01-01T10:00:01.000Z', attempt: 1, resumed: false });
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes['innominatus.step'] ?? s.attributes['innominatus.run.id'], s.attributes['innominatus.outcome']])).toEqual([
      ['innominatus.step', 'b', 'skipped'],
      ['innominatus.step', 'a', 'interrupted'],
      ['innominatus.run', 'r1:create:1', 'interrupted'],
    ]);
    expect(spans[2]!.parentSpanContext).toBeUndefined();
    expect(spans[2]!.attributes['innominatus.resumed']).toBe(true);
  });

  it('is a no-op without an SDK', () => {
    const events = new EventEmitter<OrchestratorEvents>();
    const tracing = traceRuns(events);
    expect(() => events.emit('run:started', { ...run, at: '2026-01-01T10:00:00.100Z', attempt: 1, resumed: false })).not.toThrow();
    tracing.stop();
  });
});
