import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { badInput, DomainError, ErrorCode, notFound } from '@assay/common';
import {
  BaselineRepository, GateRepository, IdempotencyKeyTakenError, ModelRepository, MonitorRepository, PromotionRefusedError, WindowRepository,
  type BaselineEntity, type GateDecisionEntity, type GatePolicyEntity, type ModelEntity,
} from '@assay/db';
import { LedgerKind, LedgerService, SigningService } from '@assay/ledger';
import { mergeProfileRows, parseBaselineUpload, policyReferences, profileOfValues, profilesOfSamples, type UploadFormat } from '@assay/monitoring';
import { digestOf, sha256Hex, type DsseEnvelope } from '@assay/provenance';
import { alphaProblem, SignalProfile, thresholdProblem, type DriftMethod, type SignalProfileJSON } from '@assay/stats';
import { evaluateGate, type GateReason } from './gate-evaluation.js';
import { gatePolicyOf, type GatePolicy, type GateSignal } from './gate-policy.js';
import { gateStatement } from './gate-statement.js';

export interface EvaluateGateRequest {
  model: string;
  candidate: string;
  baselineId?: string;
  /** Shadow traffic: the candidate's own samples in [from, to). Default: the last 24 hours. */
  window?: { from: string; to: string };
  /** An uploaded evaluation set, in the formats baseline uploads take (json: the object; jsonl and csv: the text). */
  evaluationSet?: { format: UploadFormat; content: unknown };
  promote?: boolean;
}

export interface GateDecisionView {
  id: string;
  decision: GateDecisionEntity['decision'];
  reasons: GateReason[];
  envelope: DsseEnvelope;
  model: string;
  candidate: string;
  baselineId: string | null;
  promoted: boolean;
  ledgerIndex: number | null;
  createdAt: Date;
  replayed: boolean;
}

// Past this many samples the shadow-traffic evidence is read from the ingest's per-minute profiles.
const EXACT_EVIDENCE_MAX = 50_000;
const DEFAULT_WINDOW_MS = 24 * 3600 * 1000;

interface Evidence {
  count: number;
  profiles: Map<string, SignalProfile>;
  description: Record<string, unknown>;
}

@Injectable()
export class GatesService {
  constructor(
    private readonly models: ModelRepository,
    private readonly monitors: MonitorRepository,
    private readonly baselines: BaselineRepository,
    private readonly windows: WindowRepository,
    private readonly gates: GateRepository,
    private readonly ledger: LedgerService,
    private readonly signing: SigningService,
  ) {}

  async getPolicy(projectId: string, modelName: string): Promise<{ policy: GatePolicy; stored: GatePolicyEntity | null }> {
    const model = await this.model(projectId, modelName);
    const stored = await this.gates.findPolicy(model.id);
    return { policy: gatePolicyOf(stored?.policy as Partial<GatePolicy> | undefined), stored };
  }

  async putPolicy(projectId: string, modelName: string, policy: Partial<GatePolicy>): Promise<GatePolicy> {
    const model = await this.model(projectId, modelName);
    const normalised = gatePolicyOf(policy);
    for (const { signal, method, threshold, alpha } of normalised.signals) {
      const problem =
        (threshold === null || threshold === undefined ? null : thresholdProblem(method as DriftMethod, threshold)) ??
        (alpha === null || alpha === undefined ? null : alphaProblem(alpha));
      if (problem) throw badInput(`signals: ${signal}: ${problem}`);
    }
    for (const rule of normalised.rules) {
      try {
        policyReferences(rule);
      } catch (error) {
        throw badInput(`rule "${rule}" does not parse: ${(error as Error).message}`);
      }
    }
    await this.gates.upsertPolicy(projectId, model.id, normalised as unknown as Record<string, unknown>);
    return normalised;
  }

