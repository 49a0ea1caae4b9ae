import type { CountToWrite, JourneyCountToWrite, LateEvaluation, SampleToWrite, UnmatchedToWrite } from '@assay/db';
import {
  CustomSignalBudget, completeInference, decodeTraceRequest, evaluationSignals, extractInferences, modelBaseName, modelNameCandidates, skimProtobufTraceRequest,
  type CustomSignalSkipReason, type InferenceRecord, type InputHash, type OtlpFormat, type TokenPrice,
} from '@assay/otlp';
import { SpanMatcher, coinSays, inferenceSignals, priceKey, type CompiledModel, type ProjectCatalog } from '@assay/models';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Spans may start at most this far in the future (clock skew). */
const MAX_FUTURE_MS = DAY_MS;
const MAX_REASONS = 10;
export const MAX_AUTO_REGISTER_PER_REQUEST = 20;
export const UNKNOWN_SERVICE = 'unknown_service';

export interface PlanOptions {
  nowMs: number;
  /** Spans older than this (the sample retention) are refused. */
  maxAgeMs: number;
  /** Whether to name unknown models for registration (projects that auto-register models). */
  collectUnknownModels: boolean;
  random?: () => number;
}

/** A span that passed its model's sampling coin; the per-minute cap is left to the caller. */
export interface SampleCandidate {
  sample: SampleToWrite;
  minuteMs: number;
  maxPerMinute: number | null;
}

/** The input hashes of one journey's seen calls in one hour, as high and low 32 bits in turn. */
export interface JourneyInputs {
  journey: string;
  hourMs: number;
  calls: number;
  hashes: number[];
}

/**
 * What one OTLP request amounts to, before the per-minute caps and the write: plain data, so that
 * it can be computed on an ingest thread and posted back.
 */
export interface IngestPlan {
  inferences: number;
  matched: number;
  rejected: number;
  reasons: string[];
  candidates: SampleCandidate[];
  /** Seen spans per model, version and minute; `sampled` is zero until the caps are applied. */
  counts: CountToWrite[];
  /** The same per journey, as the request names them (the project's journey limit is applied later). */
  journeyCounts: JourneyCountToWrite[];
  journeyInputs: JourneyInputs[];
  unmatched: UnmatchedToWrite[];
  lateEvaluations: LateEvaluation[];
  /** Model names to register before planning again; empty unless asked for. */
  unknownModels: string[];
  /** regex_match signals left without a value: the request's regex time was spent, or the stored pattern is one the engine refuses. */
  customSignalSkips: Record<CustomSignalSkipReason, number>;
}

const minuteOf = (ms: number): number => ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
const hourOf = (ms: number): number => ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);

function sampleOf(record: InferenceRecord, model: CompiledModel, version: string, catalog: ProjectCatalog, budget: CustomSignalBudget): SampleToWrite {
  return {
    modelId: model.id,
    version,
    timeMicros: record.startTimeUnixNano / 1000n,
    traceId: record.traceId,
    spanId: record.spanId,
    parentSpanId: record.parentSpanId,
    responseId: record.responseId,
    serviceName: record.serviceName ?? UNKNOWN_SERVICE,
    journey: record.journey,
    signals: inferenceSignals(record, { customSignals: model.customSignals, energy: model.energy, price: priceOf(record, catalog), budget }),
  };
}

/** The provider's price for the requested model, else the answered one, else either without its snapshot suffix. */
export function priceOf(record: Pick<InferenceRecord, 'provider' | 'requestModel' | 'responseModel'>, catalog: ProjectCatalog): TokenPrice | null {
  if (record.provider === null || catalog.prices.size === 0) return null;
  for (const name of modelNameCandidates(record.requestModel, record.responseModel)) {
    const price = catalog.prices.get(priceKey(record.provider, name));
    if (price !== undefined) return price;
  }
  return null;
}

/** The name a model seen for the first time is registered under: what was asked for, without a snapshot suffix. */
function registrationName(record: InferenceRecord): string | null {
  const name = record.requestModel ?? record.responseModel;
  return name === null ? null : modelBaseName(name);
}

/**
 * Decodes a request, picks its inference spans, refuses those outside the accepted time range,
 * matches them to the catalog's models, counts them, tosses each model's sampling coin and computes
 * the signals of the spans it keeps. Throws OtlpError for a body that is not OTLP.
 */
