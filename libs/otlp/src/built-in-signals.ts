import type { EvaluationRecord, InferenceRecord } from './inference-record.js';

export type SignalValues = Record<string, number | string>;

export const BUILT_IN_SIGNAL_NAMES = [
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'ttft_ms',
  'finish_reason',
  'provider',
  'response_model',
  'operation',
  'error_type',
  'status',
  'output_chars',
] as const;

/**
 * The built-in signals of one inference. A signal whose source is absent is left out rather
 * than set to zero, so it does not pull a distribution towards zero; `eval.<name>.score` and
 * `eval.<name>.label` come from the evaluations tied to the record.
 */
export function builtInSignals(record: InferenceRecord): SignalValues {
  const signals: SignalValues = {
    latency_ms: Number(record.endTimeUnixNano - record.startTimeUnixNano) / 1e6,
    status: record.statusCode,
  };
  if (record.inputTokens !== null) signals.input_tokens = record.inputTokens;
  if (record.outputTokens !== null) signals.output_tokens = record.outputTokens;
  if (record.totalTokens !== null) signals.total_tokens = record.totalTokens;
  if (record.cachedInputTokens !== null) signals.cached_input_tokens = record.cachedInputTokens;
  if (record.reasoningTokens !== null) signals.reasoning_tokens = record.reasoningTokens;
  if (record.ttftMs !== null && record.ttftMs >= 0) signals.ttft_ms = record.ttftMs;
  if (record.finishReasons.length > 0) signals.finish_reason = record.finishReasons[0];
  if (record.provider !== null) signals.provider = record.provider;
  if (record.operation !== null) signals.operation = record.operation;
  if (record.responseModel !== null) signals.response_model = record.responseModel;
  if (record.errorType !== null) signals.error_type = record.errorType;
  if (record.outputText !== null) signals.output_chars = codePointLength(record.outputText);
  return Object.assign(signals, evaluationSignals(record.evaluations));
}

/**
 * `eval.<name>.score` and `eval.<name>.label`; for an evaluation that arrives after its inference,
 * the ingest merges these into the stored signals. The latest result of a name wins.
 */
export function evaluationSignals(evaluations: readonly EvaluationRecord[]): SignalValues {
  const signals: SignalValues = {};
  const ordered = evaluations.length > 1 ? [...evaluations].sort((a, b) => compareBigInt(a.timeUnixNano, b.timeUnixNano)) : evaluations;
  for (const evaluation of ordered) {
    if (evaluation.scoreValue !== null) signals[`eval.${evaluation.name}.score`] = evaluation.scoreValue;
    if (evaluation.scoreLabel !== null) signals[`eval.${evaluation.name}.label`] = evaluation.scoreLabel;
  }
  return signals;
}

/** Characters as a reader counts them: code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const completesPair = code >= 0xdc00 && code <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1));
    if (!completesPair) length++;
  }
  return length;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
