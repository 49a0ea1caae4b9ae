import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { adjustPValues } from './adjust-p-values.js';
import { categoricalBins, quantileEdges } from './binning.js';
import { compare } from './compare.js';
import { chiSquareHomogeneity } from './methods/binned-distances.js';
import { twoProportionZTest } from './methods/proportion-z-test.js';
import { categoryCounts } from './sample-input.js';

interface Fixture {
  ks: { name: string; reference: number[]; current: number[]; statistic: number; pValue: number }[];
  wasserstein: { name: string; wasserstein: number; wassersteinNorm: number }[];
  binnedNumeric: { name: string; bins: number; edges: number[]; psi: number; jensenshannon: number; hellinger: number }[];
  categorical: {
    name: string;
    reference: Record<string, number>;
    current: Record<string, number>;
    chi2: number;
    pValue: number;
    dof: number;
    cramersV: number;
    psi: number;
    jensenshannon: number;
    hellinger: number;
  }[];
  ztest: { name: string; referenceSuccesses: number; nReference: number; currentSuccesses: number; nCurrent: number; statistic: number; pValue: number }[];
  adjust: { pValues: number[]; bh: number[]; bonferroni: number[] }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/scipy-reference.json', import.meta.url), 'utf8')) as Fixture;
const samples = new Map(fixture.ks.map((c) => [c.name, c]));

function assertStatistic(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= Math.max(tolerance, 1e-15), `${what}: ${actual} vs scipy ${expected}`);
}

function assertPValue(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: p-value missing`);
  const difference = Math.abs(actual - expected);
  assert.ok(difference <= 1e-12 || difference <= 1e-6 * expected, `${what}: p ${actual} vs scipy ${expected}`);
}

function expand(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label));
}

describe('parity with scipy', () => {
  for (const c of fixture.ks) {
    it(`ks_2samp: ${c.name} (${c.reference.length} vs ${c.current.length})`, () => {
      const sut = compare(c.reference, c.current, { method: 'ks' });
      assertStatistic(sut.statistic, c.statistic, 'statistic');
      assertPValue(sut.pValue, c.pValue, 'p-value');
    });
  }

  for (const c of fixture.wasserstein) {
    it(`wasserstein_distance: ${c.name}`, () => {
      const { reference, current } = samples.get(c.name)!;
      assertStatistic(compare(reference, current, { method: 'wasserstein' }).statistic, c.wasserstein, 'raw');
      assertStatistic(compare(reference, current, { method: 'wasserstein_norm' }).statistic, c.wassersteinNorm, 'normalised');
    });
  }

  for (const c of fixture.binnedNumeric) {
    it(`quantile-binned psi, jensenshannon, hellinger: ${c.name}, ${c.bins} bins`, () => {
      const { reference, current } = samples.get(c.name)!;
      // numpy does not distinguish -0 from 0 in its edges; + 0 folds them the same way.
      const edges = quantileEdges(Float64Array.from(reference).sort(), c.bins).map((e) => e + 0);
      assert.deepEqual(edges, c.edges);
      for (const method of ['psi', 'jensenshannon', 'hellinger'] as const) {
        const sut = compare(reference, current, { method, bins: c.bins });
        assertStatistic(sut.statistic, c[method], method);
      }
    });
  }

  for (const c of fixture.categorical) {
    it(`chi2_contingency(correction=False) and binned distances on categories: ${c.name}`, () => {
      const reference = expand(c.reference);
      const current = expand(c.current);
      const chi = compare(reference, current, { method: 'chi2' });
      assertStatistic(chi.statistic, c.chi2, 'chi2');
      // Where expected counts are below 5, compare draws χ²'s p-value at the table's margins instead
      // (chi-square-null.spec checks that one against exact enumeration); the asymptotic one is still scipy's.
      const bins = categoricalBins(categoryCounts(reference, 'reference').counts, categoryCounts(current, 'current').counts);
      const asymptotic = chiSquareHomogeneity(bins.reference, bins.current);
      assertPValue(asymptotic.pValue, c.pValue, 'chi2 asymptotic p-value');
      if (chi.pValueMethod === 'asymptotic') assert.equal(chi.pValue, asymptotic.pValue);
      assert.equal(chi.degreesOfFreedom, c.dof);
      assertStatistic(chi.effectSize!, c.cramersV, "Cramér's V");
      for (const method of ['psi', 'jensenshannon', 'hellinger'] as const) {
        assertStatistic(compare(reference, current, { method }).statistic, c[method], method);
      }
    });
  }

  for (const c of fixture.ztest) {
    it(`two-proportion z-test against norm.sf: ${c.name}`, () => {
      const sut = twoProportionZTest(c.referenceSuccesses, c.nReference, c.currentSuccesses, c.nCurrent);
      assertStatistic(sut.statistic, c.statistic, 'z');
      assertPValue(sut.pValue, c.pValue, 'p-value');
    });
  }

  fixture.adjust.forEach((c, i) => {
    it(`false_discovery_control and Bonferroni: family ${i} of ${c.pValues.length}`, () => {
      adjustPValues(c.pValues, 'bh').forEach((p, j) => assertStatistic(p!, c.bh[j]!, `bh[${j}]`));
      adjustPValues(c.pValues, 'bonferroni').forEach((p, j) => assertStatistic(p!, c.bonferroni[j]!, `bonferroni[${j}]`));
    });
  });
});
