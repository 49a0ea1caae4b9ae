import { Injectable, Logger } from '@nestjs/common';
import {
  ClientMetricsRepository,
  BaselineRepository, GateRepository, LedgerRepository, ModelRepository, MonitorRepository, ReportRepository,
  type ModelEntity, type ReportEntity,
} from '@assay/db';
import { SubscriptionsService } from '@assay/alerts';
import { unitOfSignal } from '@assay/format';
import { unitOfRule, type CheckExplanation } from '@assay/monitoring';
import { P_VALUE_METHODS, type ConcreteDriftMethod } from '@assay/stats';
import { CheckpointService, LedgerKind, LedgerProofService, LedgerService, SigningService } from '@assay/ledger';
import { buildStatement, digestOf, PredicateType, sha256Hex } from '@assay/provenance';
import { multiproofPlan } from './ledger-multiproof.js';
import {
  REPORT_SCHEMA, SERIES_BUCKETS, type ReportAlert, type ReportCheckRun, type ReportContent, type ReportDistribution, type ReportEconomics,
  type ReportLedgerBundle, type ReportPredicate, type ReportSeries,
} from './report-content.js';
import { economicsOf } from './report-economics.js';
import { renderReportHtml } from './report-html.js';

const PAGE = 20_000;
const ENTRY_BATCH = 20_000;
const NODE_BATCH = 20_000;

export const VERIFY_INSTRUCTIONS = [
  'Save the JSON report: curl -H "Authorization: Bearer $KEY" -H "Accept: application/json" $URL/v1/reports/ID > report.dsse.json',
  'Fetch the public key once (GET /v1/signing-keys) and keep its publicKeyPem, e.g. in assay.pub.pem.',
  'Run: assay verify report report.dsse.json --key assay.pub.pem (offline), or --keys-url $URL/v1/signing-keys --api-key $KEY.',
  'It checks the DSSE signature over the in-toto statement, that the subject digest is the SHA-256 of the canonical content, that every ledger entry hashes to its leaf hash, that the entries and the bundled subtree hashes give the root of the signed checkpoint, and that every record of the report is among those entries.',
  'Without Assay: verify the envelope with any DSSE verifier (Ed25519 over "DSSEv1 <len> <payloadType> <len> <payload>"), and the checkpoint note with any C2SP signed-note verifier.',
];

@Injectable()
export class ReportBuilder {
  private readonly logger = new Logger('ReportBuilder');

  constructor(
    private readonly reports: ReportRepository,
    private readonly models: ModelRepository,
    private readonly monitors: MonitorRepository,
    private readonly baselines: BaselineRepository,
    private readonly gates: GateRepository,
    private readonly ledgerRows: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly proofs: LedgerProofService,
    private readonly checkpoints: CheckpointService,
    private readonly signing: SigningService,
    private readonly subscribers: SubscriptionsService,
    private readonly clientMetrics: ClientMetricsRepository,
  ) {}

  /** Builds, signs and stores a queued report; a report already built is left alone. */
  async build(reportId: string): Promise<'built' | 'already-built' | 'missing'> {
    const report = await this.reports.findById(reportId);
    if (!report) return 'missing';
    if (report.status === 'ready') return 'already-built';
    const model = report.modelId === null ? null : await this.models.findById(report.modelId);
    if (!model) {
      await this.reports.markFailed(reportId, 'the model no longer exists');
      return 'missing';
    }
    const content = await this.content(report, model);
    const ledger = await this.ledgerBundle(content);
    const predicate: ReportPredicate = { content, ledger };
    const subjectDigest = digestOf(content);
    const statement = buildStatement([{ name: `report:${report.id}`, digest: { sha256: subjectDigest } }], PredicateType.AuditReport, predicate);
    const envelope = await this.signing.signStatement(statement);
    const envelopeText = JSON.stringify(envelope);
    const html = renderReportHtml(content, ledger, { keyId: envelope.signatures[0]!.keyid, subjectDigest });
    await this.reports.markReady(report.id, { envelope: envelopeText, html, contentDigest: subjectDigest }, async (manager) => {
      const appended = await this.ledger.append(
        {
          kind: LedgerKind.Report,
          projectId: report.projectId,
          subject: `report:${report.id}`,
          body: {
            reportId: report.id,
            model: model.name,
            modelId: model.id,
            from: content.period.from,
            to: content.period.to,
            contentDigest: subjectDigest,
            statementDigest: sha256Hex(Buffer.from(envelope.payload, 'base64')),
            checkpointTreeSize: ledger.checkpoint.treeSize,
          },
        },
        manager,
      );
      return appended.index;
    });
    await this.publishReportReady(report, model);
    return 'built';
  }

  /** Announces a finished report to the project's subscribers as a signed `report.ready` webhook. */
  private async publishReportReady(report: ReportEntity, model: ModelEntity): Promise<void> {
    const period = { from: report.periodFrom.toISOString(), to: report.periodTo.toISOString() };
    const sent = await this.subscribers.publish(
      model.projectId,
      model.name,
      'report.ready',
      { reportId: report.id, model: model.name, period, path: `/v1/reports/${report.id}` },
      `Audit report for ${model.name} (${period.from} – ${period.to}) is ready: /v1/reports/${report.id}`,
    );
    this.logger.log(`report.ready ${report.id} (model ${model.name}) announced to ${sent.length} subscriptions`);
  }

