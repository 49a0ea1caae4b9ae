import type { InputHash } from './journey.js';
import type { Attributes, SpanEvent, SpanKindName, StatusCodeName } from './trace-request.js';

/** Which attribute vocabulary a span used; all three map to the same record. */
export type Dialect = 'genai' | 'genai_legacy' | 'openinference' | 'aisdk';

export interface EvaluationRecord {
  name: string;
  scoreValue: number | null;
  scoreLabel: string | null;
  explanation: string | null;
  /** `gen_ai.response.id` of the evaluated response, when the event names it. */
  responseId: string | null;
  /** The span that carried the `gen_ai.evaluation.result` event. */
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  timeUnixNano: bigint;
  timeMs: number;
  /**
   * The inference span this evaluation was tied to within the same request (the span itself,
   * its parent, or the span with the same response id); null when the ingest must tie it later.
   */
  inferenceSpanId: string | null;
}

export interface InferenceRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  serviceName: string | null;
  serviceVersion: string | null;
  resourceAttributes: Attributes;
  spanAttributes: Attributes;
  scopeName: string;
  spanName: string;
  kind: SpanKindName;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  startTimeMs: number;
  endTimeMs: number;
  dialect: Dialect;
  /** `chat`, `generate_content`, `text_completion` or `embeddings` (OpenInference LLM → chat). */
  operation: string | null;
  /** Normalised to the conventions' `gen_ai.provider.name` values (`openai.chat` → `openai`). */
  provider: string | null;
  /** What the application asked for; the response model is the provider's answer (often a dated snapshot). */
  requestModel: string | null;
  responseModel: string | null;
  responseId: string | null;
  /** Normalised to the conventions' set (`stop`, `length`, `content_filter`, `tool_call`, `error`). */
  finishReasons: string[];
  /** Milliseconds from the start of the call to its first streamed chunk, where the client reports it. */
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
  /** Reported total, else input + output when both are known. */
  totalTokens: number | null;
  statusCode: StatusCodeName;
  statusMessage: string;
  errorType: string | null;
  /** Text parts of the prompt, joined by newlines; null when content was not captured. */
  inputText: string | null;
  /** Text parts of the response, joined by newlines; null when content was not captured. */
  outputText: string | null;
  events: SpanEvent[];
  evaluations: EvaluationRecord[];
  /** The product step the call serves (see `JourneyResolver`); NO_JOURNEY unless journey keys are given. */
  journey: string;
  /** The hash of its normalised input content, read for every span, sampled or not. */
  inputHash: InputHash | null;
}

export interface ExtractResult {
  inferences: InferenceRecord[];
  /** Every `gen_ai.evaluation.result` event in the request, on any span. */
  evaluations: EvaluationRecord[];
  /** Spans that are not inference spans. */
  skipped: number;
  /** Inference spans refused as inconsistent (e.g. end before start, negative token counts). */
  rejected: { count: number; reasons: string[] };
}

export interface ExtractOptions {
  /** Reasons kept in `rejected.reasons` (the count is always exact). Default 10. */
  maxRejectReasons?: number;
  /** The attribute keys that name a journey, in order of preference; without them every record's journey is NO_JOURNEY. */
  journeyAttributes?: readonly string[];
}
