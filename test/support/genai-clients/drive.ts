// Drives one published GenAI client, instrumented as its documentation says, against an
// OpenAI-compatible server, the way an application would: a NodeSDK with the client's
// instrumentation, each call under a root span of its own so that its trace names the scenario.
//   node dist/test/support/genai-clients/drive.js <client> otlp        exports with the NodeSDK's
//        default OTLP exporters, configured only by OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS
//   node dist/test/support/genai-clients/drive.js <client> <file.json> writes the spans and log
//        records as OTLP/JSON export requests instead (golden fixtures)
// FAKE_OPENAI_URL is the server's base URL (…/v1). The last stdout line is {scenario: traceId}.
// DRIVE_REPEAT_SECONDS=n repeats the scenarios for n seconds (the exporter soak).
// DRIVE_HTTP_ROUTE=1 makes each root span a SERVER span with http.route /scenario/<scenario> (journeys).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { SpanKind, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { JsonLogsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation as OtelOpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { OpenAIInstrumentation as OpenInferenceOpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { OpenAIInstrumentation as TraceloopOpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import type OpenAIClient from 'openai';
import { CHAT_MODEL, EMBEDDING_MODEL, GENAI_CLIENTS, RATE_LIMIT_PROMPT, type GenAiClient, type Scenario } from '../../../libs/otlp/fixtures/clients/catalog.js';

const require = createRequire(import.meta.url);

const QUESTION = 'What is the capital of France?';
const WEATHER_TOOL_DESCRIPTION = 'The current weather in a city';

function instrumentationOf(client: GenAiClient): Instrumentation[] {
  switch (client) {
    case 'otel-openai':
      return [new OtelOpenAIInstrumentation({ captureMessageContent: true })];
    case 'openinference':
      return [new OpenInferenceOpenAIInstrumentation()];
    case 'traceloop':
      return [new TraceloopOpenAIInstrumentation({ traceContent: true })];
    case 'ai-sdk-6':
    case 'ai-sdk-5':
      return [];
  }
}

type Call = () => Promise<unknown>;

function openAiSdkCalls(baseURL: string): Record<Scenario, Call> {
  // Required after the SDK has started, so that the instrumentation's require hook patches it.
  const { default: OpenAI } = require('openai') as { default: typeof OpenAIClient };
  const openai = new OpenAI({ apiKey: 'sk-fake', baseURL, maxRetries: 0 });
  const weather = { type: 'function' as const, function: { name: 'get_weather', description: WEATHER_TOOL_DESCRIPTION, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
  return {
    chat: () => openai.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: QUESTION }] }),
    'chat-stream': async () => {
      const stream = await openai.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: QUESTION }], stream: true, stream_options: { include_usage: true } });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    },
    'tool-call': () => openai.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'What is the weather in Paris?' }], tools: [weather] }),
    responses: () => openai.responses.create({ model: CHAT_MODEL, input: QUESTION }),
    embedding: () => openai.embeddings.create({ model: EMBEDDING_MODEL, input: 'Paris' }),
    'rate-limited': () => openai.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: RATE_LIMIT_PROMPT }] }),
  };
}

async function aiSdkCalls(client: 'ai-sdk-6' | 'ai-sdk-5', baseURL: string): Promise<Record<Scenario, Call>> {
  const ai = client === 'ai-sdk-6' ? await import('ai') : ((await import('ai-v5')) as unknown as typeof import('ai'));
  const { createOpenAI } = client === 'ai-sdk-6' ? await import('@ai-sdk/openai') : ((await import('ai-sdk-openai-v2')) as unknown as typeof import('@ai-sdk/openai'));
  const { z } = await import('zod');
  const openai = createOpenAI({ apiKey: 'sk-fake', baseURL });
  const telemetry = { isEnabled: true, functionId: 'answer-question' };
  const chat = openai.chat(CHAT_MODEL);
  return {
    chat: () => ai.generateText({ model: chat, prompt: QUESTION, maxRetries: 0, experimental_telemetry: telemetry }),
    'chat-stream': async () => {
      const result = ai.streamText({ model: chat, prompt: QUESTION, maxRetries: 0, experimental_telemetry: telemetry });
      let text = '';
      for await (const piece of result.textStream) text += piece;
      await result.consumeStream();
      return text;
    },
    'tool-call': () => ai.generateText({
      model: chat,
      prompt: 'What is the weather in Paris?',
      maxRetries: 0,
      tools: { get_weather: ai.tool({ description: WEATHER_TOOL_DESCRIPTION, inputSchema: z.object({ city: z.string() }) }) },
      experimental_telemetry: telemetry,
    }),
    responses: () => ai.generateText({ model: openai.responses(CHAT_MODEL), prompt: QUESTION, maxRetries: 0, experimental_telemetry: telemetry }),
    embedding: () => ai.embed({ model: openai.embedding(EMBEDDING_MODEL), value: 'Paris', maxRetries: 0, experimental_telemetry: telemetry }),
    'rate-limited': () => ai.generateText({ model: chat, prompt: RATE_LIMIT_PROMPT, maxRetries: 0, experimental_telemetry: telemetry }),
  };
}

async function main(): Promise<void> {
  const [client, output] = process.argv.slice(2) as [GenAiClient, string];
  if (!GENAI_CLIENTS.includes(client) || !output) throw new Error(`usage: drive.js <${GENAI_CLIENTS.join('|')}> <otlp|file.json>`);
  const baseURL = process.env.FAKE_OPENAI_URL;
  if (!baseURL) throw new Error('FAKE_OPENAI_URL is not set');
  const toFile = output !== 'otlp';
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const sdk = new NodeSDK({
    serviceName: `${client}-app`,
    instrumentations: instrumentationOf(client),
    ...(toFile ? { spanProcessors: [new SimpleSpanProcessor(spans)], logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logs })] } : {}),
  });
  sdk.start();
  const calls = client === 'ai-sdk-6' || client === 'ai-sdk-5' ? await aiSdkCalls(client, baseURL) : openAiSdkCalls(baseURL);
  const tracer = trace.getTracer('genai-client-driver');
  const traces: Partial<Record<Scenario, string>> = {};
  const until = Date.now() + Number(process.env.DRIVE_REPEAT_SECONDS ?? 0) * 1000;
  const routed = process.env.DRIVE_HTTP_ROUTE === '1';
  do {
    for (const [scenario, run] of Object.entries(calls) as Array<[Scenario, Call]>) {
      const options: SpanOptions = routed ? { kind: SpanKind.SERVER, attributes: { 'http.route': `/scenario/${scenario}` } } : {};
      await tracer.startActiveSpan(`scenario ${scenario}`, options, async (span: Span) => {
        traces[scenario] = span.spanContext().traceId;
        try {
          await run();
        } catch (error) {
          if (scenario !== 'rate-limited') throw error;
        } finally {
          span.end();
        }
      });
    }
  } while (Date.now() < until);
  if (toFile) {
    // Read before shutdown: the in-memory exporters forget what they hold when shut down.
    const fixture = {
      traces: JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans.getFinishedSpans()))) as unknown,
      logs: JSON.parse(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logs.getFinishedLogRecords()))) as unknown,
      scenarios: traces,
    };
    fs.writeFileSync(output, `${JSON.stringify(fixture, null, 1)}\n`);
  }
  await sdk.shutdown();
  process.stdout.write(`${JSON.stringify(traces)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
