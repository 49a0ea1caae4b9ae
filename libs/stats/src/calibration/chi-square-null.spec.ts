import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { categoricalBins } from '../binning.js';
import { compare } from '../compare.js';
import { NULL_REPLICATES } from './null-distribution.js';
import { chiSquareConditionalNull, smallestExpectedCount } from './chi-square-null.js';

interface Fixture {
  cases: { name: string; reference: Record<string, number>; current: Record<string, number>; statistic: number; exactPValue: number; asymptoticPValue: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/chi2-exact-reference.json', import.meta.url), 'utf8')) as Fixture;

function expand(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([label, count]) => Array<string>(count).fill(label));
}

function tableOf(reference: Record<string, number>, current: Record<string, number>): { reference: number[]; current: number[] } {
  const bins = categoricalBins(new Map(Object.entries(reference)), new Map(Object.entries(current)));
  return { reference: bins.reference, current: bins.current };
}

describe(chiSquareConditionalNull.name, () => {
  for (const c of fixture.cases) {
    it(`matches the exact conditional p-value by enumeration: ${c.name}`, () => {
      const table = tableOf(c.reference, c.current);
      const sut = chiSquareConditionalNull(table.reference, table.current);
      // A Monte Carlo p-value of 999 draws: four standard errors, and one step of 1/1000 for the +1.
      const p = c.exactPValue;
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / NULL_REPLICATES) + 2 / (NULL_REPLICATES + 1);
      assert.ok(Math.abs(sut.statistic - c.statistic) <= 1e-9 * Math.max(1, c.statistic), `statistic ${sut.statistic} vs scipy ${c.statistic}`);
      assert.ok(Math.abs(sut.pValue - p) <= tolerance, `p ${sut.pValue} vs exact ${p} (asymptotic ${c.asymptoticPValue})`);
    });
  }

  it('is what compare reports for chi2 when an expected count is below 5, with the asymptotic p-value left aside', () => {
    const c = fixture.cases.find((x) => x.name === 'small-window')!;
    const table = tableOf(c.reference, c.current);
    assert.ok(smallestExpectedCount(table.reference, table.current) < 5);
    const sut = compare(expand(c.reference), expand(c.current), { method: 'chi2' });
    assert.equal(sut.pValueMethod, 'resampled');
    assert.equal(sut.pValue, chiSquareConditionalNull(table.reference, table.current).pValue);
    assert.ok(Math.abs(sut.pValue! - c.exactPValue) < Math.abs(c.asymptoticPValue - c.exactPValue), `${sut.pValue} vs exact ${c.exactPValue}`);
    assert.match(sut.reason, /expected counts below 5: p-value from 999 tables with the same margins/);
    assert.ok(sut.noiseFloor! > 0);
  });

  it('keeps the asymptotic null where every expected count is 5 or more', () => {
    const sut = compare(expand({ a: 50, b: 40, c: 30 }), expand({ a: 40, b: 45, c: 35 }), { method: 'chi2' });
    assert.equal(sut.pValueMethod, 'asymptotic');
  });
});