export function planIngest(body: Uint8Array, format: OtlpFormat, catalog: ProjectCatalog, options: PlanOptions): IngestPlan {
  // A protobuf span is decoded in full only once the coin keeps it; JSON has been parsed whole already.
  const request = format === 'protobuf' ? skimProtobufTraceRequest(body, catalog.countingKeys) : decodeTraceRequest(body, format);
  const extracted = extractInferences(request, { journeyAttributes: catalog.journeyAttributes });
  const { nowMs, maxAgeMs } = options;
  let rejected = extracted.rejected.count;
  const reasons = [...extracted.rejected.reasons];
  const candidates: SampleCandidate[] = [];
  const counts = new Map<string, CountToWrite>();
  const unmatched = new Map<string, UnmatchedToWrite>();
  const unknownModels = new Set<string>();
  const budget = new CustomSignalBudget();
  let matched = 0;
  // Spans of one request nearly always share model, version and minute: the last count is reused
  // without building its key.
  let last: CountToWrite | null = null;
  const journeys = new JourneyTally();
  for (const record of extracted.inferences) {
    if (record.startTimeMs < nowMs - maxAgeMs || record.startTimeMs > nowMs + MAX_FUTURE_MS) {
      rejected++;
      if (reasons.length < MAX_REASONS) reasons.push(`span ${record.spanId}: start time outside the accepted range (retention ${maxAgeMs / DAY_MS} days)`);
      continue;
    }
    const minuteMs = minuteOf(record.startTimeMs);
    const model = catalog.matcher.match(record);
    if (!model) {
      const serviceName = record.serviceName ?? UNKNOWN_SERVICE;
      const key = `${serviceName}\u0000${minuteMs}`;
      const entry = unmatched.get(key) ?? unmatched.set(key, { serviceName, minuteMs, count: 0 }).get(key)!;
      entry.count++;
      const name = registrationName(record);
      if (options.collectUnknownModels && name !== null && name.length <= 200 && unknownModels.size < MAX_AUTO_REGISTER_PER_REQUEST) unknownModels.add(name);
      continue;
    }
    matched++;
    const version = SpanMatcher.versionOf(model, record);
    if (last === null || last.modelId !== model.id || last.version !== version || last.minuteMs !== minuteMs) {
      const countKey: string = `${model.id}\u0000${version}\u0000${minuteMs}`;
      last = counts.get(countKey) ?? counts.set(countKey, { modelId: model.id, version, minuteMs, seen: 0, sampled: 0 }).get(countKey)!;
    }
    last.seen++;
    journeys.see(last, record.journey, record.startTimeMs, record.inputHash);
    if (!coinSays(model.sampling, options.random)) continue;
    candidates.push({ sample: sampleOf(completeInference(record), model, version, catalog, budget), minuteMs, maxPerMinute: model.sampling.maxPerMinute });
  }
  return {
    inferences: extracted.inferences.length,
    matched,
    rejected,
    reasons,
    candidates,
    counts: [...counts.values()],
    journeyCounts: journeys.counts(),
    journeyInputs: journeys.inputs(),
    unmatched: [...unmatched.values()],
    lateEvaluations: extracted.evaluations
      .filter((e) => e.inferenceSpanId === null)
      .map((e) => ({ traceId: e.traceId, parentSpanId: e.parentSpanId, responseId: e.responseId, signals: evaluationSignals([e]) })),
    unknownModels: [...unknownModels],
    customSignalSkips: budget.skipped,
  };
}

/** Every seen span's journey count and input hash, per request. */
class JourneyTally {
  // Keyed by the model's count object (model, version, minute) and then by journey: no key strings per span.
  private readonly byCount = new Map<CountToWrite, Map<string, JourneyCountToWrite>>();
  private readonly byHour = new Map<number, Map<string, JourneyInputs>>();
  private readonly all: JourneyCountToWrite[] = [];
  private readonly inputsList: JourneyInputs[] = [];

  see(count: CountToWrite, journey: string, startMs: number, inputHash: InputHash | null): void {
    let journeys = this.byCount.get(count);
    if (journeys === undefined) this.byCount.set(count, (journeys = new Map()));
    let journeyCount = journeys.get(journey);
    if (journeyCount === undefined) {
      journeyCount = { modelId: count.modelId, version: count.version, journey, minuteMs: count.minuteMs, seen: 0, sampled: 0 };
      journeys.set(journey, journeyCount);
      this.all.push(journeyCount);
    }
    journeyCount.seen++;
    if (inputHash === null) return;
    const hourMs = hourOf(startMs);
    let hour = this.byHour.get(hourMs);
    if (hour === undefined) this.byHour.set(hourMs, (hour = new Map()));
    let inputs = hour.get(journey);
    if (inputs === undefined) {
      inputs = { journey, hourMs, calls: 0, hashes: [] };
      hour.set(journey, inputs);
      this.inputsList.push(inputs);
    }
    inputs.calls++;
    inputs.hashes.push(inputHash.high, inputHash.low);
  }

  counts(): JourneyCountToWrite[] {
    return this.all;
  }

  inputs(): JourneyInputs[] {
    return this.inputsList;
  }
}