  /** The period's alerts and how each ended, each with the ledger entry of its latest transition (subject `alert/<id>`). */
  private async alertsInPeriod(modelId: string, from: Date, to: Date): Promise<ReportAlert[]> {
    return (await this.reports.alertsInPeriod(modelId, from, to)).map((a) => ({
      id: a.id,
      fingerprint: a.fingerprint,
      kind: a.kind,
      monitorId: a.monitorId,
      monitorName: a.monitorName,
      summary: a.summary,
      signal: a.signal,
      severity: a.severity,
      status: a.status,
      startedAt: a.startedAt.toISOString(),
      endedAt: a.resolvedAt?.toISOString() ?? null,
      ending:
        a.resolvedAt !== null
          ? `resolved${a.resolvedBy ? ` by ${a.resolvedBy}` : ''}${a.resolveNote ? `: ${a.resolveNote}` : ''} after ${a.occurrences} failing runs`
          : a.acknowledgedAt !== null
            ? `acknowledged${a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ''}, still open`
            : `still firing (${a.occurrences} failing runs)`,
      ledgerIndex: a.ledgerIndex,
    }));
  }

  private async content(report: ReportEntity, model: ModelEntity): Promise<ReportContent> {
    const from = report.periodFrom;
    const to = report.periodTo;
    const [versions, baselines, monitors, byVerdict, seriesRows, decisions, alerts, economics, flagged] = await Promise.all([
      this.models.listVersions(model.id),
      this.baselines.listByModel(model.id),
      this.monitors.listByModel(model.id),
      this.reports.checkRunCounts(model.id, from, to),
      this.reports.checkRunSeries(model.id, from, to, SERIES_BUCKETS),
      this.gates.listInPeriod(model.id, from, to),
      this.alertsInPeriod(model.id, from, to),
      this.economics(model, from, to),
      this.reports.latestFlaggedExplanations(model.id, from, to),
    ]);
    const items = await this.checkRuns(model.id, from, to);
    const monitorList = monitors.map((m) => ({
      id: m.id, name: m.name, kind: m.kind, signal: m.signal, method: m.method, threshold: m.threshold, rule: m.rule, enabled: m.enabled,
      effectiveMethod: m.effectiveMethod, effectiveThreshold: m.effectiveThreshold, alpha: m.alpha, alertAfter: m.alertAfter,
    }));
    const methodOf = latestMethods(items);
    const byMonitor = new Map<string, ReportSeries>();
    for (const row of seriesRows) {
      let series = byMonitor.get(row.monitorId);
      if (!series) {
        const monitor = monitorList.find((m) => m.id === row.monitorId);
        const kind = monitor?.kind ?? 'drift';
        const method = methodOf.get(row.monitorId) ?? monitor?.method ?? null;
        series = {
          monitorId: row.monitorId,
          name: monitor?.name ?? row.monitorId,
          kind,
          signal: monitor?.signal ?? null,
          method,
          // A p-value chart's line is the monitor's α (the threshold of a calibrated monitor is on the effect).
          threshold: kind === 'drift' && P_VALUE_METHODS.has(method as ConcreteDriftMethod)
            ? (monitors.find((m) => m.id === row.monitorId)?.alpha ?? monitor?.threshold ?? row.threshold)
            : (monitor?.threshold ?? row.threshold),
          decidedOn: kind === 'drift' && P_VALUE_METHODS.has(method as ConcreteDriftMethod) ? 'p-value' : 'statistic',
          unit: kind === 'policy' ? unitOfRule(monitor?.rule ?? '') : method === 'wasserstein' ? unitOfSignal(monitor?.signal) : null,
          points: [],
        };
        byMonitor.set(row.monitorId, series);
      }
      series.points.push({ from: row.from, to: row.to, runs: row.runs, flagged: row.flagged, min: row.min, mean: row.mean, max: row.max, minPValue: row.minPValue });
    }
    const distributions: ReportDistribution[] = flagged.flatMap((row) => {
      const explanation = row.explanation as unknown as CheckExplanation;
      const monitor = monitorList.find((m) => m.id === row.monitorId);
      if (!explanation.baseline || !explanation.current) return [];
      return [{
        monitorId: row.monitorId,
        name: monitor?.name ?? row.monitorId,
        kind: monitor?.kind ?? explanation.kind,
        signal: explanation.signal,
        unit: explanation.unit ?? null,
        checkRunId: row.checkRunId,
        windowTo: row.windowTo,
        verdict: row.verdict,
        summary: explanation.sentence,
        baseline: explanation.baseline,
        current: explanation.current,
      }];
    });
    return {
      schema: REPORT_SCHEMA,
      reportId: report.id,
      generatedAt: new Date().toISOString(),
      period: { from: from.toISOString(), to: to.toISOString() },
      projectId: report.projectId,
      model: { id: model.id, name: model.name, owner: model.owner, riskTier: model.riskTier, description: model.description },
      versions: versions.map((v) => ({
        version: v.version, lifecycle: v.lifecycle, artifactDigest: v.artifactDigest, createdAt: v.createdAt.toISOString(), updatedAt: v.updatedAt.toISOString(),
      })),
      baselines: baselines
        .filter((b) => b.createdAt < to)
        .map((b) => ({
          id: b.id, version: b.version, source: b.source, sampleCount: b.sampleCount, digest: b.digest, createdAt: b.createdAt.toISOString(), ledgerIndex: b.ledgerIndex,
        })),
      monitors: monitorList,
      checkRuns: { total: items.length, byVerdict, items },
      series: [...byMonitor.values()],
      distributions,
      alerts,
      gateDecisions: decisions.map((d) => ({
        id: d.id,
        candidate: d.candidate,
        decision: d.decision,
        promoted: d.promoted,
        createdAt: d.createdAt.toISOString(),
        failedChecks: (d.reasons as Array<{ check?: string; outcome?: string }>).filter((r) => r.outcome === 'fail').map((r) => String(r.check)),
        ledgerIndex: d.ledgerIndex,
      })),
      economics,
      verification: { instructions: VERIFY_INSTRUCTIONS },
    };
  }

