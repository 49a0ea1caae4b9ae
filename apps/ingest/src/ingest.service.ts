import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { ClientMetricsRepository, IngestRepository, type ClientMetricPointToFold, type CountToWrite, type LateEvaluation, type SampleToWrite } from '@assay/db';
import {
  CustomSignalBudget, decodeLogsRequest, decodeMetricsRequest, genAiClientMetricPoints, genAiLogEvents,
  type CustomSignalSkipReason, type GenAiLogRecordInput, type LogsPartialSuccess, type MetricsPartialSuccess, type OtlpFormat, type PartialSuccess, type SignalValues,
} from '@assay/otlp';
import { ModelCatalog, ModelsService, SpanMatcher, buildProfiles, capKey, type CapDemand, type ProjectCatalog } from '@assay/models';
import { LOGGER, appMetrics } from '@assay/common';
import { planIngest, priceOf, type IngestPlan } from './ingest-plan.js';
import { PlannerPool } from './planner-pool.js';
import { SamplingCaps, type CapGrant } from './sampling-caps.js';
import { countModelSamples } from './model-sample-metrics.js';
import { JourneyInputBuffer } from './journey-input-buffer.js';
import { JourneyRegistry } from './journey-registry.js';
import { journeyTotals } from './journey-totals.js';

const ingestMetrics = appMetrics('ingest');

const DAY_MS = 86_400_000;
const PENDING_TTL_SECONDS = 3600;
const MAX_PENDING_PER_PROJECT = 10_000;
const MAX_REASONS = 10;

const spansCounter = ingestMetrics.counter('assay_ingest_spans_total', 'Inference spans received, by outcome', ['outcome']);
const logRecordsCounter = ingestMetrics.counter('assay_ingest_log_records_total', 'OTLP log records received: GenAI events or other', ['kind']);
const metricsCounter = ingestMetrics.counter('assay_ingest_metrics_total', 'OTLP metrics received, by GenAI client metric name or other', ['kind']);
const clientMetricPointsCounter = ingestMetrics.counter(
  'assay_ingest_client_metric_points_total',
  'GenAI client metric points: folded into model totals, matching no model, or refused at the per-project series limit',
  ['outcome'],
);
const customSignalSkipsCounter = ingestMetrics.counter(
  'assay_ingest_custom_signal_skips_total',
  'regex_match signal values left out: the request spent its regex time (budget), or the stored pattern is one the regex engine refuses (unsupported_pattern)',
  ['reason'],
);
const MAX_METRIC_SERIES_PER_PROJECT = 10_000;
const MINUTE_MS = 60_000;
const GENAI_CLIENT_METRICS: ReadonlySet<string> = new Set([
  'gen_ai.client.token.usage',
  'gen_ai.client.operation.duration',
  'gen_ai.server.time_to_first_token',
  'gen_ai.server.time_per_output_token',
  'gen_ai.server.request.duration',
]);

export interface IngestOutcome {
  partialSuccess?: PartialSuccess;
  firstRejectReason?: string;
  inferences: number;
  sampled: number;
  stored: number;
}

function countSkips(skips: Record<CustomSignalSkipReason, number>): void {
  for (const [reason, count] of Object.entries(skips)) if (count > 0) customSignalSkipsCounter.inc({ reason }, count);
}

/**
 * One OTLP request → one batched write: decode, pick inference spans, match them to models,
 * sample, compute signals (on a planner thread when there are any), apply the per-minute caps,
 * then store samples, counts, profiles and evaluations. Returns only after the commit, so the
 * caller's 200 means durably stored.
 */
function refusals(rejectedSpans: number, reasons: string[]): Pick<IngestOutcome, 'partialSuccess' | 'firstRejectReason'> {
  if (rejectedSpans === 0) return {};
  return { partialSuccess: { rejectedSpans, errorMessage: reasons.slice(0, MAX_REASONS).join('; ') }, firstRejectReason: reasons[0] };
}

