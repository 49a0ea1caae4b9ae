import { readString } from './attribute-readers.js';
import { evaluationsOf, nanosToMs } from './evaluation-events.js';
import type { EvaluationRecord, ExtractOptions, ExtractResult, InferenceRecord } from './inference-record.js';
import { readInferenceFields, type InferenceFields } from './inference-fields.js';
import { inferenceDialect } from './inference-span.js';
import { JourneyResolver, NO_JOURNEY, inputContentHash } from './journey.js';
import { completeSpan, isSkimmed, skimmedInputHash } from './skim-protobuf.js';
import type { Span, TraceRequest } from './trace-request.js';

const DEFAULT_MAX_REJECT_REASONS = 10;
const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'reasoningTokens', 'totalTokens'] as const;

/**
 * Maps the inference spans of a request to records, and collects every evaluation result.
 * Evaluations are tied to an inference of the same request when they sit on the inference span,
 * on a child of it, or name its `gen_ai.response.id`; the others keep `inferenceSpanId: null` so
 * the ingest can tie them to an inference stored earlier.
 */
export function extractInferences(request: TraceRequest, options: ExtractOptions = {}): ExtractResult {
  const maxRejectReasons = options.maxRejectReasons ?? DEFAULT_MAX_REJECT_REASONS;
  const inferences: InferenceRecord[] = [];
  const evaluations: EvaluationRecord[] = [];
  const rejected = { count: 0, reasons: [] as string[] };
  let skipped = 0;
  const journeys = options.journeyAttributes !== undefined && options.journeyAttributes.length > 0 ? new JourneyResolver(request, options.journeyAttributes) : null;

  for (const resourceSpans of request.resourceSpans) {
    const resourceAttributes = resourceSpans.resource.attributes;
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const spanEvaluations = span.events.length > 0 ? evaluationsOf(span) : [];
        for (const evaluation of spanEvaluations) evaluations.push(evaluation);
        const dialect = inferenceDialect(span.attributes, span.status.code === 'error');
        if (dialect === null) {
          skipped++;
          continue;
        }
        const fields = readInferenceFields(span, dialect);
        const problem = inconsistency(span, fields);
        if (problem !== null) {
          rejected.count++;
          if (rejected.reasons.length < maxRejectReasons) rejected.reasons.push(`span ${span.spanId}: ${problem}`);
          continue;
        }
        const record: InferenceRecord = {
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          serviceName: readString(resourceAttributes, 'service.name'),
          serviceVersion: readString(resourceAttributes, 'service.version'),
          resourceAttributes,
          spanAttributes: span.attributes,
          scopeName: scopeSpans.scope.name,
          spanName: span.name,
          kind: span.kind,
          startTimeUnixNano: span.startTimeUnixNano,
          endTimeUnixNano: span.endTimeUnixNano,
          startTimeMs: nanosToMs(span.startTimeUnixNano),
          endTimeMs: nanosToMs(span.endTimeUnixNano),
          dialect,
          // Field by field rather than spread: every record then shares one shape, built without a copy loop.
          operation: fields.operation,
          provider: fields.provider,
          requestModel: fields.requestModel,
          responseModel: fields.responseModel,
          responseId: fields.responseId,
          finishReasons: fields.finishReasons,
          ttftMs: fields.ttftMs,
          inputTokens: fields.inputTokens,
          outputTokens: fields.outputTokens,
          cachedInputTokens: fields.cachedInputTokens,
          reasoningTokens: fields.reasoningTokens,
          totalTokens: fields.totalTokens,
          errorType: fields.errorType,
          inputText: fields.inputText,
          outputText: fields.outputText,
          statusCode: span.status.code,
          statusMessage: span.status.message,
          events: span.events,
          evaluations: [],
          journey: journeys === null ? NO_JOURNEY : journeys.resolve(span, resourceAttributes),
          inputHash: skimmedInputHash(span) ?? inputContentHash(span.attributes),
        };
        inferences.push(record);
        if (isSkimmed(span)) (record as SkimmedRecord).unreadSpan = span;
      }
    }
  }
  if (evaluations.length > 0) attachEvaluations(inferences, evaluations);
  return { inferences, evaluations, skipped, rejected };
}

type SkimmedRecord = InferenceRecord & { unreadSpan?: Span };

/**
 * The record with every field, for a span of `skimProtobufTraceRequest` that is kept: until then
 * its attributes and the fields read from them are those of `UNSAMPLED_SPAN_KEYS` (and the
 * catalog's keys) alone.
 */
export function completeInference(record: InferenceRecord): InferenceRecord {
  const span = (record as SkimmedRecord).unreadSpan;
  if (span === undefined) return record;
  delete (record as SkimmedRecord).unreadSpan;
  completeSpan(span);
  const fields = readInferenceFields(span, record.dialect);
  record.spanAttributes = span.attributes;
  record.operation = fields.operation;
  record.provider = fields.provider;
  record.requestModel = fields.requestModel;
  record.responseModel = fields.responseModel;
  record.responseId = fields.responseId;
  record.finishReasons = fields.finishReasons;
  record.ttftMs = fields.ttftMs;
  record.inputTokens = fields.inputTokens;
  record.outputTokens = fields.outputTokens;
  record.cachedInputTokens = fields.cachedInputTokens;
  record.reasoningTokens = fields.reasoningTokens;
  record.totalTokens = fields.totalTokens;
  record.errorType = fields.errorType;
  record.inputText = fields.inputText;
  record.outputText = fields.outputText;
  return record;
}

function inconsistency(span: Span, fields: InferenceFields): string | null {
  if (span.endTimeUnixNano < span.startTimeUnixNano) return 'ends before it starts';
  for (const field of TOKEN_FIELDS) {
    const value = fields[field];
    if (value !== null && (!Number.isInteger(value) || value < 0)) return `${field} is not a non-negative integer`;
  }
  return null;
}

function attachEvaluations(inferences: InferenceRecord[], evaluations: EvaluationRecord[]): void {
  const bySpan = new Map<string, InferenceRecord>();
  const byResponseId = new Map<string, InferenceRecord>();
  for (const inference of inferences) {
    bySpan.set(spanKey(inference.traceId, inference.spanId), inference);
    if (inference.responseId !== null) byResponseId.set(inference.responseId, inference);
  }
  for (const evaluation of evaluations) {
    const inference =
      bySpan.get(spanKey(evaluation.traceId, evaluation.spanId)) ??
      (evaluation.parentSpanId !== null ? bySpan.get(spanKey(evaluation.traceId, evaluation.parentSpanId)) : undefined) ??
      (evaluation.responseId !== null ? byResponseId.get(evaluation.responseId) : undefined);
    if (inference === undefined) continue;
    evaluation.inferenceSpanId = inference.spanId;
    inference.evaluations.push(evaluation);
  }
}

function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}
