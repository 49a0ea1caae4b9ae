import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PredicateType } from '@assay/provenance';
import { TIERING_PREDICATE_TYPE } from '@assay/tiering';
import { tieringReportFixture } from './tiering-report.fixture.js';
import { renderTieringReportHtml } from './tiering-report-html.js';

describe(renderTieringReportHtml.name, () => {
  const report = tieringReportFixture('p1');
  const sut = renderTieringReportHtml(report, { reportId: 'r1', keyId: 'k1', subjectDigest: 'abc', generatedAt: '2026-12-01T00:00:01.000Z' });
  const decisions = report.journeys.flatMap((j) => j.decisions);

  it('stacks each journey’s spend by model, one segment per model that served it', () => {
    const chart = /<svg[^>]*data-chart="journey-spend"[\s\S]*?<\/svg>/.exec(sut)![0];
    for (const journey of report.journeys) {
      const group = new RegExp(`<g data-journey="${journey.journey.replace('<', '&lt;').replace('>', '&gt;')}">([\\s\\S]*?)</g>`).exec(chart);
      assert.ok(group, journey.journey);
      assert.deepEqual([...group[1]!.matchAll(/data-model="([^"]+)"/g)].map((m) => m[1]).sort(), journey.models.map((m) => m.model).sort());
    }
  });

  it('draws every decision’s tests as intervals against the −margin line', () => {
    const charts = [...sut.matchAll(/<svg[^>]*data-chart="decision"[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    assert.equal(charts.length, decisions.length);
    for (const decision of decisions) {
      const chart = charts.find((c) => c.includes(`data-journey="${decision.journey.replace('<', '&lt;').replace('>', '&gt;')}"`))!;
      assert.match(chart, new RegExp(`data-verdict="${decision.verdict}"`));
      assert.match(chart, /class="margin"/);
      for (const test of decision.tests) assert.ok(chart.includes(`data-signal="${test.signal}" data-lower="${test.lowerBound}" data-upper="${test.upperBound}"`), test.signal);
    }
  });

  it('lists each decision with its sentence and the providers’ shares, escaping names', () => {
    for (const decision of decisions) assert.ok(sut.includes(decision.sentence.replace('<', '&lt;').replace('>', '&gt;')), decision.sentence);
    assert.ok(!sut.includes('legal <review>'));
    assert.match(sut, /data-field="hhi">0\.\d+</);
    assert.doesNotMatch(sut, /<script/);
  });

  it('names the same predicate type as the CLI verifies', () => {
    assert.equal(TIERING_PREDICATE_TYPE, PredicateType.TieringReport);
  });
});
