import { SpanKind, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface InferenceShape {
  model: string;
  version: string;
  inputTokens: () => number;
  outputTokens: () => number;
  latencyMs: () => number;
  finishReason: () => string;
  faithfulness?: () => number;
  provider?: string;
}

/** A seeded PRNG so generated traffic is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

export function normal(random: () => number, mean: number, sd: number): () => number {
  return () => mean + sd * Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/**
 * An application instrumented with the real OpenTelemetry JS SDK, exporting GenAI inference spans
 * (current semantic conventions, with evaluation events) to an OTLP endpoint.
 */
export class GenAiTraffic {
  private readonly provider: BasicTracerProvider;

  constructor(ingestUrl: string, ingestKey: string, options: { format?: 'protobuf' | 'json'; serviceName?: string } = {}) {
    const exporterOptions = { url: `${ingestUrl}/v1/traces`, headers: { Authorization: `Bearer ${ingestKey}` } };
    const exporter = options.format === 'json' ? new JsonExporter(exporterOptions) : new ProtoExporter(exporterOptions);
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'support-app' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 200, scheduledDelayMillis: 100, maxQueueSize: 100_000 })],
    });
  }

  emit(shape: InferenceShape, count: number, endAt = Date.now()): void {
    const tracer = this.provider.getTracer('assay-demo-app', '1.0.0');
    for (let i = 0; i < count; i++) {
      const latency = Math.max(1, shape.latencyMs());
      const end = endAt - (count - i) * 2;
      const attributes: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': shape.provider ?? 'openai',
        'gen_ai.request.model': shape.model,
        'gen_ai.response.model': shape.model,
        'gen_ai.usage.input_tokens': Math.max(1, Math.round(shape.inputTokens())),
        'gen_ai.usage.output_tokens': Math.max(1, Math.round(shape.outputTokens())),
        'gen_ai.response.finish_reasons': [shape.finishReason()],
        'gen_ai.response.id': `resp-${end}-${i}`,
        'assay.model.version': shape.version,
      };
      const span = tracer.startSpan(`chat ${shape.model}`, { kind: SpanKind.CLIENT, attributes, startTime: end - latency });
      if (shape.faithfulness) {
        span.addEvent(
          'gen_ai.evaluation.result',
          { 'gen_ai.evaluation.name': 'faithfulness', 'gen_ai.evaluation.score.value': Math.min(1, Math.max(0, shape.faithfulness())) },
          end,
        );
      }
      span.end(end);
    }
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