  async evaluate(projectId: string, request: EvaluateGateRequest, idempotencyKey: string | null): Promise<GateDecisionView> {
    const model = await this.model(projectId, request.model);
    // The request may arrive as a validated DTO instance: digest its JSON form.
    const requestDigest = digestOf(JSON.parse(JSON.stringify(request)) as unknown);
    if (idempotencyKey !== null) {
      const earlier = await this.gates.findByIdempotencyKey(projectId, idempotencyKey);
      if (earlier) return this.replay(earlier, requestDigest, model);
    }
    const version = await this.models.findVersion(model.id, request.candidate);
    if (!version) throw notFound(`version ${request.candidate} of model ${model.name}`);
    if (request.window && request.evaluationSet) throw badInput('give either a shadow-traffic "window" or an "evaluationSet", not both');

    const policy = gatePolicyOf((await this.gates.findPolicy(model.id))?.policy as Partial<GatePolicy> | undefined);
    const { signals, rules } = await this.checksOf(model.id, policy);
    const baseline = await this.referenceOf(projectId, model, request.baselineId);
    const reference = baseline ? { count: baseline.sampleCount, profiles: await this.baselineProfiles(baseline.id) } : null;
    const evidence = request.evaluationSet ? this.uploadedEvidence(request.evaluationSet) : await this.shadowEvidence(model.id, request.candidate, request.window);

    const evaluation = evaluateGate({ policy, signals, rules, reference, evidence });
    const id = randomUUID();
    const decidedAt = new Date();
    const statement = gateStatement({
      decisionId: id,
      decision: evaluation.decision,
      model: model.name,
      candidate: request.candidate,
      artifactDigest: version.artifactDigest,
      baseline: baseline ? { id: baseline.id, digest: baseline.digest } : null,
      evidence: evidence.description,
      reasons: evaluation.reasons,
      policy: { ...policy, signals, rules } as unknown as Record<string, unknown>,
      decidedAt,
    });
    const envelope = await this.signing.signStatement(statement);
    const promote = request.promote === true && evaluation.decision === 'pass';
    let recorded;
    try {
      recorded = await this.gates.recordDecision(
        {
          id,
          projectId,
          modelId: model.id,
          candidate: request.candidate,
          baselineId: baseline?.id ?? null,
          decision: evaluation.decision,
          reasons: evaluation.reasons as unknown as Array<Record<string, unknown>>,
          envelope: envelope as unknown as Record<string, unknown>,
          requestDigest,
          idempotencyKey,
        },
        promote ? { modelId: model.id, version: request.candidate } : null,
        async (manager, outcome) => {
          const [decisionEntry] = await this.ledger.appendMany(
            [
              {
                kind: LedgerKind.GateDecision,
                projectId,
                subject: `gate_decision:${id}`,
                body: {
                  decisionId: id,
                  model: model.name,
                  modelId: model.id,
                  candidate: request.candidate,
                  decision: evaluation.decision,
                  baselineId: baseline?.id ?? null,
                  statementDigest: sha256Hex(Buffer.from(envelope.payload, 'base64')),
                  checks: evaluation.reasons.map((r) => ({ check: r.check, outcome: r.outcome })),
                  promoted: outcome.promoted,
                },
              },
              ...(outcome.promoted
                ? [
                    {
                      kind: LedgerKind.ModelVersion,
                      projectId,
                      subject: `model/${model.id}/version/${request.candidate}`,
                      body: { event: 'lifecycle', model: model.name, version: request.candidate, lifecycle: 'production', retired: outcome.retired, gateDecisionId: id },
                    },
                  ]
                : []),
            ],
            manager,
          );
          return decisionEntry!.index;
        },
      );
    } catch (error) {
      if (error instanceof PromotionRefusedError) throw new DomainError(ErrorCode.Conflict, error.message);
      if (error instanceof IdempotencyKeyTakenError && idempotencyKey !== null) {
        const winner = await this.gates.findByIdempotencyKey(projectId, idempotencyKey);
        if (winner) return this.replay(winner, requestDigest, model);
      }
      throw error;
    }
    return viewOf(recorded.decision, model.name, false);
  }

  private replay(earlier: GateDecisionEntity, requestDigest: string, model: ModelEntity): GateDecisionView {
    if (earlier.requestDigest !== requestDigest) {
      throw new DomainError(ErrorCode.Conflict, 'this Idempotency-Key was used with a different request body');
    }
    return viewOf(earlier, model.name, true);
  }

