import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideTiering, type ModelOnJourney } from './tiering-decisions.js';

const WEEK_MS = 7 * 86_400_000;
const settings = { margin: 0.02, alpha: 0.05, windowMs: WEEK_MS };

function model(name: string, costPerCall: number, calls: number, score: { mean: number; sd: number; n: number }, errors: { n: number; failed: number }): ModelOnJourney {
  return {
    model: name,
    provider: 'openai',
    calls,
    spendUsd: costPerCall * calls,
    co2eGPerCall: null,
    quality: { 'eval.helpful.score': { kind: 'mean', summary: { n: score.n, mean: score.mean, variance: score.sd ** 2 }, higherIsBetter: true } },
    errors,
  };
}

describe('decideTiering', () => {
  const decisions = decideTiering(
    [
      { journey: 'faq', models: [model('gpt-4o', 0.01, 10_000, { mean: 0.8, sd: 0.1, n: 2000 }, { n: 2000, failed: 20 }), model('gpt-4o-mini', 0.001, 500, { mean: 0.8, sd: 0.1, n: 2000 }, { n: 2000, failed: 20 })] },
      { journey: 'legal', models: [model('gpt-4o', 0.02, 1000, { mean: 0.8, sd: 0.1, n: 500 }, { n: 500, failed: 5 }), model('gpt-4o-mini', 0.002, 100, { mean: 0.6, sd: 0.1, n: 500 }, { n: 500, failed: 5 })] },
      { journey: 'rare', models: [model('gpt-4o', 0.01, 40, { mean: 0.8, sd: 0.1, n: 20 }, { n: 20, failed: 0 }), model('gpt-4o-mini', 0.001, 20, { mean: 0.8, sd: 0.1, n: 20 }, { n: 20, failed: 0 })] },
      { journey: 'solo', models: [model('gpt-4o', 0.01, 100, { mean: 0.8, sd: 0.1, n: 100 }, { n: 100, failed: 1 })] },
    ],
    settings,
  );
  const of = (journey: string) => decisions.find((d) => d.journey === journey)!;

  it('pairs only a cheaper candidate with its incumbent, and none on a one-model journey', () => {
    assert.deepEqual(decisions.map((d) => `${d.journey}: ${d.incumbent} → ${d.candidate}`), ['faq: gpt-4o → gpt-4o-mini', 'legal: gpt-4o → gpt-4o-mini', 'rare: gpt-4o → gpt-4o-mini']);
  });

  it('switches when every test shows the candidate within the margin, and prices the move', () => {
    const faq = of('faq');
    assert.equal(faq.verdict, 'switch');
    assert.deepEqual(faq.tests.map((t) => t.signal), ['eval.helpful.score', 'error_rate']);
    assert.equal(faq.pValue, Math.max(...faq.tests.map((t) => t.pValue)));
    assert.ok(faq.adjustedPValue <= 0.05);
    // 10,000 calls a week × 30/7 weeks a month × $0.009 saved a call.
    assert.ok(Math.abs(faq.savingsUsdPerMonth - (10_000 * 30 / 7) * 0.009) < 1e-9);
    assert.match(faq.sentence, /^faq: gpt-4o-mini is within 0\.02 of gpt-4o on quality \(eval\.helpful\.score -0\.\d+…\+0\.\d+, error_rate -0\.\d+…\+0\.\d+\); moving faq saves \$386 a month\.$/);
  });

  it('keeps the incumbent when a test shows the candidate worse beyond the margin, naming the signal', () => {
    const legal = of('legal');
    assert.equal(legal.verdict, 'keep');
    const score = legal.tests.find((t) => t.signal === 'eval.helpful.score')!;
    assert.ok(score.upperBound < -0.02 && Math.abs(score.difference + 0.2) < 1e-12);
    assert.match(legal.sentence, /^legal: keep gpt-4o: gpt-4o-mini is worse on eval\.helpful\.score by 0\.1\d+ to 0\.2\d+, past the margin of 0\.02\.$/);
  });

  it('calls a small sample insufficient and says how many more candidate calls would settle it', () => {
    const rare = of('rare');
    assert.equal(rare.verdict, 'insufficient');
    assert.ok(rare.moreCallsNeeded === null || rare.moreCallsNeeded > 0);
    assert.match(rare.sentence, /^rare: not enough evidence that gpt-4o-mini is within 0\.02 of gpt-4o/);
  });
});
