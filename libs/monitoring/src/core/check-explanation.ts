import { formatChange, formatCount, formatNumber, formatPValue, formatSides, unitOfSignal, type Unit } from '@assay/format';
import { parsePolicyRule, unitOfAggregate, unitOfComparison, type AggregateRef } from '@assay/policy';
import { P_VALUE_METHODS, summarisePair, summarise, type ConcreteDriftMethod, type DriftResult, type ProfileSummary, type SignalProfile } from '@assay/stats';

export const EXPLANATION_VERSION = 1;

export interface ExplainedMeasure {
  measure: 'mean' | 'p50' | 'p95';
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / |baseline|; null from a baseline of 0. */
  change: number | null;
}

export interface ExplainedShare {
  category: string;
  baseline: number;
  current: number;
  /** In share points: current − baseline. */
  change: number;
}

export interface ExplainedTest {
  method: string;
  /** What the statistic is called in the sentence, e.g. "KS D", "PSI". */
  statisticName: string;
  /** Why this test: auto's reasoning, or who set it. */
  chosenBecause: string;
  statistic: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  correction: string;
  threshold: number | null;
  thresholdAppliesTo: 'p-value' | 'statistic';
  effectSize: number | null;
  /** Present once calibration records them: the statistic's upper null quantile, and the false-alarm rate. */
  noiseFloor?: number | null;
  alpha?: number | null;
  exact: boolean;
  errorBound: number | null;
  /** The statistics library's own account of the decision. */
  detail: string;
}

export interface ExplainedRule {
  rule: string;
  operator: string;
  left: number | null;
  right: number | null;
  unit: Unit | null;
  values: Array<{ key: string; value: number | null; unit: Unit | null }>;
}

/** What a check run found, in numbers and one sentence; stored with the run and copied into its alert. */
export interface CheckExplanation {
  version: typeof EXPLANATION_VERSION;
  kind: 'drift' | 'policy';
  signal: string | null;
  unit: Unit | null;
  verdict: string;
  baseline: ProfileSummary | null;
  current: ProfileSummary | null;
  measures: ExplainedMeasure[];
  shares: ExplainedShare[];
  test: ExplainedTest | null;
  rule: ExplainedRule | null;
  /** For policies: the signals the rule reads, each baseline against window. */
  signals?: Array<{ signal: string; unit: Unit | null; baseline: ProfileSummary | null; current: ProfileSummary | null; measures: ExplainedMeasure[]; shares: ExplainedShare[] }>;
  sentence: string;
}

/** Fields calibration adds to a drift result; read when present so that explanations show them. */
export interface CalibrationFields {
  noiseFloor?: number | null;
  alpha?: number | null;
}

const STATISTIC_NAMES: Readonly<Record<ConcreteDriftMethod, string>> = {
  ks: 'KS D',
  chi2: 'χ²',
  ztest: 'z',
  psi: 'PSI',
  jensenshannon: 'Jensen–Shannon distance',
  wasserstein: 'Wasserstein distance',
  wasserstein_norm: 'Wasserstein distance in reference SDs',
  hellinger: 'Hellinger distance',
};

const CORRECTION_NAMES: Readonly<Record<string, string>> = { bh: 'Benjamini–Hochberg', bonferroni: 'Bonferroni' };

const VERDICT_WORDS: Readonly<Record<string, string>> = { drift: 'drift', ok: 'no drift', breach: 'breach', insufficient_data: 'insufficient data' };

const finite = (value: number | null | undefined): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : value);

function measuresOf(baseline: ProfileSummary | null, current: ProfileSummary | null): ExplainedMeasure[] {
  if (baseline?.kind !== 'numeric' || current?.kind !== 'numeric') return [];
  return (['mean', 'p50', 'p95'] as const).map((measure) => {
    const from = baseline[measure];
    const to = current[measure];
    const change = from === null || to === null || from === 0 ? null : (to - from) / Math.abs(from);
    return { measure, baseline: from, current: to, change };
  });
}

