import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { decideTiering, type ModelOnJourney } from '@assay/tiering';

const WEEK_MS = 7 * 86_400_000;

function model(name: string, costPerCall: number, calls: number, mean: number, sd: number, sampled: number, failed: number): ModelOnJourney {
  return {
    model: name,
    provider: name.startsWith('claude') ? 'anthropic' : 'openai',
    calls,
    spendUsd: costPerCall * calls,
    co2eGPerCall: null,
    quality: { 'eval.helpful.score': { kind: 'mean', summary: { n: sampled, mean, variance: sd * sd }, higherIsBetter: true } },
    errors: { n: sampled, failed },
  };
}

// docs/tiering.md's worked example and the README's sample lines, as the decision core computes them.
describe('the worked example of docs/tiering.md', () => {
  const decisions = decideTiering(
    [
      { journey: 'faq', models: [model('gpt-4o', 0.01, 10_000, 0.81, 0.1, 1500, 15), model('gpt-4o-mini', 0.001, 2000, 0.806, 0.11, 1500, 18)] },
      { journey: 'legal', models: [model('gpt-4o', 0.02, 1000, 0.8, 0.1, 400, 4), model('claude-haiku', 0.002, 200, 0.7, 0.12, 200, 2)] },
      { journey: 'onboarding', models: [model('gpt-4o', 0.01, 3000, 0.8, 0.1, 2000, 20), model('gpt-4o-mini', 0.001, 30, 0.79, 0.1, 30, 0)] },
    ],
    { margin: 0.02, alpha: 0.05, windowMs: WEEK_MS },
  );
  const docs = fs.readFileSync('docs/tiering.md', 'utf8').replace(/\s+/g, ' ');
  const readme = fs.readFileSync('README.md', 'utf8');

  it('reaches the verdicts the page states', () => {
    assert.deepEqual(decisions.map((d) => `${d.journey} ${d.verdict}`), ['faq switch', 'legal keep', 'onboarding insufficient']);
    assert.deepEqual(decisions.map((d) => Number(d.adjustedPValue.toPrecision(3))), [0.00015, 1, 0.443]);
    assert.equal(decisions[2]!.moreCallsNeeded, 865);
  });

  it('quotes the sentences as computed', () => {
    for (const d of decisions.slice(0, 2)) {
      assert.ok(docs.includes(d.sentence.replace(/\.$/, '')), d.sentence);
      assert.ok(readme.includes(d.sentence), d.sentence);
    }
    assert.ok(docs.includes('about 865 more gpt-4o-mini calls would settle it; it would save $116 a month'));
  });
});
