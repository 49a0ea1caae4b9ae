import { readNumber, readString } from './attribute-readers.js';
import type { EvaluationRecord } from './inference-record.js';
import type { Span } from './trace-request.js';

export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

/** `gen_ai.evaluation.result` events of one span; events without `gen_ai.evaluation.name` are ignored. */
export function evaluationsOf(span: Span): EvaluationRecord[] {
  let evaluations: EvaluationRecord[] | undefined;
  for (const event of span.events) {
    if (event.name !== EVALUATION_EVENT) continue;
    const attributes = event.attributes;
    const name = readString(attributes, 'gen_ai.evaluation.name');
    if (name === null || name === '') continue;
    (evaluations ??= []).push({
      name,
      scoreValue: readNumber(attributes, 'gen_ai.evaluation.score.value'),
      scoreLabel: readString(attributes, 'gen_ai.evaluation.score.label'),
      explanation: readString(attributes, 'gen_ai.evaluation.explanation'),
      responseId: readString(attributes, 'gen_ai.response.id'),
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      timeUnixNano: event.timeUnixNano,
      timeMs: nanosToMs(event.timeUnixNano),
      inferenceSpanId: null,
    });
  }
  return evaluations ?? [];
}

export function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}
