import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReportRepository, type ReportEntity } from '@assay/db';
import { LedgerKind, LedgerService, SigningService } from '@assay/ledger';
import { buildStatement, digestOf, sha256Hex, type DsseEnvelope } from '@assay/provenance';
import { TIERING_PREDICATE_TYPE, type TieringReport } from '@assay/tiering';
import { renderTieringReportHtml } from './tiering-report-html.js';
import type { TieringParameters } from './tiering-reports.service.js';
import { TIERING_SOURCE, type TieringSource } from './tiering-source.js';

export const tieringSubjectName = (reportId: string): string => `tiering-report:${reportId}`;

@Injectable()
export class TieringReportBuilder {
  private readonly logger = new Logger('TieringReportBuilder');

  constructor(
    private readonly reports: ReportRepository,
    private readonly ledger: LedgerService,
    private readonly signing: SigningService,
    @Inject(TIERING_SOURCE) private readonly source: TieringSource,
  ) {}

  /** Computes, signs and stores a queued tiering report; a report already built is left alone. */
  async build(reportId: string): Promise<'built' | 'already-built' | 'missing'> {
    const report = await this.reports.findById(reportId);
    if (!report || report.kind !== 'tiering') return 'missing';
    if (report.status === 'ready') return 'already-built';
    const { margin, alpha } = report.parameters as unknown as TieringParameters;
    const computed = await this.source.report(report.projectId, { from: report.periodFrom, to: report.periodTo, margin, alpha });
    await this.seal(report, computed);
    return 'built';
  }

  /**
   * Signs the report as the predicate of an in-toto statement, stores the envelope and the page, and
   * records the report in the ledger in the same transaction.
   */
  async seal(report: ReportEntity, computed: TieringReport): Promise<DsseEnvelope> {
    // The content as the API serves it: JSON has no infinities, so an unbounded interval reads null in both.
    const predicate = JSON.parse(JSON.stringify(computed)) as TieringReport;
    const subjectDigest = digestOf(predicate);
    const statement = buildStatement([{ name: tieringSubjectName(report.id), digest: { sha256: subjectDigest } }], TIERING_PREDICATE_TYPE, predicate);
    const envelope = await this.signing.signStatement(statement);
    const html = renderTieringReportHtml(predicate, { reportId: report.id, keyId: envelope.signatures[0]!.keyid, subjectDigest, generatedAt: new Date().toISOString() });
    await this.reports.markReady(report.id, { envelope: JSON.stringify(envelope), html, contentDigest: subjectDigest }, async (manager) => {
      const appended = await this.ledger.append(
        {
          kind: LedgerKind.Report,
          projectId: report.projectId,
          subject: `report:${report.id}`,
          body: {
            reportId: report.id,
            reportKind: 'tiering',
            from: predicate.from,
            to: predicate.to,
            margin: predicate.margin,
            alpha: predicate.alpha,
            contentDigest: subjectDigest,
            statementDigest: sha256Hex(Buffer.from(envelope.payload, 'base64')),
          },
        },
        manager,
      );
      return appended.index;
    });
    this.logger.log(`tiering report ${report.id} built: ${predicate.journeys.length} journeys`);
    return envelope;
  }
}
