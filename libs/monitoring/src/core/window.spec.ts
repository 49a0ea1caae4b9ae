import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alignedTick, tickFromSchedulerJobId, timeWindow } from './window.js';

describe(alignedTick.name, () => {
  it('aligns to multiples of the schedule', () => {
    assert.equal(alignedTick(1_700_000_012_345, 60), 1_699_999_980_000);
    assert.equal(alignedTick(1_700_000_012_345, 1), 1_700_000_012_000);
  });
});

describe(timeWindow.name, () => {
  it('ends at the tick and spans the duration', () => {
    const window = timeWindow(1_700_000_000_000, 3600);
    assert.equal(window.to.toISOString(), '2023-11-14T22:13:20.000Z');
    assert.equal(window.from.toISOString(), '2023-11-14T21:13:20.000Z');
  });
});

describe(tickFromSchedulerJobId.name, () => {
  it('reads the tick from a scheduler job id and refuses other ids', () => {
    assert.equal(tickFromSchedulerJobId('repeat:monitors:abc:60:1700000040000'), 1_700_000_040_000);
    assert.equal(tickFromSchedulerJobId('manual-123'), null);
  });
});
