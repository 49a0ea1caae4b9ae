export { OtlpError, type OtlpErrorKind } from './otlp-error.js';
export { inflateBody } from './inflate-body.js';
export { MAX_OTLP_JSON_DEPTH, jsonNestingMessage, jsonNestingPastLimit } from './json-nesting.js';
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
export { completeInference, extractInferences } from './extract-inferences.js';
export { skimProtobufTraceRequest } from './skim-protobuf.js';
export {
  DEFAULT_JOURNEY_ATTRIBUTES,
  DEFAULT_JOURNEY_LIMIT,
  INPUT_CONTENT_KEYS,
  JourneyResolver,
  MAX_JOURNEY_LENGTH,
  NO_JOURNEY,
  OTHER_JOURNEY,
  hashInputBytes,
  inputContentHash,
  journeyIn,
  type InputHash,
} from './journey.js';
export { AttributeKeySet } from './attribute-key-set.js';
export { UNSAMPLED_SPAN_KEYS } from './inference-fields.js';
export { inferenceDialect } from './inference-span.js';
export type { Dialect, EvaluationRecord, ExtractOptions, ExtractResult, InferenceRecord } from './inference-record.js';
export { attributeLookup } from './attribute-lookup.js';
export { BUILT_IN_SIGNAL_NAMES, builtInSignals, evaluationSignals, type SignalValues } from './built-in-signals.js';
export { costUsd, type TokenPrice } from './cost.js';
export {
  CustomSignalBudget,
  InvalidCustomSignalError,
  MAX_REGEX_INPUT_LENGTH,
  REGEX_BUDGET_MS,
  MAX_REGEX_PATTERN_LENGTH,
  compileCustomSignals,
  compileContentSignals,
  type CallContent,
  type ContentSignals,
  type CustomSignals,
  type CustomSignalSkipReason,
  validateCustomSignal,
  type CustomSignalSource,
  type CustomSignalSpec,
} from './custom-signals.js';
export { MAX_REGEX_PROGRAM_SIZE, REGEX_DFA_MEMORY_BYTES, UnsupportedRegexError, compileLinearRegex, linearRegexProblem, type LinearRegex } from './linear-regex.js';
export { modelBaseName, modelNameCandidates, normaliseFinishReason, normaliseProvider } from './vocabulary.js';
export { genAiLogEvents, type GenAiLogEvents, type GenAiLogRecordInput, type SpanEventSignals } from './genai-log-events.js';
export { decodeLogsRequest } from './decode-logs-request.js';
export { decodeMetricsRequest } from './decode-metrics-request.js';
export { MAX_ANY_VALUE_DEPTH, type OtlpResource } from './common-request.js';
export { EVENT_NAME_ATTRIBUTE, SEVERITY_NUMBER_NAMES, type LogRecord, type LogsRequest, type ResourceLogs, type ScopeLogs } from './logs-request.js';
export {
  AGGREGATION_TEMPORALITY_CUMULATIVE,
  AGGREGATION_TEMPORALITY_DELTA,
  AGGREGATION_TEMPORALITY_NAMES,
  DATA_POINT_FLAG_NO_RECORDED_VALUE,
  type AggregationTemporality,
  type Exemplar,
  type ExponentialHistogramBuckets,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricData,
  type MetricDataType,
  type MetricsRequest,
  type NumberDataPoint,
  type NumberValueType,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryDataPoint,
} from './metrics-request.js';
export {
  encodeLogsExportResponse,
  encodeMetricsExportResponse,
  type LogsPartialSuccess,
  type MetricsPartialSuccess,
} from './export-response.js';
export {
  ExportLogsServiceRequestType,
  ExportLogsServiceResponseType,
  ExportMetricsServiceRequestType,
  ExportMetricsServiceResponseType,
} from './otlp-schema.js';
export {
  foldPoint,
  genAiClientMetricPoints,
  OPERATION_DURATION,
  TOKEN_USAGE,
  type ClientMetricField,
  type ClientMetricPoint,
  type ClientMetricPoints,
  type SeriesState,
} from './genai-client-metrics.js';