@Injectable()
export class IngestService implements OnModuleDestroy {
  private readonly maxAgeMs: number;
  private readonly maxModelSeries: number;
  private readonly pool: PlannerPool | null;
  private lastPurge = 0;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly models: ModelsService,
    private readonly writer: IngestRepository,
    private readonly clientMetrics: ClientMetricsRepository,
    private readonly caps: SamplingCaps,
    private readonly journeyRegistry: JourneyRegistry,
    private readonly journeyInputs: JourneyInputBuffer,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.maxAgeMs = config.retention.sampleDays * DAY_MS;
    this.maxModelSeries = config.metrics.maxModels;
    this.pool = config.ingest.threads > 0 ? new PlannerPool(config.ingest.threads, logger.child({ app: 'ingest' })) : null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }

  async ingest(projectId: string, body: Uint8Array, format: OtlpFormat, nowMs = Date.now()): Promise<IngestOutcome> {
    let catalog = await this.catalog.forProject(projectId);
    let plan = await this.plan(projectId, catalog, body, format, nowMs);
    if (plan.unknownModels.length > 0) {
      await this.models.registerSeen(projectId, plan.unknownModels);
      this.catalog.invalidate(projectId);
      catalog = await this.catalog.forProject(projectId);
      plan = await this.plan(projectId, catalog, body, format, nowMs, false);
    }
    countSkips(plan.customSignalSkips);
    if (plan.inferences === 0 && plan.lateEvaluations.length === 0) return { inferences: 0, sampled: 0, stored: 0, ...refusals(plan.rejected, plan.reasons) };

    const counts = new Map<string, CountToWrite>();
    for (const count of plan.counts) counts.set(capKey(count), count);
    const { samples, grant } = await this.applyCaps(plan, counts, nowMs);
    const storedNames = await this.journeyRegistry.admit(projectId, new Set(plan.journeyCounts.map((c) => c.journey)), catalog.journeyLimit).catch(async (error: unknown) => {
      await grant?.release();
      throw error;
    });
    const journeys = journeyTotals(plan.journeyCounts, plan.journeyInputs, samples, storedNames);

    const result = await this.writer.write(
      {
        projectId,
        modelIds: catalog.models.map((m) => m.id),
        samples,
        counts: plan.counts,
        journeyCounts: journeys.journeyCounts,
        journeyOverflow: journeys.journeyOverflow,
        unmatched: plan.unmatched,
        lateEvaluations: plan.lateEvaluations,
        pendingTtlSeconds: PENDING_TTL_SECONDS,
        maxPendingPerProject: MAX_PENDING_PER_PROJECT,
      },
      buildProfiles,
    ).catch(async (error: unknown) => {
      await grant?.release();
      throw error;
    });
    for (const input of journeys.journeyInputs) this.journeyInputs.add(projectId, input.journey, input.hourMs, input.calls, input.hashes);
    this.purgeNow(nowMs);
    // Spans whose values the database refused were left out of the write, alone.
    const rejected = plan.rejected + result.refused.reduce((n, r) => n + r.spans, 0);
    spansCounter.inc({ outcome: 'matched' }, plan.matched);
    countModelSamples(projectId, plan.counts, this.maxModelSeries);
    spansCounter.inc({ outcome: 'sampled' }, samples.length);
    if (rejected > 0) spansCounter.inc({ outcome: 'rejected' }, rejected);
    return { inferences: plan.inferences, sampled: samples.length, stored: result.inserted, ...refusals(rejected, [...plan.reasons, ...result.refused.map((r) => r.reason)]) };
  }

  /**
   * `POST /v1/logs`: GenAI events carried as log records are joined to their span's sample by trace
   * and span id, through the same path as late evaluations: merged into a stored sample, or kept
   * pending (bounded, for an hour) until the span arrives. Other records are acknowledged and counted.
   */
  async ingestLogs(projectId: string, body: Uint8Array, format: OtlpFormat): Promise<{ partialSuccess?: LogsPartialSuccess }> {
    const request = decodeLogsRequest(body, format);
    const records: GenAiLogRecordInput[] = [];
    for (const resourceLogs of request.resourceLogs) for (const scopeLogs of resourceLogs.scopeLogs) for (const record of scopeLogs.logRecords) records.push(record);
    const events = genAiLogEvents(records);
    logRecordsCounter.inc({ kind: 'genai' }, records.length - events.other);
    if (events.other > 0) logRecordsCounter.inc({ kind: 'other' }, events.other);
    if (events.spans.length === 0) return {};
    const catalog = await this.catalog.forProject(projectId);
    const withContentSignals = catalog.models.filter((m) => m.contentSignals !== null);
    const budget = new CustomSignalBudget();
    const lateEvaluations = events.spans.map((span): LateEvaluation => {
      const evaluation: LateEvaluation = { traceId: span.traceId, parentSpanId: span.spanId, responseId: null, signals: span.signals };
      if (withContentSignals.length === 0 || (span.outputText === null && span.inputText === null)) return evaluation;
      const byModel: Record<string, SignalValues> = {};
      for (const model of withContentSignals) {
        const values = model.contentSignals!(span, budget);
        if (Object.keys(values).length > 0) byModel[model.id] = values;
      }
      return Object.keys(byModel).length > 0 ? { ...evaluation, signalsByModel: byModel } : evaluation;
    });
    countSkips(budget.skipped);
    const pending = lateEvaluations.filter((e) => Object.keys(e.signals).length > 0 || e.signalsByModel !== undefined);
    if (pending.length === 0) return {};
    const { refused } = await this.writer.write(
      {
        projectId,
        modelIds: catalog.models.map((m) => m.id),
        samples: [],
        counts: [],
        unmatched: [],
        lateEvaluations: pending,
        pendingTtlSeconds: PENDING_TTL_SECONDS,
        maxPendingPerProject: MAX_PENDING_PER_PROJECT,
      },
      buildProfiles,
    );
    if (refused.length === 0) return {};
    // A refused evaluation stands for the GenAI records of its span.
    const recordsOf = (traceId: string | null, spanId: string | null): number =>
      records.filter((r) => r.traceId === traceId && r.spanId === spanId && r.eventName !== null).length || 1;
    const rejectedLogRecords = refused.reduce((n, r) => n + recordsOf(r.traceId, r.spanId), 0);
    return { partialSuccess: { rejectedLogRecords, errorMessage: refused.slice(0, MAX_REASONS).map((r) => r.reason).join('; ') } };
  }

  /**
   * `POST /v1/metrics`: the GenAI client metrics (`gen_ai.client.operation.duration`,
   * `gen_ai.client.token.usage`) of the project's models are folded into per-model, per-minute
   * totals, unsampled, which reports prefer to scaled samples; every metric is acknowledged and counted.
   */
  async ingestMetrics(projectId: string, body: Uint8Array, format: OtlpFormat): Promise<{ partialSuccess?: MetricsPartialSuccess }> {
    const request = decodeMetricsRequest(body, format);
    for (const resourceMetrics of request.resourceMetrics) {
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) metricsCounter.inc({ kind: GENAI_CLIENT_METRICS.has(metric.name) ? metric.name : 'other' });
      }
    }
    const { points } = genAiClientMetricPoints(request);
    if (points.length === 0) return {};
    const catalog = await this.catalog.forProject(projectId);
    const toFold: ClientMetricPointToFold[] = [];
    let unmatched = 0;
    for (const point of points) {
      const model = catalog.matcher.match(point);
      if (model === null) {
        unmatched++;
        continue;
      }
      const price = point.field === 'operations' ? null : priceOf(point, catalog);
      toFold.push({
        ...point,
        modelId: model.id,
        version: SpanMatcher.versionOf(model, point),
        minuteMs: Math.floor(point.timeMs / MINUTE_MS) * MINUTE_MS,
        usdPerToken: price === null ? null : (point.field === 'input_tokens' ? price.inputPerMillion : price.outputPerMillion) / 1_000_000,
      });
    }
    if (unmatched > 0) clientMetricPointsCounter.inc({ outcome: 'unmatched' }, unmatched);
    const { folded, refusedSeries } = await this.clientMetrics.fold(projectId, toFold, MAX_METRIC_SERIES_PER_PROJECT);
    clientMetricPointsCounter.inc({ outcome: 'folded' }, folded);
    if (refusedSeries > 0) clientMetricPointsCounter.inc({ outcome: 'series_limit' }, refusedSeries);
    return {};
  }

  // The coin kept the candidates; of a capped model's, per version and minute, the first ones the cap has room for stay.
  private async applyCaps(plan: IngestPlan, counts: Map<string, CountToWrite>, nowMs: number): Promise<{ samples: SampleToWrite[]; grant: CapGrant | null }> {
    const demands = new Map<string, CapDemand>();
    for (const { sample, minuteMs, maxPerMinute } of plan.candidates) {
      if (maxPerMinute === null) continue;
      const key = capKey({ modelId: sample.modelId, version: sample.version, minuteMs });
      const demand = demands.get(key);
      if (demand) demand.wanted++;
      else demands.set(key, { modelId: sample.modelId, version: sample.version, minuteMs, maxPerMinute, wanted: 1 });
    }
    const grant = demands.size > 0 ? await this.caps.grant([...demands.values()], nowMs) : null;
    const room = new Map<string, number>();
    if (grant) [...demands.keys()].forEach((key, i) => room.set(key, grant.granted[i]));
    const samples: SampleToWrite[] = [];
    for (const { sample, minuteMs, maxPerMinute } of plan.candidates) {
      const key = capKey({ modelId: sample.modelId, version: sample.version, minuteMs });
      if (maxPerMinute !== null) {
        const left = room.get(key)!;
        if (left === 0) continue;
        room.set(key, left - 1);
      }
      counts.get(key)!.sampled++;
      samples.push(sample);
    }
    return { samples, grant };
  }

  private plan(projectId: string, catalog: ProjectCatalog, body: Uint8Array, format: OtlpFormat, nowMs: number, collectUnknownModels = catalog.autoRegisterModels): Promise<IngestPlan> {
    const request = { projectId, catalog, body, format, nowMs, maxAgeMs: this.maxAgeMs, collectUnknownModels };
    return this.pool?.plan(request) ?? Promise.resolve().then(() => planIngest(body, format, catalog, request));
  }

  private purgeNow(nowMs: number): void {
    if (nowMs - this.lastPurge < 60_000) return;
    this.lastPurge = nowMs;
    void this.writer.purgeExpiredEvaluations().catch(() => undefined);
  }
}
