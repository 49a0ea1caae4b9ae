import { buildStatement, digestOf, PredicateType, type Statement, type TestResultPredicate } from '@assay/provenance';
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

const RESULT: Record<GateDecisionValue, TestResultPredicate['result']> = { pass: 'PASSED', fail: 'FAILED', insufficient: 'WARNED' };

export function gateStatement(input: GateStatementInput): Statement<GateDecisionPredicate> {
  const artifact = /^(?:sha256:)?([0-9a-f]{64})$/.exec(input.artifactDigest ?? '');
  const subjectDigest = artifact ? artifact[1]! : digestOf({ model: input.model, version: input.candidate });
  const policyDigest = digestOf(input.policy);
  const configuration: TestResultPredicate['configuration'] = [{ name: 'gate-policy', digest: { sha256: policyDigest } }];
  if (input.baseline) configuration.push({ name: `baseline:${input.baseline.id}`, digest: { sha256: input.baseline.digest } });
  const checks = input.reasons.filter((r) => r.kind !== 'evidence' && r.kind !== 'reference');
  return buildStatement([{ name: `model:${input.model}@${input.candidate}`, digest: { sha256: subjectDigest } }], PredicateType.TestResult, {
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