function sharesOf(baseline: ProfileSummary | null, current: ProfileSummary | null): ExplainedShare[] {
  if (baseline?.kind !== 'categorical' || current?.kind !== 'categorical') return [];
  const now = new Map(current.categories.map((c) => [c.category, c.share]));
  return baseline.categories.map((c) => ({ category: c.category, baseline: c.share, current: now.get(c.category) ?? 0, change: (now.get(c.category) ?? 0) - c.share }));
}

function summaries(reference: SignalProfile | null, current: SignalProfile | null): { baseline: ProfileSummary | null; current: ProfileSummary | null } {
  if (reference && current && reference.count > 0 && current.count > 0) return summarisePair(reference, current);
  return { baseline: reference && reference.count > 0 ? summarise(reference) : null, current: current && current.count > 0 ? summarise(current) : null };
}

const MEASURE_WORDS: Readonly<Record<ExplainedMeasure['measure'], string>> = { mean: 'mean', p50: 'median', p95: 'p95' };

function measureText(m: ExplainedMeasure, unit: Unit | null): string {
  const change = formatChange(m.baseline, m.current);
  return `${MEASURE_WORDS[m.measure]} ${formatNumber(m.baseline)} → ${formatNumber(m.current, { unit })}${change && m.baseline !== m.current ? ` (${change})` : ''}`;
}

function distributionText(measures: ExplainedMeasure[], shares: ExplainedShare[], unit: Unit | null): string {
  if (measures.length > 0) return measures.filter((m) => m.measure !== 'mean').map((m) => measureText(m, unit)).join(', ');
  const moved = [...shares].sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.baseline - a.baseline).slice(0, 3);
  return moved.map((s) => `"${s.category}" ${formatNumber(s.baseline, { unit: '%' })} → ${formatNumber(s.current, { unit: '%' })}`).join(', ');
}

const EFFECT_NAMES: Record<string, string> = { chi2: 'Cramér’s V', ztest: 'difference in proportion' };

function testText(test: ExplainedTest, unit: Unit | null): string {
  const statisticUnit = test.method === 'wasserstein' ? unit : null;
  const parts: string[] = [];
  let statistic = `${test.statisticName} = ${formatNumber(test.statistic, { unit: statisticUnit })}`;
  if (test.thresholdAppliesTo === 'statistic' && test.threshold !== null) {
    // A calibrated threshold is on the effect size, which for χ² and the z-test is not the statistic.
    const effect = test.effectSize ?? test.statistic;
    const versus = (value: number): string => `${value >= test.threshold! ? '≥' : '<'} ${formatNumber(test.threshold, { unit: statisticUnit })}`;
    if (effect !== null && test.statistic !== null && Math.abs(effect - test.statistic) <= 1e-12 * Math.max(1, Math.abs(effect))) statistic += ` ${versus(effect)}`;
    else if (effect !== null) statistic += `, ${EFFECT_NAMES[test.method] ?? 'effect'} ${formatNumber(effect, { unit: statisticUnit })} ${versus(effect)}`;
  }
  parts.push(statistic);
  if (test.pValue !== null) {
    const decisive = test.adjustedPValue ?? test.pValue;
    const bound = test.thresholdAppliesTo === 'p-value' ? test.threshold : (test.alpha ?? null);
    const onAlpha = test.thresholdAppliesTo !== 'p-value';
    const comparison = bound === null ? '' : onAlpha ? ` ${decisive <= bound ? '≤' : '>'} α = ${formatNumber(bound)}` : ` ${decisive < bound ? '<' : '≥'} ${formatNumber(bound)}`;
    if (test.adjustedPValue !== null && test.correction !== 'none') {
      parts.push(`${formatPValue(test.pValue)}, adjusted (${CORRECTION_NAMES[test.correction] ?? test.correction}) ${formatPValue(test.adjustedPValue)}${comparison}`);
    } else {
      parts.push(`${formatPValue(test.pValue)}${comparison}`);
    }
  }
  if (test.noiseFloor !== undefined && test.noiseFloor !== null) parts.push(`noise floor ${formatNumber(test.noiseFloor, { unit: statisticUnit })}`);
  if (test.alpha !== undefined && test.alpha !== null && test.thresholdAppliesTo === 'p-value' && test.alpha !== test.threshold) parts.push(`α = ${formatNumber(test.alpha)}`);
  return parts.join(', ');
}

