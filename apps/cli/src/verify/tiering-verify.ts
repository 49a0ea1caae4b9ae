// Offline verification of a tiering report: the DSSE envelope and the statement's subject digest against
// the report it carries. Its ledger entry is checked online with `assay verify entry`. Pure: no network.
import { digestOf, openStatement, PredicateType, type TrustedKey } from '@assay/provenance';
import { InvalidReportError } from './report-verify.js';

const SUBJECT = /^tiering-report:([0-9a-f-]{36})$/;

export interface TieringVerification {
  reportId: string;
  from: string;
  to: string;
  margin: number;
  alpha: number;
  journeys: number;
  decisions: number;
  keyId: string;
  subjectDigest: string;
}

/** Throws InvalidReportError (or the provenance lib's VerificationError) when anything does not hold. */
export function verifyTieringReport(envelope: unknown, keys: readonly TrustedKey[]): TieringVerification {
  const statement = openStatement(envelope, keys, { predicateType: PredicateType.TieringReport });
  const report = statement.predicate as { from?: unknown; to?: unknown; margin?: unknown; alpha?: unknown; journeys?: unknown; providers?: unknown };
  if (typeof report !== 'object' || report === null || !Array.isArray(report.journeys) || !Array.isArray(report.providers)) {
    throw new InvalidReportError('the statement carries no tiering report (journeys and providers)');
  }
  const subject = statement.subject[0]!;
  const id = SUBJECT.exec(subject.name)?.[1];
  if (id === undefined) throw new InvalidReportError(`the subject ${subject.name} does not name a tiering report`);
  const subjectDigest = digestOf(report);
  if (subject.digest.sha256 !== subjectDigest) {
    throw new InvalidReportError(`the subject digest ${subject.digest.sha256} is not the digest of the report (${subjectDigest})`);
  }
  const journeys = report.journeys as Array<{ decisions?: unknown }>;
  return {
    reportId: id,
    from: String(report.from),
    to: String(report.to),
    margin: Number(report.margin),
    alpha: Number(report.alpha),
    journeys: journeys.length,
    decisions: journeys.reduce((n, j) => n + (Array.isArray(j.decisions) ? j.decisions.length : 0), 0),
    keyId: (envelope as { signatures: Array<{ keyid: string }> }).signatures[0]?.keyid ?? '',
    subjectDigest,
  };
}
