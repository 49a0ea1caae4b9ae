// A tiering report of known journeys, decided by the real decision core: for the page, the signed
// report and the CLI's table, which need a report's shape and not the samples behind it.
import { decideTiering, type ModelOnJourney, type TieringReport } from '@assay/tiering';

const WEEK_MS = 7 * 86_400_000;

function model(name: string, provider: string, costPerCall: number, calls: number, score: number, n: number, failed: number): ModelOnJourney {
  return {
    model: name,
    provider,
    calls,
    spendUsd: costPerCall * calls,
    co2eGPerCall: null,
    quality: { 'eval.helpful.score': { kind: 'mean', summary: { n, mean: score, variance: 0.01 }, higherIsBetter: true } },
    errors: { n, failed },
  };
}

function meanScore(m: ModelOnJourney): number {
  const signal = m.quality['eval.helpful.score'];
  return signal?.kind === 'mean' ? signal.summary.mean : Number.NaN;
}

export function tieringReportFixture(projectId: string, to = new Date('2026-12-01T00:00:00Z')): TieringReport {
  const from = new Date(to.getTime() - WEEK_MS);
  const journeys = [
    { journey: 'faq', models: [model('gpt-4o', 'openai', 0.01, 10_000, 0.8, 2000, 20), model('gpt-4o-mini', 'openai', 0.001, 500, 0.8, 2000, 20)] },
    { journey: 'legal <review>', models: [model('gpt-4o', 'openai', 0.02, 1000, 0.8, 500, 5), model('claude-haiku', 'anthropic', 0.002, 100, 0.6, 500, 5)] },
    { journey: 'rare', models: [model('gpt-4o', 'openai', 0.01, 40, 0.8, 20, 0), model('gpt-4o-mini', 'openai', 0.001, 20, 0.8, 20, 0)] },
    { journey: 'solo', models: [model('gpt-4o', 'openai', 0.01, 100, 0.8, 100, 1)] },
  ];
  const decisions = decideTiering(journeys, { margin: 0.02, alpha: 0.05, windowMs: WEEK_MS });
  const providerSpend = new Map<string, { calls: number; spendUsd: number }>();
  for (const j of journeys) {
    for (const m of j.models) {
      const p = providerSpend.get(m.provider!) ?? { calls: 0, spendUsd: 0 };
      providerSpend.set(m.provider!, { calls: p.calls + m.calls, spendUsd: p.spendUsd + m.spendUsd });
    }
  }
  const total = [...providerSpend.values()].reduce((sum, p) => sum + p.spendUsd, 0);
  const providers = [...providerSpend].map(([provider, p]) => ({ provider, ...p, spendShare: p.spendUsd / total })).sort((a, b) => b.spendUsd - a.spendUsd);
  return {
    projectId,
    from: from.toISOString(),
    to: to.toISOString(),
    margin: 0.02,
    alpha: 0.05,
    journeys: journeys.map((j) => ({
      journey: j.journey,
      calls: j.models.reduce((n, m) => n + m.calls, 0),
      spendUsd: j.models.reduce((n, m) => n + m.spendUsd, 0),
      repeatShare: j.journey === 'faq' ? 0.3 : null,
      repeatShareError: j.journey === 'faq' ? 0.0081 : null,
      exactCacheSavingsUsdPerMonth: j.journey === 'faq' ? 137.14 : null,
      cachedInputShare: null,
      singleProvider: new Set(j.models.map((m) => m.provider)).size === 1,
      models: j.models.map((m) => ({
        model: m.model, provider: m.provider, calls: m.calls, spendUsd: m.spendUsd, costPerCallUsd: m.spendUsd / m.calls,
        latencyP50Ms: 800, latencyP95Ms: 1500, errorRate: m.errors.failed / m.errors.n, scores: { 'eval.helpful.score': meanScore(m) },
      })),
      decisions: decisions.filter((d) => d.journey === j.journey),
      experiment: j.models.length === 1 ? { model: 'gpt-4o-mini', provider: 'openai', trafficShare: 0.1, days: 12, sentence: 'solo: send 10% of solo to gpt-4o-mini for 12 days to decide.' } : null,
    })),
    providers,
    hhi: providers.reduce((sum, p) => sum + p.spendShare ** 2, 0),
  };
}