  private async model(projectId: string, name: string): Promise<ModelEntity> {
    const model = await this.models.findByName(projectId, name);
    if (!model) throw notFound(`model ${name}`);
    return model;
  }

  private async checksOf(modelId: string, policy: GatePolicy): Promise<{ signals: GateSignal[]; rules: string[] }> {
    const bySignal = new Map<string, GateSignal>();
    const rules: string[] = [];
    if (policy.includeMonitors) {
      for (const monitor of await this.monitors.listByModel(modelId)) {
        if (!monitor.enabled) continue;
        if (monitor.kind === 'drift' && monitor.signal) {
          bySignal.set(monitor.signal, { signal: monitor.signal, method: monitor.method ?? 'auto', threshold: monitor.threshold, alpha: monitor.alpha });
        } else if (monitor.kind === 'policy' && monitor.rule && !rules.includes(monitor.rule)) {
          rules.push(monitor.rule);
        }
      }
    }
    for (const signal of policy.signals) bySignal.set(signal.signal, signal);
    for (const rule of policy.rules) if (!rules.includes(rule)) rules.push(rule);
    return { signals: [...bySignal.values()].sort((a, b) => (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0)), rules };
  }

  private async referenceOf(projectId: string, model: ModelEntity, baselineId: string | undefined): Promise<BaselineEntity | null> {
    if (baselineId) {
      const named = await this.baselines.findForProject(projectId, baselineId);
      if (!named || named.modelId !== model.id) throw notFound(`baseline ${baselineId}`);
      return named;
    }
    const production = await this.windows.productionVersion(model.id);
    return production ? this.baselines.latestFor(model.id, production) : null;
  }

  private async baselineProfiles(baselineId: string): Promise<Map<string, SignalProfile>> {
    const profiles = new Map<string, SignalProfile>();
    for (const row of await this.baselines.signals(baselineId)) {
      profiles.set(row.signal, SignalProfile.fromJSON(row.profile as unknown as SignalProfileJSON));
    }
    return profiles;
  }

  private uploadedEvidence(set: NonNullable<EvaluateGateRequest['evaluationSet']>): Evidence {
    const columns = parseBaselineUpload(set.format, set.content);
    const profiles = new Map<string, SignalProfile>();
    for (const [signal, values] of columns) {
      const profile = profileOfValues(values);
      if (profile) profiles.set(signal, profile);
    }
    const count = Math.max(0, ...[...profiles.values()].map((p) => p.count));
    return { count, profiles, description: { source: 'evaluation-set', format: set.format, samples: count, digest: digestOf(Object.fromEntries([...profiles].map(([s, p]) => [s, p.toJSON()]))) } };
  }

  private async shadowEvidence(modelId: string, version: string, window: EvaluateGateRequest['window']): Promise<Evidence> {
    const to = window ? new Date(window.to) : new Date();
    const from = window ? new Date(window.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
    if (!(from < to)) throw badInput('window.from must be before window.to');
    const samples = await this.windows.samplesInWindow(modelId, [version], from, to, EXACT_EVIDENCE_MAX + 1);
    const exact = samples.length <= EXACT_EVIDENCE_MAX;
    const profiles = exact
      ? profilesOfSamples(samples)
      : mergeProfileRows(await this.windows.allProfileRows(modelId, [version], from, to));
    const count = exact ? samples.length : await this.windows.sampledCount(modelId, [version], from, to);
    return {
      count,
      profiles,
      description: { source: 'shadow-traffic', version, from: from.toISOString(), to: to.toISOString(), samples: count, exact },
    };
  }
}

function viewOf(entity: GateDecisionEntity, modelName: string, replayed: boolean): GateDecisionView {
  return {
    id: entity.id,
    decision: entity.decision,
    reasons: entity.reasons as unknown as GateReason[],
    envelope: entity.envelope as unknown as DsseEnvelope,
    model: modelName,
    candidate: entity.candidate,
    baselineId: entity.baselineId,
    promoted: entity.promoted,
    ledgerIndex: entity.ledgerIndex,
    createdAt: entity.createdAt,
    replayed,
  };
}