function countsText(baseline: ProfileSummary | null, current: ProfileSummary | null): string {
  return `${formatCount(baseline?.count ?? 0)} baseline vs ${formatCount(current?.count ?? 0)} current values`;
}

function sidesText(left: number, operator: string, right: number, unit: Unit | null): string {
  const [leftText, rightText] = formatSides(left, right, { unit });
  return `${leftText} ${operator} ${rightText}`;
}

/** The one sentence, from the explanation's own numbers (so it can be rendered again after a correction). */
export function sentenceOf(explanation: Omit<CheckExplanation, 'sentence'>, fallbackReason = ''): string {
  const verdict = explanation.kind === 'policy' && explanation.verdict === 'ok' ? 'holds' : (VERDICT_WORDS[explanation.verdict] ?? explanation.verdict);
  if (explanation.kind === 'policy' && explanation.rule) {
    const rule = explanation.rule;
    const holds = explanation.verdict === 'ok';
    const comparison =
      rule.left === null || rule.right === null
        ? 'cannot be decided'
        : sidesText(rule.left, holds ? rule.operator : `is not ${rule.operator}`, rule.right, rule.unit);
    const values = rule.values.length > 1 ? ` (${rule.values.map((v) => `${v.key} = ${formatNumber(v.value, { unit: v.unit })}`).join(', ')})` : '';
    const signals = (explanation.signals ?? [])
      .map((s) => ({ s, text: distributionText(s.measures, s.shares, s.unit) }))
      .filter(({ text }) => text !== '')
      .map(({ s, text }) => `${s.signal}: ${text}`);
    return [`${rule.rule}: ${comparison}${values}`, ...signals, verdict].join('; ');
  }
  const subject = explanation.signal ?? 'check';
  if (!explanation.test) return `${subject}: ${verdict}${fallbackReason ? `: ${fallbackReason}` : ''}`;
  const distribution = distributionText(explanation.measures, explanation.shares, explanation.unit);
  return `${subject}: ${distribution ? `${distribution}; ` : ''}${testText(explanation.test, explanation.unit)}; ${verdict} (${countsText(explanation.baseline, explanation.current)})`;
}

export interface DriftExplanationInput {
  signal: string;
  /** The method the monitor or gate asked for; `auto` explains its own choice. */
  requestedMethod: string | null;
  /** Who set a method that is not `auto`, e.g. "set on the monitor". */
  methodSetBy: string;
  verdict: string;
  reason: string;
  reference: SignalProfile | null;
  current: SignalProfile | null;
  result: (DriftResult & CalibrationFields) | null;
}

function autoReasoning(reason: string): string {
  const match = /^auto chose \S+: (.+?)\. (?:no )?drift/.exec(reason);
  return match ? match[1]! : 'chosen by auto from the signal type and the sample sizes';
}

export function explainDrift(input: DriftExplanationInput): CheckExplanation {
  const { baseline, current } = summaries(input.reference, input.current);
  const unit = unitOfSignal(input.signal);
  const result = input.result;
  const test: ExplainedTest | null = result
    ? {
        method: result.method,
        statisticName: STATISTIC_NAMES[result.method] ?? result.method,
        chosenBecause: input.requestedMethod === 'auto' || input.requestedMethod === null ? autoReasoning(result.reason) : input.methodSetBy,
        statistic: finite(result.statistic),
        pValue: finite(result.pValue),
        adjustedPValue: null,
        correction: 'none',
        threshold: finite(result.threshold),
        // Calibrated results judge the threshold as materiality of the effect and the p-value against α.
        thresholdAppliesTo: result.alpha === undefined && P_VALUE_METHODS.has(result.method) ? 'p-value' : 'statistic',
        effectSize: finite(result.effectSize),
        ...(result.noiseFloor !== undefined ? { noiseFloor: finite(result.noiseFloor) } : {}),
        ...(result.alpha !== undefined ? { alpha: finite(result.alpha) } : {}),
        exact: result.exact,
        errorBound: finite(result.errorBound),
        detail: result.reason,
      }
    : null;
  const explanation: Omit<CheckExplanation, 'sentence'> = {
    version: EXPLANATION_VERSION,
    kind: 'drift',
    signal: input.signal,
    unit,
    verdict: input.verdict,
    baseline,
    current,
    measures: measuresOf(baseline, current),
    shares: sharesOf(baseline, current),
    test,
    rule: null,
  };
  return { ...explanation, sentence: sentenceOf(explanation, input.reason) };
}

