import { aggregatesFromProfiles, evaluateDrift, evaluatePolicy, explainDrift, explainPolicy, policyReferences, type CheckExplanation } from '@assay/monitoring';
import type { DriftMethod, SignalProfile } from '@assay/stats';
import { requiredScoreRules, type GatePolicy, type GateSignal } from './gate-policy.js';

export type GateDecisionValue = 'pass' | 'fail' | 'insufficient';
export type CheckOutcome = 'pass' | 'fail' | 'insufficient';

export interface GateReason {
  check: string;
  kind: 'evidence' | 'reference' | 'drift' | 'policy' | 'score';
  signal: string | null;
  outcome: CheckOutcome;
  reason: string;
  /** One sentence with baseline and candidate values, the test and the verdict (see `explanation`). */
  summary?: string;
  explanation?: CheckExplanation;
  method?: string | null;
  statistic?: number | null;
  pValue?: number | null;
  threshold?: number | null;
  alpha?: number | null;
  noiseFloor?: number | null;
  effectSize?: number | null;
  nReference?: number;
  nCurrent?: number;
}

export interface GateInputs {
  policy: GatePolicy;
  /** Drift signals and rules taken from the model's monitors (already merged with the policy's own when it says so). */
  signals: GateSignal[];
  rules: string[];
  reference: { count: number; profiles: ReadonlyMap<string, SignalProfile> } | null;
  evidence: { count: number; profiles: ReadonlyMap<string, SignalProfile> };
}

export interface GateEvaluation {
  decision: GateDecisionValue;
  reasons: GateReason[];
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/**
 * Compares the candidate's evidence with the reference baseline, check by check. Any failed check
 * fails the gate; otherwise any check without enough data (or too little evidence overall) makes it
 * insufficient; a gate with nothing to check is insufficient too, never a silent pass.
 */
export function evaluateGate(input: GateInputs): GateEvaluation {
  const reasons: GateReason[] = [];
  const { evidence, reference, policy } = input;
  if (evidence.count < policy.minSamples) {
    reasons.push({
      check: 'evidence',
      kind: 'evidence',
      signal: null,
      outcome: 'insufficient',
      reason: `the evidence has ${evidence.count} samples; the gate needs at least ${policy.minSamples}`,
      nCurrent: evidence.count,
    });
  }
  if (!reference && (input.signals.length > 0 || input.rules.some((r) => policyReferences(r).baseline.length > 0))) {
    reasons.push({
      check: 'reference',
      kind: 'reference',
      signal: null,
      outcome: 'insufficient',
      reason: 'no reference baseline: capture or upload one for the production version, or name one',
    });
  }
  for (const spec of input.signals) {
    const outcome = evaluateDrift({
      method: spec.method as DriftMethod,
      threshold: spec.threshold,
      alpha: spec.alpha,
      minSamples: Math.min(policy.minSamples, Math.max(1, evidence.count)),
      reference: reference?.profiles.get(spec.signal) ?? null,
      current: evidence.profiles.get(spec.signal) ?? null,
    });
    const result = outcome.result;
    const explanation = explainDrift({
      signal: spec.signal, requestedMethod: spec.method, methodSetBy: 'set by the gate policy or the monitor', verdict: outcome.verdict, reason: outcome.reason,
      reference: reference?.profiles.get(spec.signal) ?? null, current: evidence.profiles.get(spec.signal) ?? null, result,
    });
    reasons.push({
      check: `drift:${spec.signal}`,
      kind: 'drift',
      signal: spec.signal,
      outcome: outcome.verdict === 'ok' ? 'pass' : outcome.verdict === 'drift' ? 'fail' : 'insufficient',
      reason: outcome.verdict === 'drift' ? `${spec.signal} drifted from the baseline: ${outcome.reason}` : outcome.reason,
      summary: explanation.sentence,
      explanation,
      method: result?.method ?? spec.method,
      statistic: finite(result?.statistic),
      pValue: finite(result?.pValue),
      threshold: finite(result?.threshold ?? spec.threshold),
      alpha: result?.alpha ?? spec.alpha ?? null,
      noiseFloor: finite(result?.noiseFloor),
      effectSize: finite(result?.effectSize),
      nReference: outcome.nReference,
      nCurrent: outcome.nCurrent,
    });
  }
  const ruleChecks = [
    ...input.rules.map((rule) => ({ rule, kind: 'policy' as const, signal: null as string | null })),
    ...requiredScoreRules(policy.requiredScores).map((r) => ({ rule: r.rule, kind: 'score' as const, signal: r.signal })),
  ];
  for (const check of ruleChecks) reasons.push(ruleReason(check, input));
  const checks = reasons.filter((r) => r.kind === 'drift' || r.kind === 'policy' || r.kind === 'score');
  if (checks.length === 0) {
    reasons.push({
      check: 'policy',
      kind: 'evidence',
      signal: null,
      outcome: 'insufficient',
      reason: 'the gate has nothing to check: add drift monitors or policies to the model, or a gate policy',
    });
  }
  const decision: GateDecisionValue = reasons.some((r) => r.outcome === 'fail')
    ? 'fail'
    : reasons.some((r) => r.outcome === 'insufficient')
      ? 'insufficient'
      : 'pass';
  return { decision, reasons };
}

function ruleReason(check: { rule: string; kind: 'policy' | 'score'; signal: string | null }, input: GateInputs): GateReason {
  const base = { check: `${check.kind}:${check.rule}`, kind: check.kind, signal: check.signal } as const;
  let refs: ReturnType<typeof policyReferences>;
  try {
    refs = policyReferences(check.rule);
  } catch (error) {
    return { ...base, outcome: 'insufficient', reason: `the rule does not parse: ${(error as Error).message}` };
  }
  const evidenceValues = aggregatesFromProfiles(refs.window, input.evidence.profiles, input.evidence.count);
  const referenceValues = input.reference
    ? aggregatesFromProfiles(refs.baseline, input.reference.profiles, input.reference.count)
    : new Map<string, number | null>();
  if (refs.baseline.length > 0 && !input.reference) {
    return { ...base, outcome: 'insufficient', reason: 'the rule refers to the baseline, and there is none' };
  }
  const values = new Map([...evidenceValues, ...referenceValues]);
  const outcome = evaluatePolicy(check.rule, values, input.evidence.count, 1);
  const signals = [...new Set(refs.window.flatMap((r) => (r.signal ? [r.signal] : [])))].slice(0, 3);
  const explanation = explainPolicy({
    rule: check.rule, operator: outcome.operator, left: outcome.left, right: outcome.right, verdict: outcome.verdict, reason: outcome.reason,
    refs: [...refs.window, ...refs.baseline], values,
    profiles: signals.map((signal) => ({ signal, reference: input.reference?.profiles.get(signal) ?? null, current: input.evidence.profiles.get(signal) ?? null })),
  });
  return {
    ...base,
    outcome: outcome.verdict === 'ok' ? 'pass' : outcome.verdict === 'breach' ? 'fail' : 'insufficient',
    reason: outcome.reason,
    summary: explanation.sentence,
    explanation,
    statistic: finite(outcome.left),
    threshold: finite(outcome.right),
    nCurrent: input.evidence.count,
    nReference: input.reference?.count ?? 0,
  };
}
