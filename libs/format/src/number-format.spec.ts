import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatChange, formatCount, formatNumber, formatPValue, formatSides, relativeChange, unitOfSignal } from './number-format.js';

describe(formatNumber.name, () => {
  it('writes tiny values in scientific notation, never as 0', () => {
    assert.equal(formatNumber(1.618e-206), '1.62e-206');
    assert.equal(formatNumber(1.618e-206, { digits: 2 }), '1.6e-206');
    assert.equal(formatNumber(0.000123), '1.23e-4');
    assert.equal(formatNumber(5e-324), '4.94e-324');
    assert.equal(formatNumber(0.0012), '0.0012');
    assert.equal(formatNumber(0.001), '0.001');
  });

  it('writes huge values in scientific notation and large ones with every integer digit grouped', () => {
    assert.equal(formatNumber(1.5e300), '1.5e300');
    assert.equal(formatNumber(2e15), '2e15');
    assert.equal(formatNumber(1_234_567.891), '1,234,568');
    assert.equal(formatNumber(1240), '1,240');
    assert.equal(formatNumber(999_999_999_999_999), '999,999,999,999,999');
  });

  it('rounds fractions to significant digits and drops trailing zeros', () => {
    assert.equal(formatNumber(0.06833), '0.0683');
    assert.equal(formatNumber(0.06833, { digits: 4 }), '0.06833');
    assert.equal(formatNumber(198), '198');
    assert.equal(formatNumber(1.5), '1.5');
    assert.equal(formatNumber(12.3456), '12.3');
    assert.equal(formatNumber(0.99951), '1');
    assert.equal(formatNumber(0.1 + 0.2), '0.3');
  });

  it('keeps the sign of negative values, and a plus when asked', () => {
    assert.equal(formatNumber(-3.25), '-3.25');
    assert.equal(formatNumber(-2.5e-9), '-2.5e-9');
    assert.equal(formatNumber(-1_500_000), '-1,500,000');
    assert.equal(formatNumber(0.42, { signed: true }), '+0.42');
    assert.equal(formatNumber(-0.42, { signed: true }), '-0.42');
  });

  it('writes zero as 0 and missing or non-finite values as such', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
    assert.equal(formatNumber(0, { signed: true }), '0');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(undefined), '—');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '-∞');
  });

  it('adds units: ms, tokens, USD, Wh, g CO2e, and % of a fraction', () => {
    assert.equal(formatNumber(812.4, { unit: 'ms' }), '812 ms');
    assert.equal(formatNumber(1240, { unit: 'tokens' }), '1,240 tokens');
    assert.equal(formatNumber(0.0012, { unit: 'USD' }), '$0.0012');
    assert.equal(formatNumber(-4.5, { unit: 'USD' }), '-$4.5');
    assert.equal(formatNumber(3.2e-5, { unit: 'USD' }), '$3.2e-5');
    assert.equal(formatNumber(12.34, { unit: 'Wh' }), '12.3 Wh');
    assert.equal(formatNumber(0.0004, { unit: 'g CO2e' }), '4e-4 g CO2e');
    assert.equal(formatNumber(0.052, { unit: '%' }), '5.2%');
    assert.equal(formatNumber(2.03, { unit: '%', signed: true }), '+203%');
    assert.equal(formatNumber(0, { unit: 'ms' }), '0 ms');
  });
});

describe(formatCount.name, () => {
  it('groups every digit of an integer and formats anything else as a number', () => {
    assert.equal(formatCount(100_000), '100,000');
    assert.equal(formatCount(-12_345), '-12,345');
    assert.equal(formatCount(7), '7');
    assert.equal(formatCount(2.5), '2.5');
    assert.equal(formatCount(null), '—');
  });
});

describe(formatPValue.name, () => {
  it('gives two significant digits and writes an underflowed p-value as a bound', () => {
    assert.equal(formatPValue(1.618e-206), 'p = 1.6e-206');
    assert.equal(formatPValue(0.06833), 'p = 0.068');
    assert.equal(formatPValue(1), 'p = 1');
    assert.equal(formatPValue(0), 'p < 1e-300');
    assert.equal(formatPValue(null), 'p —');
  });
});

describe(formatChange.name, () => {
  it('is the signed relative change, or null from 0 to something else', () => {
    assert.equal(formatChange(198, 600), '+203%');
    assert.equal(formatChange(400, 380), '-5%');
    assert.equal(formatChange(1000, 1003), '+0.3%');
    assert.equal(formatChange(5, 5), '0%');
    assert.equal(formatChange(0, 0), '0%');
    assert.equal(formatChange(0, 3), null);
    assert.equal(relativeChange(-2, -1), 0.5);
  });
});

describe(unitOfSignal.name, () => {
  it("reads the unit from Assay's signal names", () => {
    assert.deepEqual(
      ['latency_ms', 'ttft_ms', 'output_tokens', 'cost_usd', 'energy_wh', 'co2e_g', 'finish_reason', 'output_chars', null].map(unitOfSignal),
      ['ms', 'ms', 'tokens', 'USD', 'Wh', 'g CO2e', null, null, null],
    );
  });
});

describe(formatSides.name, () => {
  it('writes differing sides with the digits it takes to tell them apart, and binary noise not at all', () => {
    assert.deepEqual(formatSides(0.79996, 0.8), ['0.79996', '0.8']);
    assert.deepEqual(formatSides(1500.2, 1500, { unit: 'ms' }), ['1,500.2 ms', '1,500 ms']);
    assert.deepEqual(formatSides(0.1 + 0.2, 0.3), ['0.3', '0.3']);
    assert.deepEqual(formatSides(0.0125, 0.01, { unit: '%' }), ['1.25%', '1%']);
    assert.deepEqual(formatSides(null, 2), ['—', '2']);
  });
});