/** The explanation once a multiple-testing correction has settled the verdict. */
export function withCorrection(explanation: CheckExplanation, correction: string, adjustedPValue: number | null, verdict: string, reason: string): CheckExplanation {
  const test = explanation.test ? { ...explanation.test, correction, adjustedPValue: finite(adjustedPValue) } : null;
  const updated = { ...explanation, test, verdict };
  return { ...updated, sentence: sentenceOf(updated, reason) };
}

export interface PolicyExplanationInput {
  rule: string;
  operator: string;
  left: number | null;
  right: number | null;
  verdict: string;
  reason: string;
  refs: readonly AggregateRef[];
  values: ReadonlyMap<string, number | null>;
  /** The signals the rule reads, with the baseline's and the window's profiles where there are any. */
  profiles: ReadonlyArray<{ signal: string; reference: SignalProfile | null; current: SignalProfile | null }>;
}

export function explainPolicy(input: PolicyExplanationInput): CheckExplanation {
  const unit = unitOfRule(input.rule);
  const seen = new Set<string>();
  const values = input.refs
    .filter((ref) => !seen.has(ref.key) && seen.add(ref.key))
    .map((ref) => ({ key: ref.key.replace(/^window:/, '').replace(/^baseline:/, 'baseline.'), value: finite(input.values.get(ref.key)), unit: unitOfAggregate(ref) }));
  const signals = input.profiles.map((p) => {
    const pair = summaries(p.reference, p.current);
    return { signal: p.signal, unit: unitOfSignal(p.signal), ...pair, measures: measuresOf(pair.baseline, pair.current), shares: sharesOf(pair.baseline, pair.current) };
  });
  const first = signals[0] ?? null;
  const explanation: Omit<CheckExplanation, 'sentence'> = {
    version: EXPLANATION_VERSION,
    kind: 'policy',
    signal: first?.signal ?? null,
    unit,
    verdict: input.verdict,
    baseline: first?.baseline ?? null,
    current: first?.current ?? null,
    measures: first?.measures ?? [],
    shares: first?.shares ?? [],
    test: null,
    rule: { rule: input.rule, operator: input.operator, left: finite(input.left), right: finite(input.right), unit, values },
    signals,
  };
  if (input.verdict === 'insufficient_data') return { ...explanation, sentence: `${input.rule}: insufficient data: ${input.reason}` };
  return { ...explanation, sentence: sentenceOf(explanation, input.reason) };
}

function summaryText(summary: ProfileSummary | null, unit: Unit | null): string | null {
  if (!summary) return null;
  const values = `${formatCount(summary.count)} values`;
  if (summary.kind === 'numeric') {
    return `${values}: mean ${formatNumber(summary.mean, { unit })}, median ${formatNumber(summary.p50, { unit })}, p95 ${formatNumber(summary.p95, { unit })}`;
  }
  const shares = summary.categories.slice(0, 4).map((c) => `"${c.category}" ${formatNumber(c.share, { unit: '%' })}`);
  return `${values}: ${shares.join(', ')}${summary.otherShare > 0 ? `, other ${formatNumber(summary.otherShare, { unit: '%' })}` : ''}`;
}

/** The baseline and the current window in a line each, for texts that have room for more than the sentence. */
export function distributionLines(explanation: Pick<CheckExplanation, 'baseline' | 'current' | 'unit'> | null | undefined): { baseline: string; current: string } | null {
  if (!explanation) return null;
  const baseline = summaryText(explanation.baseline ?? null, explanation.unit ?? null);
  const current = summaryText(explanation.current ?? null, explanation.unit ?? null);
  return baseline && current ? { baseline, current } : null;
}

/** The unit both sides of a rule are stated in (a relative change has none), as the rule's reason states them. */
export function unitOfRule(rule: string): Unit | null {
  try {
    return unitOfComparison(parsePolicyRule(rule));
  } catch {
    return null;
  }
}