  // Keyset pages, so a period of any size is read in bounded queries.
  private async checkRuns(modelId: string, from: Date, to: Date): Promise<ReportCheckRun[]> {
    const items: ReportCheckRun[] = [];
    let after: { windowTo: string; id: string } | null = null;
    for (;;) {
      const page = await this.reports.checkRunPage(modelId, from, to, after, PAGE);
      for (const r of page) {
        items.push({
          id: r.id, monitorId: r.monitorId, windowTo: r.windowTo, verdict: r.verdict, method: r.method,
          statistic: r.statistic, pValue: r.pValue, threshold: r.threshold, summary: r.summary, ledgerIndex: r.ledgerIndex,
        });
      }
      if (page.length < PAGE) return items;
      const last = page[page.length - 1]!;
      after = { windowTo: last.windowTo, id: last.id };
    }
  }

  /** The model's inference economics over a period (the report's section, also shown by the console). */
  async economics(model: ModelEntity, from: Date, to: Date): Promise<ReportEconomics> {
    const [sums, providers, counts, metrics] = await Promise.all([
      this.reports.economics(model.id, from, to),
      this.reports.providerMix(model.id, from, to),
      this.reports.requestCounts(model.id, from, to),
      this.clientMetrics.totals(model.id, from, to),
    ]);
    return economicsOf({ sums, providers, counts, metrics });
  }

  private async ledgerBundle(content: ReportContent): Promise<ReportLedgerBundle> {
    await this.checkpoints.signIfGrown();
    const checkpoint = await this.proofs.latestCheckpoint();
    if (!checkpoint) throw new Error('the ledger has no signed checkpoint yet');
    const size = checkpoint.treeSize;
    const indexes = new Set<number>();
    const note = (index: number | null): void => {
      if (index !== null) indexes.add(index);
    };
    content.baselines.forEach((b) => note(b.ledgerIndex));
    content.checkRuns.items.forEach((r) => note(r.ledgerIndex));
    content.gateDecisions.forEach((g) => note(g.ledgerIndex));
    content.alerts.forEach((a) => note(a.ledgerIndex));
    const sorted = [...indexes].sort((a, b) => a - b);
    const covered = sorted.filter((i) => i < size);
    const pending = sorted.filter((i) => i >= size);
    const entries: ReportLedgerBundle['entries'] = [];
    for (let i = 0; i < covered.length; i += ENTRY_BATCH) {
      for (const row of await this.reports.ledgerEntries(covered.slice(i, i + ENTRY_BATCH))) {
        entries.push({ index: row.index, leafHash: row.leafHash.toString('hex'), entry: row.entry });
      }
    }
    const plan = multiproofPlan(covered, size);
    const nodes: ReportLedgerBundle['nodes'] = [];
    for (let i = 0; i < plan.length; i += NODE_BATCH) {
      const batch = plan.slice(i, i + NODE_BATCH);
      const found = new Map((await this.ledgerRows.findNodes(batch)).map((n) => [`${n.level}:${n.index}`, n.hash]));
      for (const id of batch) {
        const hash = found.get(`${id.level}:${id.index}`);
        if (!hash) throw new Error(`ledger node ${id.level}:${id.index} is missing`);
        nodes.push({ level: id.level, index: id.index, hash: hash.toString('base64') });
      }
    }
    const origin = checkpoint.note.slice(0, checkpoint.note.indexOf('\n'));
    return {
      checkpoint: { origin, treeSize: size, rootHash: checkpoint.rootHash.toString('base64'), note: checkpoint.note },
      entries,
      nodes,
      pending,
    };
  }
}

/** Each monitor's method at its latest run: `auto` monitors plot what auto chose. */
function latestMethods(items: readonly ReportCheckRun[]): Map<string, string> {
  const methods = new Map<string, string>();
  for (const item of items) if (item.method !== null) methods.set(item.monitorId, item.method);
  return methods;
}
