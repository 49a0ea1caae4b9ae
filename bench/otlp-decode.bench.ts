// OTLP decode and inference extraction throughput, single thread:
//   npx tsx bench/otlp-decode.bench.ts   (built: node dist/bench/otlp-decode.bench.js)
// Batches come from the OpenTelemetry JS SDK serializers. Baselines measured in the same run:
// protobufjs toObject over the whole tree and a bare JSON.parse.
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { builtInSignals, decodeTraceRequest, extractInferences } from '@assay/otlp';
import { otlpDescriptor } from '../libs/otlp/src/generated/otlp-descriptor.js';

const SPANS_PER_BATCH = 500;
const TARGET_MS = 1500;

function makeBatch(): { protobufBody: Buffer; jsonBody: Buffer } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0', 'host.name': 'bench-1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  const answer = 'The refund window is thirty days from delivery. '.repeat(10);
  for (let i = 0; i < SPANS_PER_BATCH / 2; i++) {
    const request = tracer.startSpan('POST /answer', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'http.route': '/answer', 'http.response.status_code': 200, 'url.scheme': 'https' },
    });
    const chat = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 512,
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.id': `chatcmpl-${i}`,
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.usage.input_tokens': 100 + i,
          'gen_ai.usage.output_tokens': 40 + (i % 17),
          'server.address': 'api.openai.com',
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
          ]),
        },
      },
      trace.setSpan(ROOT_CONTEXT, request),
    );
    chat.end();
    request.end();
  }
  const spans = exporter.getFinishedSpans();
  return {
    protobufBody: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    jsonBody: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
  };
}

function measure(label: string, run: () => unknown): number {
  for (let i = 0; i < 20; i++) run();
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < TARGET_MS) {
    run();
    iterations++;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const spansPerSecond = (iterations * SPANS_PER_BATCH) / (elapsedMs / 1000);
  console.log(`${label.padEnd(58)} ${Math.round(spansPerSecond).toLocaleString('en-US').padStart(12)} spans/s`);
  return spansPerSecond;
}

const { protobufBody, jsonBody } = makeBatch();
const requestType = protobuf.Root.fromJSON(otlpDescriptor as unknown as protobuf.INamespace).lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
console.log(
  `batch: ${SPANS_PER_BATCH} spans (half GenAI chat spans with ~600 characters of output), ` +
    `protobuf ${protobufBody.length} B, JSON ${jsonBody.length} B; node ${process.version}, one thread`,
);

measure('baseline: protobufjs decode + toObject (whole tree)', () =>
  requestType.toObject(requestType.decode(protobufBody), { longs: String, bytes: String }),
);
measure('decodeTraceRequest protobuf', () => decodeTraceRequest(protobufBody, 'protobuf'));
measure('decodeTraceRequest protobuf + extractInferences + signals', () => {
  for (const inference of extractInferences(decodeTraceRequest(protobufBody, 'protobuf')).inferences) builtInSignals(inference);
});
measure('baseline: JSON.parse only', () => JSON.parse(jsonBody.toString('utf8')));
measure('decodeTraceRequest json', () => decodeTraceRequest(jsonBody, 'json'));
measure('decodeTraceRequest json + extractInferences + signals', () => {
  for (const inference of extractInferences(decodeTraceRequest(jsonBody, 'json')).inferences) builtInSignals(inference);
});
