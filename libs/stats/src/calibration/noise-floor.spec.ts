import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compare } from '../compare.js';
import type { ConcreteDriftMethod } from '../drift-result.js';
import { chiSquareNoiseFloor, ksNoiseFloor, zNoiseFloor } from './noise-floor.js';

interface QuantilesByMethod {
  [method: string]: { [alpha: string]: number };
}

interface Fixture {
  replicates: number;
  chi2: { df: number; alpha: number; critical: number }[];
  z: { alpha: number; critical: number }[];
  ksAsymptotic: { nReference: number; nCurrent: number; alpha: number; critical: number }[];
  ksExact: { n: number; alpha: number; critical: number }[];
  numericNulls: { name: string; reference: number[]; nCurrent: number; quantiles: QuantilesByMethod }[];
  categoricalNulls: { counts: Record<string, number>; nCurrent: number; quantiles: QuantilesByMethod }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/calibration-reference.json', import.meta.url), 'utf8')) as Fixture;

// Both sides are Monte Carlo estimates of an upper quantile (999 replicates here, 6,000 in the
// fixture): their relative standard error is a few percent at the 1% tail.
const RESAMPLED_TOLERANCE = 0.12;

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-12, `${what}: ${actual} vs reference ${expected}`);
}

function currentOfSize(reference: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => reference[(i * 7919) % reference.length]!);
}

function seededGaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function expand(counts: Record<string, number>, n?: number): string[] {
  const labels = Object.entries(counts).flatMap(([label, count]) => Array<string>(count).fill(label));
  return n === undefined ? labels : Array.from({ length: n }, (_, i) => labels[(i * 7919) % labels.length]!);
}

describe('noise floors against scipy', () => {
  for (const c of fixture.chi2) {
    it(`chi2 critical value, ${c.df} degrees of freedom, alpha ${c.alpha}`, () => {
      assertClose(chiSquareNoiseFloor(c.df, c.alpha), c.critical, 1e-9, 'chi2.isf');
    });
  }

  for (const c of fixture.z) {
    it(`two-sided z critical value, alpha ${c.alpha}`, () => assertClose(zNoiseFloor(c.alpha), c.critical, 1e-9, 'norm.isf(alpha/2)'));
  }

  for (const c of fixture.ksAsymptotic) {
    it(`asymptotic KS critical value, ${c.nReference} vs ${c.nCurrent}, alpha ${c.alpha}`, () => {
      assertClose(ksNoiseFloor(c.nReference, c.nCurrent, c.alpha), c.critical, 1e-6, 'kstwo.isf');
    });
  }

  for (const c of fixture.ksExact) {
    it(`exact KS critical value, ${c.n} vs ${c.n}, alpha ${c.alpha}`, () => {
      // The lattice of D is h/n: the floor is within half a step below the first D with p <= alpha.
      const floor = ksNoiseFloor(c.n, c.n, c.alpha);
      assert.ok(floor <= c.critical + 1e-9 && floor > c.critical - 0.5 / c.n - 1e-9, `floor ${floor} vs exact ${c.critical}`);
    });
  }

  for (const c of fixture.numericNulls) {
    for (const [method, byAlpha] of Object.entries(c.quantiles)) {
      for (const [alpha, expected] of Object.entries(byAlpha)) {
        it(`resampled ${method} noise floor, ${c.name} vs ${c.nCurrent}, alpha ${alpha}`, () => {
          const sut = compare(c.reference, currentOfSize(c.reference, c.nCurrent), { method: method as ConcreteDriftMethod, alpha: Number(alpha) });
          assert.equal(sut.pValueMethod, 'resampled');
          assertClose(sut.noiseFloor!, expected, RESAMPLED_TOLERANCE, `${method} upper ${alpha} quantile`);
        });
      }
    }
  }

  for (const c of fixture.categoricalNulls) {
    for (const [method, byAlpha] of Object.entries(c.quantiles)) {
      for (const [alpha, expected] of Object.entries(byAlpha)) {
        it(`resampled categorical ${method} noise floor, ${c.nCurrent} current values, alpha ${alpha}`, () => {
          const reference = expand(c.counts);
          const sut = compare(reference, expand(c.counts, c.nCurrent), { method: method as ConcreteDriftMethod, alpha: Number(alpha) });
          assertClose(sut.noiseFloor!, expected, RESAMPLED_TOLERANCE, `${method} upper ${alpha} quantile`);
        });
      }
    }
  }
});

describe('calibrated verdicts', () => {
  it('gives a statistic above the noise floor a p-value at most alpha, and one below it more', () => {
    const reference = fixture.numericNulls[0]!.reference;
    const same = compare(reference, currentOfSize(reference, 500), { method: 'wasserstein_norm' });
    assert.equal(same.significant, same.statistic > same.noiseFloor!);
    const shifted = compare(reference, currentOfSize(reference, 500).map((v) => v + 0.5), { method: 'wasserstein_norm' });
    assert.ok(shifted.statistic > shifted.noiseFloor!);
    assert.ok(shifted.pValue! <= 0.001, `p ${shifted.pValue}`);
    assert.equal(shifted.drifted, true);
  });

  it('keeps a significant but immaterial shift from being drift', () => {
    const gaussian = seededGaussian(5);
    const reference = Array.from({ length: 20_000 }, gaussian);
    const sut = compare(reference, Array.from({ length: 20_000 }, () => gaussian() + 0.06), { method: 'wasserstein_norm' });
    assert.equal(sut.significant, true, `p ${sut.pValue}, floor ${sut.noiseFloor}, statistic ${sut.statistic}`);
    assert.equal(sut.material, false);
    assert.equal(sut.drifted, false);
    assert.match(sut.reason, /significant .* but not material/);
  });

  it('returns the same p-value and noise floor for the same inputs', () => {
    const reference = fixture.numericNulls[1]!.reference;
    const current = currentOfSize(reference, 50);
    const [a, b] = [compare(reference, current, { method: 'psi' }), compare(reference, current, { method: 'psi' })];
    assert.deepEqual([a.pValue, a.noiseFloor], [b.pValue, b.noiseFloor]);
  });

  it('refuses an alpha outside (0, 1)', () => {
    assert.throws(() => compare([1, 2], [1, 2], { alpha: 0 }), /alpha must be a number between 0 and 1/);
    assert.throws(() => compare([1, 2], [1, 2], { alpha: 1 }), /alpha must be a number between 0 and 1/);
  });
});
