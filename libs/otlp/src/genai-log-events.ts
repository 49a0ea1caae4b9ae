import { readNumber, readString } from './attribute-readers.js';
import { codePointLength, type SignalValues } from './built-in-signals.js';
import { genAiMessagesContent, legacyMessageText } from './message-content.js';
import type { Attributes, AttrValue } from './trace-request.js';
import { normaliseFinishReason } from './vocabulary.js';

/** What the GenAI log events need of an OTLP log record. */
export interface GenAiLogRecordInput {
  eventName: string | null;
  body: AttrValue | undefined;
  attributes: Attributes;
  traceId: string | null;
  spanId: string | null;
  timeUnixNano: bigint;
}

/** The signals that one request's GenAI events give the inference span they belong to. */
export interface SpanEventSignals {
  traceId: string;
  spanId: string;
  signals: SignalValues;
  /** The call's text as the events carried it, for content-derived custom signals; null when absent. */
  outputText: string | null;
  inputText: string | null;
}

export interface GenAiLogEvents {
  spans: SpanEventSignals[];
  /** GenAI events with no trace and span id: nothing to join them to. */
  unjoined: number;
  /** Records that are not GenAI events. */
  other: number;
}

const INPUT_EVENTS: ReadonlySet<string> = new Set(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message']);
const OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';
const CHOICE = 'gen_ai.choice';
const EVALUATION = 'gen_ai.evaluation.result';

interface SpanContent {
  traceId: string;
  spanId: string;
  inputs: string[];
  outputs: string[];
  finishReasons: string[];
  evaluations: Array<{ at: bigint; name: string; score: number | null; label: string | null }>;
}

/**
 * GenAI events sent as log records (the official OpenAI instrumentation sends content only this
 * way): `gen_ai.choice` and `gen_ai.client.inference.operation.details` give the output text
 * (`output_chars`) and finish reason, `gen_ai.evaluation.result` the `eval.<name>.*` signals,
 * each for the span named by the record's trace and span id. Input messages carry no built-in
 * signal; they are recognised and acknowledged.
 */
export function genAiLogEvents(records: readonly GenAiLogRecordInput[]): GenAiLogEvents {
  const bySpan = new Map<string, SpanContent>();
  let unjoined = 0;
  let other = 0;
  for (const record of records) {
    const name = record.eventName;
    const isGenAi = name !== null && (name === CHOICE || name === OPERATION_DETAILS || name === EVALUATION || INPUT_EVENTS.has(name));
    if (!isGenAi) {
      other++;
      continue;
    }
    if (record.traceId === null || record.spanId === null) {
      unjoined++;
      continue;
    }
    const key = `${record.traceId}/${record.spanId}`;
    let content = bySpan.get(key);
    if (content === undefined) {
      content = { traceId: record.traceId, spanId: record.spanId, inputs: [], outputs: [], finishReasons: [], evaluations: [] };
      bySpan.set(key, content);
    }
    if (INPUT_EVENTS.has(name)) readInputMessage(record, content);
    else if (name === CHOICE) readChoice(record, content);
    else if (name === OPERATION_DETAILS) readOperationDetails(record, content);
    else readEvaluation(record, content);
  }
  const spans: SpanEventSignals[] = [];
  for (const content of bySpan.values()) {
    const signals: SignalValues = {};
    if (content.outputs.length > 0) signals.output_chars = codePointLength(content.outputs.join('\n'));
    if (content.finishReasons.length > 0) signals.finish_reason = normaliseFinishReason(content.finishReasons[0]);
    content.evaluations.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const evaluation of content.evaluations) {
      if (evaluation.score !== null) signals[`eval.${evaluation.name}.score`] = evaluation.score;
      if (evaluation.label !== null) signals[`eval.${evaluation.name}.label`] = evaluation.label;
    }
    const outputText = content.outputs.length > 0 ? content.outputs.join('\n') : null;
    const inputText = content.inputs.length > 0 ? content.inputs.join('\n') : null;
    if (Object.keys(signals).length > 0 || inputText !== null) spans.push({ traceId: content.traceId, spanId: content.spanId, signals, outputText, inputText });
  }
  return { spans, unjoined, other };
}

// Body `{index, finish_reason, message: {role, content}}` (GenAI events v1); older SDKs put the same in attributes.
function readChoice(record: GenAiLogRecordInput, content: SpanContent): void {
  const body = asRecord(record.body);
  const message = body?.message ?? record.attributes.message;
  const text = message !== undefined ? legacyMessageText(message) : null;
  if (text !== null) content.outputs.push(text);
  const finishReason = typeof body?.finish_reason === 'string' ? body.finish_reason : readString(record.attributes, 'finish_reason');
  if (finishReason !== null) content.finishReasons.push(finishReason);
}

// Body `{content}` (or `{role, content}`) of gen_ai.user.message and its siblings; older SDKs use attributes.
function readInputMessage(record: GenAiLogRecordInput, content: SpanContent): void {
  const text = legacyMessageText(record.body) ?? readString(record.attributes, 'content');
  if (text !== null) content.inputs.push(text);
}

function readOperationDetails(record: GenAiLogRecordInput, content: SpanContent): void {
  const input = genAiMessagesContent(record.attributes['gen_ai.input.messages'] ?? asRecord(record.body)?.['gen_ai.input.messages']);
  if (input.text !== null) content.inputs.push(input.text);
  const output = genAiMessagesContent(record.attributes['gen_ai.output.messages'] ?? asRecord(record.body)?.['gen_ai.output.messages']);
  if (output.text !== null) content.outputs.push(output.text);
  const declared = record.attributes['gen_ai.response.finish_reasons'];
  if (Array.isArray(declared)) for (const reason of declared) if (typeof reason === 'string') content.finishReasons.push(reason);
  content.finishReasons.push(...output.finishReasons);
}

function readEvaluation(record: GenAiLogRecordInput, content: SpanContent): void {
  const name = readString(record.attributes, 'gen_ai.evaluation.name');
  if (name === null || name === '') return;
  content.evaluations.push({
    at: record.timeUnixNano,
    name,
    score: readNumber(record.attributes, 'gen_ai.evaluation.score.value'),
    label: readString(record.attributes, 'gen_ai.evaluation.score.label'),
  });
}

function asRecord(value: AttrValue | undefined): Record<string, AttrValue> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? (value as Record<string, AttrValue>) : null;
}
