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

function collectMessageText(message: Record<string, unknown>, texts: string[]): void {
  if (typeof message.content === 'string') texts.push(message.content);
  if (!Array.isArray(message.parts)) return;
  for (const part of message.parts) {
    if (isRecord(part) && part.type === 'text' && typeof part.content === 'string') texts.push(part.content);
  }
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
