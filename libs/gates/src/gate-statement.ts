import { buildStatement, digestOf, parseArtifactDigest, PredicateType, type DigestSet, type Statement, type TestResultPredicate } from '@assay/provenance';
import type { GateDecisionValue, GateReason } from './gate-evaluation.js';

/** in-toto test-result v0.1, with Assay's facts beside the standard fields (consumers ignore unknown fields). */
export interface GateDecisionPredicate extends TestResultPredicate {
  assay: {
    decisionId: string;
    decision: GateDecisionValue;
    model: string;
    candidate: string;
    baselineId: string | null;
    evidence: Record<string, unknown>;
    reasons: GateReason[];
    policyDigest: string;
    decidedAt: string;
  };
}

export interface GateStatementInput {
  decisionId: string;
  decision: GateDecisionValue;
  model: string;
  candidate: string;
  artifactDigest: string | null;
  baseline: { id: string; digest: string } | null;
  evidence: Record<string, unknown>;
  reasons: GateReason[];
  policy: Record<string, unknown>;
  decidedAt: Date;
}

/**
 * The candidate's artifact digest as registered; a version registered without one is named by the
 * SHA-256 of the RFC 8785 JSON `{"model":…,"version":…}` (see the README: it identifies the version
 * in Assay, not an artefact a policy engine could match).
 */
export function subjectDigestOf(model: string, version: string, artifactDigest: string | null): DigestSet {
  const parsed = artifactDigest === null ? null : parseArtifactDigest(artifactDigest);
  if (parsed && !('problem' in parsed)) return { [parsed.algorithm]: parsed.value };
  return { sha256: digestOf({ model, version }) };
}

const RESULT: Record<GateDecisionValue, TestResultPredicate['result']> = { pass: 'PASSED', fail: 'FAILED', insufficient: 'WARNED' };

export function gateStatement(input: GateStatementInput): Statement<GateDecisionPredicate> {
  const subjectDigest = subjectDigestOf(input.model, input.candidate, input.artifactDigest);
  const policyDigest = digestOf(input.policy);
  const configuration: TestResultPredicate['configuration'] = [{ name: 'gate-policy', digest: { sha256: policyDigest } }];
  if (input.baseline) configuration.push({ name: `baseline:${input.baseline.id}`, digest: { sha256: input.baseline.digest } });
  const checks = input.reasons.filter((r) => r.kind !== 'evidence' && r.kind !== 'reference');
  return buildStatement([{ name: `model:${input.model}@${input.candidate}`, digest: subjectDigest }], PredicateType.TestResult, {
    result: RESULT[input.decision],
    configuration,
    passedTests: checks.filter((r) => r.outcome === 'pass').map((r) => r.check),
    warnedTests: input.reasons.filter((r) => r.outcome === 'insufficient').map((r) => r.check),
    failedTests: checks.filter((r) => r.outcome === 'fail').map((r) => r.check),
    assay: {
      decisionId: input.decisionId,
      decision: input.decision,
      model: input.model,
      candidate: input.candidate,
      baselineId: input.baseline?.id ?? null,
      evidence: input.evidence,
      reasons: input.reasons,
      policyDigest,
      decidedAt: input.decidedAt.toISOString(),
    },
  });
}
