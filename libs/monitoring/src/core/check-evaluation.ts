import { evaluateRule, parsePolicyRule, requiredAggregates, type AggregateRef } from '@assay/policy';
import {
  chooseMethod,
  compareProfiles,
  DEFAULT_ALPHA,
  DEFAULT_THRESHOLDS,
  MIN_NORMALISING_SD,
  StatsInputError,
  type ConcreteDriftMethod,
  type DriftMethod,
  type DriftResult,
  type ReferenceNulls,
  type SignalProfile,
} from '@assay/stats';

export type CheckVerdict = 'ok' | 'drift' | 'breach' | 'insufficient_data';

export interface DriftCheckInput {
  method: DriftMethod;
  threshold: number | null;
  alpha?: number | null;
  minSamples: number;
  /** The baseline signal's digest: the reference's simulated nulls are kept under it. */
  referenceKey?: string;
  /** Nulls stored with the baseline signal, used where they match the sizes. */
  referenceNulls?: ReferenceNulls;
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
      alpha: input.alpha ?? undefined,
      referenceKey: input.referenceKey,
      referenceNulls: input.referenceNulls,
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

// After a multiple-testing correction, significance follows the adjusted p-value; materiality is unchanged.
export function verdictAfterCorrection(result: DriftResult, adjustedPValue: number | null): CheckVerdict {
  if (result.pValue === null || adjustedPValue === null) return result.drifted ? 'drift' : 'ok';
  return adjustedPValue <= result.alpha && result.material ? 'drift' : 'ok';
}

export function defaultThreshold(method: DriftMethod): number | null {
  return method === 'auto' ? null : DEFAULT_THRESHOLDS[method];
}

export interface EffectiveSettings {
  method: ConcreteDriftMethod | null;
  threshold: number | null;
  alpha: number;
  reason: string;
}

/**
 * The method, threshold and alpha a drift monitor applies against this reference: auto resolved as
 * compare resolves it (from the reference's kind, size and distinct values), defaults filled in.
 * Without a reference, auto and raw Wasserstein's default (0.1 reference sd) stay unresolved.
 */
export function effectiveSettings(
  method: DriftMethod,
  threshold: number | null,
  alpha: number | null,
  reference: SignalProfile | null,
): EffectiveSettings {
  const appliedAlpha = alpha ?? DEFAULT_ALPHA;
  let concrete: ConcreteDriftMethod | null = method === 'auto' ? null : method;
  let reason = method === 'auto' ? '' : `method ${method} as set`;
  if (method === 'auto') {
    if (!reference || reference.count === 0) {
      return { method: null, threshold, alpha: appliedAlpha, reason: 'auto is resolved once the monitor has a baseline with this signal' };
    }
    const distinct = distinctValues(reference);
    concrete = chooseMethod({ kind: reference.kind, nReference: reference.count, distinctReference: distinct, distinctCombined: distinct }).method;
    reason = `auto chose ${concrete} for the baseline's ${reference.count} values`;
  }
  if (threshold !== null) return { method: concrete, threshold, alpha: appliedAlpha, reason: `${reason}; threshold as set` };
  if (concrete === 'wasserstein') {
    const sd = reference?.standardDeviation() ?? null;
    if (sd === null) return { method: concrete, threshold: null, alpha: appliedAlpha, reason: `${reason}; the default threshold (0.1 reference sd) needs a baseline` };
    return { method: concrete, threshold: DEFAULT_THRESHOLDS.wasserstein * Math.max(sd, MIN_NORMALISING_SD), alpha: appliedAlpha, reason: `${reason}; default threshold 0.1 reference sd` };
  }
  return { method: concrete, threshold: DEFAULT_THRESHOLDS[concrete!], alpha: appliedAlpha, reason: `${reason}; default threshold` };
}

function distinctValues(profile: SignalProfile): number {
  if (profile.kind === 'categorical') return profile.categoryCounts().size;
  const values = profile.exactValues() as number[] | null;
  return values ? new Set(values).size : profile.quantileSketch().sortedView().values.length;
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
