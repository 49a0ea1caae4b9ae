import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import {
  IngestRepository,
  ModelRepository,
  type CountToWrite,
  type LateEvaluation,
  type SampleToWrite,
  type UnmatchedToWrite,
} from '@assay/db';
import {
  decodeTraceRequest,
  evaluationSignals,
  extractInferences,
  type InferenceRecord,
  type OtlpFormat,
  type PartialSuccess,
} from '@assay/otlp';
import { ModelCatalog, Sampler, SpanMatcher, buildProfiles, inferenceSignals, priceKey, type CompiledModel, type ProjectCatalog } from '@assay/models';
import { counter } from '@assay/common';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Spans may start at most this far in the future (clock skew). */
const MAX_FUTURE_MS = DAY_MS;
const PENDING_TTL_SECONDS = 3600;
const MAX_PENDING_PER_PROJECT = 10_000;
const MAX_AUTO_REGISTER_PER_REQUEST = 20;
const UNKNOWN_SERVICE = 'unknown_service';

const spansCounter = counter('assay_ingest_spans_total', 'Inference spans received, by outcome', ['outcome']);

export interface IngestOutcome {
  partialSuccess?: PartialSuccess;
  inferences: number;
  sampled: number;
  stored: number;
}

const minuteOf = (ms: number): number => ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);

/**
 * One OTLP request → one batched write: decode, pick inference spans, match them to models,
 * sample, compute signals, then store samples, counts, profiles and evaluations in one
 * transaction. Returns only after the commit, so the caller's 200 means durably stored.
 */
@Injectable()
export class IngestService {
  private readonly sampler = new Sampler();
  private readonly maxAgeMs: number;
  private lastPurge = 0;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly models: ModelRepository,
    private readonly writer: IngestRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxAgeMs = config.retention.sampleDays * DAY_MS;
  }

  async ingest(projectId: string, body: Uint8Array, format: OtlpFormat, nowMs = Date.now()): Promise<IngestOutcome> {
    const request = decodeTraceRequest(body, format);
    const extracted = extractInferences(request);
    let rejected = extracted.rejected.count;
    const reasons = [...extracted.rejected.reasons];
    if (extracted.inferences.length === 0 && extracted.evaluations.length === 0) {
      return { inferences: 0, sampled: 0, stored: 0, ...(rejected > 0 ? { partialSuccess: { rejectedSpans: rejected, errorMessage: reasons.join('; ') } } : {}) };
    }

    let catalog = await this.catalog.forProject(projectId);
    const inTime: InferenceRecord[] = [];
    for (const record of extracted.inferences) {
      if (record.startTimeMs < nowMs - this.maxAgeMs || record.startTimeMs > nowMs + MAX_FUTURE_MS) {
        rejected++;
        if (reasons.length < 10) reasons.push(`span ${record.spanId}: start time outside the accepted range (retention ${this.maxAgeMs / DAY_MS} days)`);
        continue;
      }
      inTime.push(record);
    }
    if (catalog.autoRegisterModels) catalog = await this.registerUnknown(projectId, catalog, inTime);

    const samples: SampleToWrite[] = [];
    const counts = new Map<string, CountToWrite>();
    const unmatched = new Map<string, UnmatchedToWrite>();
    for (const record of inTime) {
      const minuteMs = minuteOf(record.startTimeMs);
      const model = catalog.matcher.match(record);
      if (!model) {
        const serviceName = record.serviceName ?? UNKNOWN_SERVICE;
        const key = `${serviceName}\u0000${minuteMs}`;
        const entry = unmatched.get(key) ?? unmatched.set(key, { serviceName, minuteMs, count: 0 }).get(key)!;
        entry.count++;
        continue;
      }
      const version = SpanMatcher.versionOf(model, record);
      const countKey = `${model.id}\u0000${version}\u0000${minuteMs}`;
      const count = counts.get(countKey) ?? counts.set(countKey, { modelId: model.id, version, minuteMs, seen: 0, sampled: 0 }).get(countKey)!;
      count.seen++;
      if (!this.sampler.decide(model.id, version, minuteMs, model.sampling, nowMs)) continue;
      count.sampled++;
      samples.push(this.sampleOf(record, model, version, catalog));
    }

    const lateEvaluations: LateEvaluation[] = extracted.evaluations
      .filter((e) => e.inferenceSpanId === null)
      .map((e) => ({ traceId: e.traceId, parentSpanId: e.parentSpanId, responseId: e.responseId, signals: evaluationSignals([e]) }));
    // Only numbers cross the write's await: decoded spans kept alive while PostgreSQL works would
    // survive young-generation collections and be copied into the old one, request after request.
    const inferences = extracted.inferences.length;
    let unmatchedSpans = 0;
    for (const u of unmatched.values()) unmatchedSpans += u.count;
    const matched = inTime.length - unmatchedSpans;

    const result = await this.writer.write(
      {
        projectId,
        modelIds: catalog.models.map((m) => m.id),
        samples,
        counts: [...counts.values()],
        unmatched: [...unmatched.values()],
        lateEvaluations,
        pendingTtlSeconds: PENDING_TTL_SECONDS,
        maxPendingPerProject: MAX_PENDING_PER_PROJECT,
      },
      buildProfiles,
    );
    this.purgeNow(nowMs);
    spansCounter.inc({ outcome: 'matched' }, matched);
    spansCounter.inc({ outcome: 'sampled' }, samples.length);
    if (rejected > 0) spansCounter.inc({ outcome: 'rejected' }, rejected);
    return {
      inferences,
      sampled: samples.length,
      stored: result.inserted,
      ...(rejected > 0 ? { partialSuccess: { rejectedSpans: rejected, errorMessage: reasons.join('; ') } } : {}),
    };
  }

  private sampleOf(record: InferenceRecord, model: CompiledModel, version: string, catalog: ProjectCatalog): SampleToWrite {
    const priced = record.responseModel ?? record.requestModel;
    const price = record.provider !== null && priced !== null ? (catalog.prices.get(priceKey(record.provider, priced)) ?? null) : null;
    return {
      modelId: model.id,
      version,
      timeMicros: record.startTimeUnixNano / 1000n,
      traceId: record.traceId,
      spanId: record.spanId,
      parentSpanId: record.parentSpanId,
      responseId: record.responseId,
      serviceName: record.serviceName ?? UNKNOWN_SERVICE,
      signals: inferenceSignals(record, { customSignals: model.customSignals, energy: model.energy, price }),
    };
  }

  private async registerUnknown(projectId: string, catalog: ProjectCatalog, records: InferenceRecord[]): Promise<ProjectCatalog> {
    const names = new Set<string>();
    for (const record of records) {
      if (names.size >= MAX_AUTO_REGISTER_PER_REQUEST) break;
      const name = record.responseModel ?? record.requestModel;
      if (name !== null && name.length <= 200 && !catalog.matcher.match(record)) names.add(name);
    }
    if (names.size === 0) return catalog;
    await this.models.createMissing(projectId, [...names]);
    this.catalog.invalidate(projectId);
    return this.catalog.forProject(projectId);
  }

  private purgeNow(nowMs: number): void {
    if (nowMs - this.lastPurge < MINUTE_MS) return;
    this.lastPurge = nowMs;
    void this.writer.purgeExpiredEvaluations().catch(() => undefined);
  }
}
