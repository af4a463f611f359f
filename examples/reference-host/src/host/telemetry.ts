import { defaultTextMapGetter, ROOT_CONTEXT, SpanStatusCode, trace, type Tracer, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Orchestrator, ProviderRegistry } from '@innominatus/core';
import { traceRuns, type RunTracing } from '@innominatus/core/telemetry';
import type { HostConfig } from '../config/host-config';

/** The instrumentation name of the host's own spans. */
export const HOST_TRACER = '@innominatus/reference-host';

const W3C = new W3CTraceContextPropagator();

/** The host's tracing: submission spans here, run and step spans from core's {@link traceRuns}. */
export interface HostTelemetry {
  /**
   * Runs a submission in an `innominatus.submission` span (application,
   * change count, outcome or error code), the child of the request's W3C
   * `traceparent` when it has one, and makes the runs of the resources it
   * changed children of that span.
   */
  submission<T extends { application: string; changes: { id?: string }[] }>(
    headers: Record<string, string | string[] | undefined>,
    fn: () => Promise<T>,
  ): Promise<T>;
  /** Stops tracing and flushes what the exporter still holds. */
  close(): Promise<void>;
}

/**
 * Sets up tracing: `provider` when given (tests pass one with an in-memory
 * exporter); an SDK exporting over OTLP/HTTP when `telemetry.otlpEndpoint` is
 * configured; otherwise the global provider, a no-op unless the process
 * registered an SDK.
 */
export function startTelemetry(
  config: HostConfig['telemetry'],
  orchestrator: Orchestrator,
  registry: ProviderRegistry,
  provider?: ApiTracerProvider,
): HostTelemetry {
  let owned: TracerProvider | undefined;
  if (!provider && config.otlpEndpoint) {
    owned = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.otlpEndpoint }) })],
    });
  }
  const source = provider ?? owned ?? trace.getTracerProvider();
  const tracer: Tracer = source.getTracer(HOST_TRACER);
  const tracing: RunTracing = traceRuns(orchestrator.events, { tracer: source.getTracer('@innominatus/core'), providerOf: (t) => registry.providerOf(t) });
  return {
    async submission(headers, fn) {
      const parent = W3C.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan('innominatus.submission', {}, parent);
      try {
        const result = await fn();
        span.setAttributes({ 'innominatus.application': result.application, 'innominatus.changes': result.changes.length, 'innominatus.outcome': 'accepted' });
        span.setStatus({ code: SpanStatusCode.OK });
        tracing.submitted(
          result.changes.flatMap((c) => (c.id ? [c.id] : [])),
          trace.setSpan(parent, span),
        );
        return result;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        span.setAttributes({ 'innominatus.outcome': 'refused', ...(typeof code === 'string' ? { 'innominatus.error.code': code } : {}) });
        span.setStatus({ code: SpanStatusCode.ERROR, ...(typeof code === 'string' ? { message: code } : {}) });
        throw err;
      } finally {
        span.end();
      }
    },
    async close() {
      tracing.stop();
      await owned?.shutdown();
    },
  };
}
