// Offline verification of a saved gate decision (`assay gate --out`, or the `envelope` of
// POST /v1/gates/evaluate): the DSSE signature, the in-toto test-result statement and Assay's facts in it.
import { openStatement, PredicateType, verifyEnvelope, type TrustedKey } from '@assay/provenance';

export class InvalidGateDecisionError extends Error {}

export interface GateDecisionVerification {
  decisionId: string;
  decision: 'pass' | 'fail' | 'insufficient';
  model: string;
  candidate: string;
  decidedAt: string;
  keyId: string;
  subject: { name: string; digest: Record<string, string> };
  reasons: Array<{ check: string; outcome: string; reason: string }>;
}

const RESULT_OF = { pass: 'PASSED', fail: 'FAILED', insufficient: 'WARNED' } as const;

/** Throws InvalidGateDecisionError (or the provenance lib's VerificationError) when anything does not hold. */
export function verifyGateDecision(envelope: unknown, keys: readonly TrustedKey[]): GateDecisionVerification {
  const { keyId } = verifyEnvelope(envelope, keys);
  const statement = openStatement(envelope, keys, { predicateType: PredicateType.TestResult });
  const predicate = statement.predicate as { result?: unknown; assay?: Record<string, unknown> };
  const facts = predicate?.assay;
  if (!facts || typeof facts !== 'object') throw new InvalidGateDecisionError('the statement is a test result but carries no Assay gate decision');
  const { decisionId, decision, model, candidate, decidedAt, reasons } = facts as Record<string, unknown>;
  if (decision !== 'pass' && decision !== 'fail' && decision !== 'insufficient') throw new InvalidGateDecisionError(`the decision is ${String(decision)}, not pass, fail or insufficient`);
  if (predicate.result !== RESULT_OF[decision]) throw new InvalidGateDecisionError(`the test result ${String(predicate.result)} contradicts the decision ${decision}`);
  if (typeof decisionId !== 'string' || typeof model !== 'string' || typeof candidate !== 'string' || typeof decidedAt !== 'string') {
    throw new InvalidGateDecisionError('the decision lacks its id, model, candidate or time');
  }
  const subject = statement.subject.find((s) => s.name === `model:${model}@${candidate}`);
  if (!subject) throw new InvalidGateDecisionError(`no subject names model:${model}@${candidate}`);
  return {
    decisionId,
    decision,
    model,
    candidate,
    decidedAt,
    keyId,
    subject: { name: subject.name, digest: subject.digest as Record<string, string> },
    reasons: Array.isArray(reasons) ? (reasons as GateDecisionVerification['reasons']) : [],
  };
}
