import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mean, sampleVariance } from 'simple-statistics';
import { studentTSurvival, studentTUpperQuantile } from '../distributions/student-t.js';
import { moreCandidateCallsNeeded, proportionNonInferiority, restrictedRates, scoreStatistic, welchNonInferiority } from './non-inferiority.js';

// Written by libs/stats/fixtures/generate_tiering_fixtures.py (scipy; restricted MLE by direct maximisation).
const reference = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'tiering-reference.json'), 'utf8')) as {
  welch: Array<{ name: string; candidate: number[]; incumbent: number[]; margin: number; alpha: number; difference: number; pValue: number; lowerBound: number; upperBound: number }>;
  proportions: Array<{
    name: string; candidate: { n: number; successes: number }; incumbent: { n: number; successes: number }; margin: number; alpha: number;
    difference: number; z: number; pValue: number; lowerBound: number; upperBound: number; restricted: [number, number];
  }>;
};

function close(actual: number, expected: number, tolerance: number, what: string): void {
  if (!Number.isFinite(expected)) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

const summary = (values: number[]) => ({ n: values.length, mean: mean(values), variance: sampleVariance(values) });

describe('Student t', () => {
  // scipy.stats.t.isf / t.sf / norm.isf (scipy 1.17).
  it('matches scipy quantiles and tail probabilities', () => {
    close(studentTUpperQuantile(0.025, 10), 2.2281388519862753, 1e-10, 't 0.975, 10 df');
    close(studentTUpperQuantile(0.05, 2.5), 2.5582186141359364, 1e-9, 't 0.95, 2.5 df');
    close(studentTSurvival(1.5, 3), 0.11529193262241147, 1e-10, 'P(T > 1.5), 3 df');
    close(studentTSurvival(-40, 1), 0.9920439100879742, 1e-10, 'P(T > -40), 1 df');
    close(studentTUpperQuantile(0.05, Infinity), 1.6448536269514729, 1e-10, 'z 0.95');
  });
});

describe('non-inferiority of means (Welch)', () => {
  for (const c of reference.welch) {
    it(c.name, () => {
      const result = welchNonInferiority(summary(c.candidate), summary(c.incumbent), c.margin, c.alpha)!;
      close(result.difference, c.difference, 1e-12, 'difference');
      close(result.pValue, c.pValue, 1e-8, 'p');
      close(result.lowerBound, c.lowerBound, 1e-8, 'lower bound');
      close(result.upperBound, c.upperBound, 1e-8, 'upper bound');
    });
  }

  it('needs two calls a side, and decides a spread-free comparison by the difference alone', () => {
    assert.equal(welchNonInferiority({ n: 1, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 0.1 }, 0.02, 0.05), null);
    assert.deepEqual(welchNonInferiority({ n: 3, mean: 0.99, variance: 0 }, { n: 3, mean: 1, variance: 0 }, 0.02, 0.05), {
      difference: 0.99 - 1, lowerBound: 0.99 - 1, upperBound: 0.99 - 1, pValue: 0,
    });
  });
});

describe('non-inferiority of proportions (Miettinen–Nurminen)', () => {
  for (const c of reference.proportions) {
    it(c.name, () => {
      const [p1, p2] = restrictedRates(c.candidate, c.incumbent, -c.margin);
      close(p1, c.restricted[0], 1e-7, 'restricted candidate rate');
      close(p2, c.restricted[1], 1e-7, 'restricted incumbent rate');
      close(scoreStatistic(c.candidate, c.incumbent, -c.margin), c.z, 1e-6, 'z');
      const result = proportionNonInferiority(c.candidate, c.incumbent, c.margin, c.alpha)!;
      close(result.difference, c.difference, 1e-12, 'difference');
      close(result.pValue, c.pValue, 1e-6, 'p');
      close(result.lowerBound, c.lowerBound, 1e-6, 'lower bound');
      close(result.upperBound, c.upperBound, 1e-6, 'upper bound');
    });
  }
});

describe('more candidate calls for 80% power', () => {
  it('solves the normal-approximation sample size and says when none suffices', () => {
    // Equal spreads 0.01, no incumbent noise left to speak of: n = 0.01 · ((1.6449 + 0.8416) / 0.02)² ≈ 154.6.
    assert.equal(moreCandidateCallsNeeded({ difference: 0, candidateVariance: 0.01, incumbentVariance: 0.01, candidateCalls: 50, incumbentCalls: 1e12 }, 0.02, 0.05), 105);
    assert.equal(moreCandidateCallsNeeded({ difference: 0, candidateVariance: 0.01, incumbentVariance: 0.01, candidateCalls: 500, incumbentCalls: 1e12 }, 0.02, 0.05), 0);
    assert.equal(moreCandidateCallsNeeded({ difference: -0.03, candidateVariance: 0.01, incumbentVariance: 0.01, candidateCalls: 50, incumbentCalls: 100 }, 0.02, 0.05), null);
    assert.equal(moreCandidateCallsNeeded({ difference: 0, candidateVariance: 0.01, incumbentVariance: 0.01, candidateCalls: 50, incumbentCalls: 10 }, 0.02, 0.05), null);
  });
});
