export { OtlpError, type OtlpErrorKind } from './otlp-error.js';
export { inflateBody } from './inflate-body.js';
export { decodeTraceRequest, type OtlpFormat } from './decode-trace-request.js';
export { ExportTraceServiceRequestType } from './otlp-schema.js';
export {
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  type AttrValue,
  type Attributes,
  type DecodeOptions,
  type InstrumentationScope,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanKindName,
  type SpanLink,
  type StatusCodeName,
  type TraceRequest,
} from './trace-request.js';
export { encodeExportResponse, encodeStatus, type PartialSuccess } from './export-response.js';
export { extractInferences } from './extract-inferences.js';
export { inferenceDialect } from './inference-span.js';
export type { Dialect, EvaluationRecord, ExtractOptions, ExtractResult, InferenceRecord } from './inference-record.js';
export { attributeLookup } from './attribute-lookup.js';
export { BUILT_IN_SIGNAL_NAMES, builtInSignals, evaluationSignals, type SignalValues } from './built-in-signals.js';
export { costUsd, type TokenPrice } from './cost.js';
export {
  InvalidCustomSignalError,
  MAX_REGEX_INPUT_LENGTH,
  MAX_REGEX_PATTERN_LENGTH,
  compileCustomSignals,
  validateCustomSignal,
  type CustomSignalSource,
  type CustomSignalSpec,
} from './custom-signals.js';
export { modelBaseName, modelNameCandidates, normaliseFinishReason, normaliseProvider } from './vocabulary.js';
