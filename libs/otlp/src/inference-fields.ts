import { firstNumber, firstString, readNumber, readString, readStringArray } from './attribute-readers.js';
import type { Dialect, InferenceRecord } from './inference-record.js';
import { genAiMessagesContent, indexedText, legacyMessageText, responseBodyContent } from './message-content.js';
import { AI_SDK_OPERATIONS } from './inference-span.js';
import { safeText } from './safe-text.js';
import { normaliseFinishReason, normaliseProvider } from './vocabulary.js';
import type { AttrValue, Span, SpanEvent } from './trace-request.js';

/** The part of an InferenceRecord that depends on the dialect's vocabulary. */
export type InferenceFields = Pick<
  InferenceRecord,
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'responseId'
  | 'finishReasons'
  | 'ttftMs'
  | 'inputTokens'
  | 'outputTokens'
  | 'cachedInputTokens'
  | 'reasoningTokens'
  | 'totalTokens'
  | 'errorType'
  | 'inputText'
  | 'outputText'
>;

// OpenLLMetry's request type, for legacy spans that carry no gen_ai.operation.name.
const LEGACY_REQUEST_TYPES: Readonly<Record<string, string>> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
};
const LEGACY_INPUT_EVENTS: ReadonlySet<string> = new Set([
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
]);

/**
 * The span attributes that decide, for a span the sampling coin may drop, whether it is an
 * inference, which model it counts for and whether it is refused (token counts): every key the
 * dialect test and the readers below take identity or usage from. Content, finish reasons and
 * errors are read only for the spans that are kept (`skimProtobufTraceRequest`).
 */
export const UNSAMPLED_SPAN_KEYS: readonly string[] = [
  'ai.operationId', 'gen_ai.operation.name', 'openinference.span.kind', 'llm.request.type',
  'gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider',
  'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.response.id', 'llm.model_name', 'embedding.model_name',
  'llm.invocation_parameters', 'ai.model.id', 'ai.response.model', 'ai.response.id',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.total_tokens', 'llm.usage.total_tokens',
  'llm.token_count.prompt', 'llm.token_count.completion', 'llm.token_count.total', 'llm.token_count.prompt_details.cache_read',
  'llm.token_count.prompt_details.cached', 'llm.token_count.completion_details.reasoning',
  'ai.usage.tokens', 'ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.outputTokens', 'ai.usage.completionTokens',
  'ai.usage.cachedInputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.reasoningTokens',
  'ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.totalTokens',
];

export function readInferenceFields(span: Span, dialect: Dialect): InferenceFields {
  const fields = dialect === 'openinference' ? readOpenInference(span) : dialect === 'aisdk' ? readAiSdk(span) : readGenAi(span);
  if (fields.provider !== null) fields.provider = normaliseProvider(fields.provider);
  for (let i = 0; i < fields.finishReasons.length; i++) fields.finishReasons[i] = normaliseFinishReason(fields.finishReasons[i]);
  if (span.status.code === 'error' && fields.finishReasons.length === 0) fields.finishReasons.push('error');
  return fields;
}

