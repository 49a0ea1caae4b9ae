/**
 * What a model's promotion gate checks. With no stored policy (or `includeMonitors`), the gate checks
 * the signals of the model's enabled drift monitors with their methods and thresholds, and the rules
 * of its enabled policies; `signals`, `rules` and `requiredScores` add to that.
 */
export interface GatePolicy {
  includeMonitors: boolean;
  signals: GateSignal[];
  rules: string[];
  /** E.g. {"eval.faithfulness.score": {"min": 0.8}}: bounds on the evidence's mean of the signal. */
  requiredScores: Record<string, { min?: number; max?: number }>;
  /** Evidence with fewer samples than this makes the decision `insufficient`. */
  minSamples: number;
}

export interface GateSignal {
  signal: string;
  method: string;
  threshold: number | null;
  /** Significance level; the default when absent. */
  alpha?: number | null;
}

export const DEFAULT_GATE_MIN_SAMPLES = 100;

export const DEFAULT_GATE_POLICY: GatePolicy = {
  includeMonitors: true,
  signals: [],
  rules: [],
  requiredScores: {},
  minSamples: DEFAULT_GATE_MIN_SAMPLES,
};

export function gatePolicyOf(stored: Partial<GatePolicy> | null | undefined): GatePolicy {
  return {
    includeMonitors: stored?.includeMonitors ?? DEFAULT_GATE_POLICY.includeMonitors,
    signals: stored?.signals ?? [],
    rules: stored?.rules ?? [],
    requiredScores: stored?.requiredScores ?? {},
    minSamples: stored?.minSamples ?? DEFAULT_GATE_MIN_SAMPLES,
  };
}

/** The rule that enforces one required score, in the policy language. */
export function requiredScoreRules(scores: GatePolicy['requiredScores']): Array<{ signal: string; rule: string }> {
  const rules: Array<{ signal: string; rule: string }> = [];
  for (const [signal, bound] of Object.entries(scores).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (bound.min !== undefined) rules.push({ signal, rule: `mean(${signal}) >= ${bound.min}` });
    if (bound.max !== undefined) rules.push({ signal, rule: `mean(${signal}) <= ${bound.max}` });
  }
  return rules;
}
