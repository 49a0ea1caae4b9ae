import type { Attributes, AttrValue } from './trace-request.js';

export interface MessagesContent {
  text: string | null;
  finishReasons: string[];
}

/**
 * Text parts of GenAI `gen_ai.input.messages` / `gen_ai.output.messages`: a JSON string (or a
 * structured array) of `{ role, parts: [{ type: "text", content }, ...], finish_reason }`.
 * Older instrumentations put `content` on the message itself. A value that is not JSON (e.g. cut
 * by the attribute size cap) is taken as the text itself.
 */
export function genAiMessagesContent(value: AttrValue | undefined): MessagesContent {
  if (value == null) return { text: null, finishReasons: [] };
  const messages = typeof value === 'string' ? parseJson(value) : value;
  if (messages === undefined) return { text: value as string, finishReasons: [] };
  const texts: string[] = [];
  const finishReasons: string[] = [];
  for (const message of Array.isArray(messages) ? messages : [messages]) {
    if (!isRecord(message)) continue;
    collectMessageText(message, texts);
    if (typeof message.finish_reason === 'string') finishReasons.push(message.finish_reason);
  }
  return { text: texts.length > 0 ? texts.join('\n') : null, finishReasons };
}

/** Text of one legacy message: a JSON string `{role, content}`, a kvlist, or plain text. */
export function legacyMessageText(value: AttrValue | undefined): string | null {
  if (value == null) return null;
  if (typeof value === 'string') {
    const parsed = value.startsWith('{') || value.startsWith('[') ? parseJson(value) : undefined;
    if (parsed === undefined) return value;
    return genAiMessagesContent(parsed as AttrValue).text;
  }
  return genAiMessagesContent(value).text;
}

/** Joins `<prefix>.<i>.<suffix>` values for i = 0, 1, ... until one is missing. */
export function indexedText(attributes: Attributes, prefix: string, suffix: string): string | null {
  const texts: string[] = [];
  for (let i = 0; ; i++) {
    const value = attributes[`${prefix}.${i}.${suffix}`];
    if (value === undefined) break;
    if (typeof value === 'string') texts.push(value);
  }
  return texts.length > 0 ? texts.join('\n') : null;
}

// GenAI `parts` carry `content`; the AI SDK's and OpenAI's content arrays carry `text`.
function collectMessageText(message: Record<string, unknown>, texts: string[]): void {
  if (typeof message.content === 'string') texts.push(message.content);
  for (const parts of [message.parts, message.content]) {
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (!isRecord(part) || !TEXT_PART_TYPES.has(part.type as string)) continue;
      const text = typeof part.content === 'string' ? part.content : part.text;
      if (typeof text === 'string') texts.push(text);
    }
  }
}

const TEXT_PART_TYPES: ReadonlySet<string> = new Set(['text', 'output_text', 'input_text']);

/**
 * Text and finish reason of a provider's response body as OpenInference records it in
 * `output.value`: a Chat Completions object (`choices[].message.content`, `finish_reason`) or a
 * Responses API object (`output[]` messages of `output_text` parts; a `function_call` item is a
 * tool call). Undefined when the value is neither, so the caller can take it as plain text.
 */
export function responseBodyContent(value: string): MessagesContent | undefined {
  if (!value.startsWith('{')) return undefined;
  const body = parseJson(value);
  if (!isRecord(body)) return undefined;
  const texts: string[] = [];
  const finishReasons: string[] = [];
  if (Array.isArray(body.choices)) {
    for (const choice of body.choices) {
      if (!isRecord(choice)) continue;
      if (isRecord(choice.message)) collectMessageText(choice.message, texts);
      else if (typeof choice.text === 'string') texts.push(choice.text);
      if (typeof choice.finish_reason === 'string') finishReasons.push(choice.finish_reason);
    }
  } else if (Array.isArray(body.output)) {
    let toolCall = false;
    for (const item of body.output) {
      if (!isRecord(item)) continue;
      if (item.type === 'message') collectMessageText(item, texts);
      else if (item.type === 'function_call' || item.type === 'custom_tool_call') toolCall = true;
    }
    if (toolCall) finishReasons.push('tool_call');
    else if (body.status === 'incomplete') finishReasons.push(isRecord(body.incomplete_details) && typeof body.incomplete_details.reason === 'string' ? body.incomplete_details.reason : 'length');
    else if (body.status === 'completed') finishReasons.push('stop');
  } else {
    return undefined;
  }
  return { text: texts.length > 0 ? texts.join('\n') : null, finishReasons };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
