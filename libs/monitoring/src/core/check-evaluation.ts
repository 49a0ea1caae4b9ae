import { evaluateRule, parsePolicyRule, requiredAggregates, type AggregateRef } from '@assay/policy';
import { compareProfiles, DEFAULT_THRESHOLDS, StatsInputError, type DriftMethod, type DriftResult, type SignalProfile } from '@assay/stats';

export type CheckVerdict = 'ok' | 'drift' | 'breach' | 'insufficient_data';

export interface DriftCheckInput {
  method: DriftMethod;
  threshold: number | null;
  minSamples: number;
  reference: SignalProfile | null;
  current: SignalProfile | null;
}

export interface DriftCheckOutcome {
  verdict: CheckVerdict;
  reason: string;
  result: DriftResult | null;
  nReference: number;
  nCurrent: number;
}

export function evaluateDrift(input: DriftCheckInput): DriftCheckOutcome {
  const nReference = input.reference?.count ?? 0;
  const nCurrent = input.current?.count ?? 0;
  if (!input.reference || nReference === 0) {
    return { verdict: 'insufficient_data', reason: 'the baseline has no values for this signal', result: null, nReference, nCurrent };
  }
  if (!input.current || nCurrent < input.minSamples) {
    return {
      verdict: 'insufficient_data',
      reason: `the window has ${nCurrent} samples of this signal; the monitor needs at least ${input.minSamples}`,
      result: null,
      nReference,
      nCurrent,
    };
  }
  try {
    const result = compareProfiles(input.reference, input.current, {
      method: input.method,
      threshold: input.threshold ?? undefined,
      kind: input.reference.kind,
    });
    return { verdict: result.drifted ? 'drift' : 'ok', reason: result.reason, result, nReference, nCurrent };
  } catch (error) {
    if (error instanceof StatsInputError) {
      return { verdict: 'insufficient_data', reason: error.message, result: null, nReference, nCurrent };
    }
    throw error;
  }
}

// After a multiple-testing correction, a p-value method's verdict follows the adjusted p-value.
export function verdictAfterCorrection(result: DriftResult, adjustedPValue: number | null): CheckVerdict {
  if (result.pValue === null || adjustedPValue === null) return result.drifted ? 'drift' : 'ok';
  return adjustedPValue < result.threshold ? 'drift' : 'ok';
}

export function defaultThreshold(method: DriftMethod): number | null {
  return method === 'auto' ? null : DEFAULT_THRESHOLDS[method];
}

export interface PolicyOutcome {
  verdict: CheckVerdict;
  reason: string;
  left: number | null;
  right: number | null;
  operator: string;
  values: Record<string, number | null>;
}

export function policyReferences(ruleText: string): { window: AggregateRef[]; baseline: AggregateRef[] } {
  const refs = requiredAggregates(parsePolicyRule(ruleText));
  return { window: refs.filter((r) => r.source === 'window'), baseline: refs.filter((r) => r.source === 'baseline') };
}

export function evaluatePolicy(
  ruleText: string,
  values: ReadonlyMap<string, number | null>,
  windowCount: number,
  minSamples: number,
): PolicyOutcome {
  const rule = parsePolicyRule(ruleText);
  const recorded = Object.fromEntries(values);
  if (windowCount < minSamples) {
    return {
      verdict: 'insufficient_data',
      reason: `the window has ${windowCount} samples; the policy needs at least ${minSamples}`,
      left: null,
      right: null,
      operator: rule.operator,
      values: recorded,
    };
  }
  const evaluation = evaluateRule(rule, (ref) => values.get(ref.key) ?? null);
  const verdict: CheckVerdict = evaluation.passed === null ? 'insufficient_data' : evaluation.passed ? 'ok' : 'breach';
  return {
    verdict,
    reason: evaluation.explanation,
    left: evaluation.left,
    right: evaluation.right,
    operator: evaluation.operator,
    values: recorded,
  };
}
