import { trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { AppConfig } from '@assay/config';

export const tracer: Tracer = trace.getTracer('assay');

let provider: NodeTracerProvider | null = null;

// Assay traces its own requests and jobs only when an OTLP endpoint is configured.
export function startSelfTracing(config: AppConfig, version: string): boolean {
  if (!config.otel.endpoint || provider) return provider !== null;
  const base = config.otel.endpoint.replace(/\/+$/, '');
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.otel.serviceName, 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  provider.register();
  return true;
}

export async function stopSelfTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
  provider = null;
}

export async function inSpan<T>(name: string, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
