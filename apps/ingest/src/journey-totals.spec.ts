import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleToWrite } from '@assay/db';
import { OTHER_JOURNEY } from '@assay/otlp';
import { journeyTotals } from './journey-totals.js';

const MINUTE = 1_700_000_040_000;
const sample = (journey: string): SampleToWrite => ({
  modelId: 'm',
  version: 'v1',
  timeMicros: BigInt(MINUTE + 5_000) * 1000n,
  traceId: 't',
  spanId: journey,
  parentSpanId: null,
  responseId: null,
  serviceName: 'svc',
  journey,
  signals: {},
});
const seen = (journey: string, n: number) => ({ modelId: 'm', version: 'v1', journey, minuteMs: MINUTE, seen: n, sampled: 0 });

describe(journeyTotals.name, () => {
  it('counts names past the limit as (other), with an overflow count of their spans', () => {
    const samples = [sample('faq'), sample('refunds'), sample('legal')];
    const stored = new Map([['faq', 'faq'], ['refunds', OTHER_JOURNEY], ['legal', OTHER_JOURNEY]]);
    const sut = journeyTotals([seen('faq', 4), seen('refunds', 3), seen('legal', 2)], [], samples, stored);
    assert.deepEqual(
      sut.journeyCounts.map((c) => [c.journey, c.seen, c.sampled]),
      [['faq', 4, 1], [OTHER_JOURNEY, 5, 2]],
    );
    assert.deepEqual(sut.journeyOverflow, [{ minuteMs: MINUTE, count: 5 }]);
    assert.deepEqual(samples.map((s) => s.journey), ['faq', OTHER_JOURNEY, OTHER_JOURNEY]);
  });

  it('merges the input hashes of renamed journeys', () => {
    const stored = new Map([['a', OTHER_JOURNEY], ['b', OTHER_JOURNEY]]);
    const sut = journeyTotals([], [{ journey: 'a', hourMs: 0, calls: 1, hashes: [1, 2] }, { journey: 'b', hourMs: 0, calls: 2, hashes: [3, 4, 5, 6] }], [], stored);
    assert.deepEqual(sut.journeyInputs, [{ journey: OTHER_JOURNEY, hourMs: 0, calls: 3, hashes: [1, 2, 3, 4, 5, 6] }]);
  });

  it('counts no overflow for spans that named (other) themselves', () => {
    const sut = journeyTotals([seen(OTHER_JOURNEY, 2)], [], [], new Map([[OTHER_JOURNEY, OTHER_JOURNEY]]));
    assert.deepEqual(sut.journeyOverflow, []);
  });
});
