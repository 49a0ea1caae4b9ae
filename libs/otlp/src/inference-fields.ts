import { firstNumber, firstString, readNumber, readString, readStringArray } from './attribute-readers.js';
import type { Dialect, InferenceRecord } from './inference-record.js';
import { genAiMessagesContent, indexedText, legacyMessageText } from './message-content.js';
import type { Span, SpanEvent } from './trace-request.js';

/** The part of an InferenceRecord that depends on the dialect's vocabulary. */
export type InferenceFields = Pick<
  InferenceRecord,
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'responseId'
  | 'finishReasons'
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

export function readInferenceFields(span: Span, dialect: Dialect): InferenceFields {
  return dialect === 'openinference' ? readOpenInference(span) : readGenAi(span);
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
  const model = firstString(attributes, ['llm.model_name', 'embedding.model_name']);
  const inputTokens = readNumber(attributes, 'llm.token_count.prompt');
  const outputTokens = readNumber(attributes, 'llm.token_count.completion');
  const finishReason = readString(attributes, 'llm.finish_reason');
  return {
    operation: isEmbedding ? 'embeddings' : 'chat',
    provider: firstString(attributes, ['llm.provider', 'llm.system']),
    requestModel: model,
    responseModel: model,
    responseId: null,
    finishReasons: finishReason === null ? [] : [finishReason],
    inputTokens,
    outputTokens,
    cachedInputTokens: readNumber(attributes, 'llm.token_count.prompt_details.cache_read'),
    reasoningTokens: readNumber(attributes, 'llm.token_count.completion_details.reasoning'),
    totalTokens: readNumber(attributes, 'llm.token_count.total') ?? sum(inputTokens, outputTokens),
    errorType: errorType(span),
    inputText:
      indexedText(attributes, 'llm.input_messages', 'message.content') ?? readString(attributes, 'input.value'),
    outputText:
      indexedText(attributes, 'llm.output_messages', 'message.content') ?? readString(attributes, 'output.value'),
  };
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