/** Current GenAI names first, then the older ones (`gen_ai.system`, prompt/completion tokens, events). */
function readGenAi(span: Span): InferenceFields {
  const attributes = span.attributes;
  const output = genAiMessagesContent(attributes['gen_ai.output.messages']);
  const legacyOutput = output.text === null ? legacyOutputContent(span) : { text: null, finishReasons: [] };
  const inputText =
    genAiMessagesContent(attributes['gen_ai.input.messages']).text ?? legacyInputText(span);
  const inputTokens = firstNumber(attributes, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']);
  const outputTokens = firstNumber(attributes, ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']);
  const requestType = readString(attributes, 'llm.request.type');
  return {
    operation:
      readString(attributes, 'gen_ai.operation.name') ?? (requestType ? (LEGACY_REQUEST_TYPES[requestType] ?? null) : null),
    provider: firstString(attributes, ['gen_ai.provider.name', 'gen_ai.system']),
    requestModel: readString(attributes, 'gen_ai.request.model'),
    responseModel: readString(attributes, 'gen_ai.response.model'),
    responseId: readString(attributes, 'gen_ai.response.id'),
    finishReasons:
      readStringArray(attributes, 'gen_ai.response.finish_reasons') ??
      nonEmpty(output.finishReasons) ??
      legacyOutput.finishReasons,
    ttftMs: firstChunkMs(span),
    inputTokens,
    outputTokens,
    cachedInputTokens: firstNumber(attributes, [
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
    ]),
    reasoningTokens: firstNumber(attributes, ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens']),
    totalTokens:
      firstNumber(attributes, ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens']) ?? sum(inputTokens, outputTokens),
    errorType: errorType(span),
    inputText,
    outputText: output.text ?? legacyOutput.text,
  };
}

function readOpenInference(span: Span): InferenceFields {
  const attributes = span.attributes;
  const isEmbedding = readString(attributes, 'openinference.span.kind')?.toUpperCase() === 'EMBEDDING';
  const responseModel = firstString(attributes, ['llm.model_name', 'embedding.model_name']);
  const inputTokens = readNumber(attributes, 'llm.token_count.prompt');
  const outputTokens = readNumber(attributes, 'llm.token_count.completion');
  const finishReason = readString(attributes, 'llm.finish_reason');
  const outputValue = readString(attributes, 'output.value');
  const responseBody = outputValue === null ? undefined : responseBodyContent(outputValue);
  return {
    operation: isEmbedding ? 'embeddings' : 'chat',
    provider: firstString(attributes, ['llm.provider', 'llm.system']),
    requestModel: invocationModel(attributes['llm.invocation_parameters']) ?? responseModel,
    responseModel,
    responseId: null,
    finishReasons: finishReason !== null ? [finishReason] : (responseBody?.finishReasons ?? []),
    ttftMs: firstChunkMs(span),
    inputTokens,
    outputTokens,
    cachedInputTokens: firstNumber(attributes, ['llm.token_count.prompt_details.cache_read', 'llm.token_count.prompt_details.cached']),
    reasoningTokens: readNumber(attributes, 'llm.token_count.completion_details.reasoning'),
    totalTokens: readNumber(attributes, 'llm.token_count.total') ?? sum(inputTokens, outputTokens),
    errorType: errorType(span),
    inputText:
      indexedText(attributes, 'llm.input_messages', 'message.content') ?? readString(attributes, 'input.value'),
    outputText:
      indexedText(attributes, 'llm.output_messages', 'message.content') ??
      indexedText(attributes, 'llm.output_messages', 'message.contents.0.message_content.text') ??
      (responseBody !== undefined ? responseBody.text : outputValue),
  };
}

/**
 * The AI SDK's provider-call spans (`ai.generateText.doGenerate`, `ai.streamText.doStream`,
 * `ai.embed.doEmbed`…): `ai.*` attributes first (AI SDK 5+ names, then 4's), then the `gen_ai.*`
 * ones it sets beside them.
 */
function readAiSdk(span: Span): InferenceFields {
  const attributes = span.attributes;
  const operationId = readString(attributes, 'ai.operationId') ?? '';
  const isEmbedding = AI_SDK_OPERATIONS[operationId] === 'embeddings';
  const inputTokens = isEmbedding
    ? firstNumber(attributes, ['ai.usage.tokens', 'gen_ai.usage.input_tokens'])
    : firstNumber(attributes, ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'gen_ai.usage.input_tokens']);
  const outputTokens = isEmbedding ? null : firstNumber(attributes, ['ai.usage.outputTokens', 'ai.usage.completionTokens', 'gen_ai.usage.output_tokens']);
  const finishReason = readString(attributes, 'ai.response.finishReason');
  const promptMessages = attributes['ai.prompt.messages'];
  return {
    operation: isEmbedding ? 'embeddings' : 'chat',
    provider: firstString(attributes, ['ai.model.provider', 'gen_ai.system', 'gen_ai.provider.name']),
    requestModel: firstString(attributes, ['ai.model.id', 'gen_ai.request.model']),
    responseModel: firstString(attributes, ['ai.response.model', 'gen_ai.response.model']),
    responseId: firstString(attributes, ['ai.response.id', 'gen_ai.response.id']),
    finishReasons: finishReason !== null ? [finishReason] : (readStringArray(attributes, 'gen_ai.response.finish_reasons') ?? []),
    ttftMs: readNumber(attributes, 'ai.response.msToFirstChunk') ?? firstChunkMs(span),
    inputTokens,
    outputTokens,
    cachedInputTokens: firstNumber(attributes, ['ai.usage.cachedInputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens', 'gen_ai.usage.cache_read.input_tokens']),
    reasoningTokens: firstNumber(attributes, ['ai.usage.reasoningTokens', 'ai.usage.outputTokenDetails.reasoningTokens', 'gen_ai.usage.reasoning.output_tokens']),
    totalTokens: readNumber(attributes, 'ai.usage.totalTokens') ?? sum(inputTokens, outputTokens) ?? (isEmbedding ? inputTokens : null),
    errorType: errorType(span),
    inputText: promptMessages !== undefined ? genAiMessagesContent(promptMessages).text : readString(attributes, 'ai.prompt'),
    outputText: isEmbedding ? null : readString(attributes, 'ai.response.text'),
  };
}

function invocationModel(value: AttrValue | undefined): string | null {
  if (typeof value !== 'string' || !value.includes('"model"')) return null;
  try {
    const parameters = JSON.parse(value) as unknown;
    const model = typeof parameters === 'object' && parameters !== null ? (parameters as { model?: unknown }).model : undefined;
    // The attribute was made safe at decode time, but not the escapes inside its JSON.
    return typeof model === 'string' && model !== '' ? safeText(model) : null;
  } catch {
    return null;
  }
}

const FIRST_CHUNK_EVENTS: ReadonlySet<string> = new Set(['ai.stream.firstChunk', 'gen_ai.content.first_chunk', 'llm.first_token', 'first_token']);

/** A first-chunk event's own figure, else its time from the span's start. */
function firstChunkMs(span: Span): number | null {
  for (const event of span.events) {
    if (!FIRST_CHUNK_EVENTS.has(event.name)) continue;
    const reported = readNumber(event.attributes, 'ai.response.msToFirstChunk');
    if (reported !== null) return reported;
    if (event.timeUnixNano >= span.startTimeUnixNano) return Number(event.timeUnixNano - span.startTimeUnixNano) / 1e6;
  }
  return null;
}

/** `gen_ai.choice` events, `gen_ai.content.completion` events, or `gen_ai.completion.N.*` attributes. */
function legacyOutputContent(span: Span): { text: string | null; finishReasons: string[] } {
  const texts: string[] = [];
  const finishReasons: string[] = [];
  for (const event of span.events) {
    if (event.name === 'gen_ai.choice') {
      const text =
        legacyMessageText(event.attributes.message) ??
        readString(event.attributes, 'message.content') ??
        readString(event.attributes, 'content');
      if (text !== null) texts.push(text);
      const finishReason = readString(event.attributes, 'finish_reason');
      if (finishReason !== null) finishReasons.push(finishReason);
    } else if (event.name === 'gen_ai.content.completion') {
      const text = legacyMessageText(event.attributes['gen_ai.completion']);
      if (text !== null) texts.push(text);
    }
  }
  if (texts.length === 0) {
    const indexed = indexedText(span.attributes, 'gen_ai.completion', 'content');
    if (indexed !== null) texts.push(indexed);
  }
  if (finishReasons.length === 0) {
    for (let i = 0; ; i++) {
      const value = span.attributes[`gen_ai.completion.${i}.finish_reason`];
      if (value === undefined) break;
      if (typeof value === 'string') finishReasons.push(value);
    }
  }
  return { text: texts.length > 0 ? texts.join('\n') : null, finishReasons };
}

function legacyInputText(span: Span): string | null {
  const texts: string[] = [];
  for (const event of span.events) {
    if (LEGACY_INPUT_EVENTS.has(event.name)) {
      const text = legacyMessageText(event.attributes.content);
      if (text !== null) texts.push(text);
    } else if (event.name === 'gen_ai.content.prompt') {
      const text = legacyMessageText(event.attributes['gen_ai.prompt']);
      if (text !== null) texts.push(text);
    }
  }
  if (texts.length > 0) return texts.join('\n');
  return indexedText(span.attributes, 'gen_ai.prompt', 'content');
}

/** `error.type`, else the type of the first `exception` event of a failed span. */
function errorType(span: Span): string | null {
  const declared = readString(span.attributes, 'error.type');
  if (declared !== null) return declared;
  if (span.status.code !== 'error') return null;
  const exception: SpanEvent | undefined = span.events.find((event) => event.name === 'exception');
  return exception ? readString(exception.attributes, 'exception.type') : null;
}

function sum(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function nonEmpty<T>(values: T[]): T[] | null {
  return values.length > 0 ? values : null;
}
