import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vendorFindings, vendorFingerprint } from './vendor-share.js';

describe(vendorFindings.name, () => {
  const spend = [{ provider: 'openai', spendUsd: 90 }, { provider: 'anthropic', spendUsd: 10 }];

  it('flags a provider whose share of spend is above the limit, and only it', () => {
    const sut = vendorFindings('p', spend, 0.8, []);
    assert.deepEqual(sut.map((f) => [f.provider, f.over, f.share.spendShare]), [['openai', true, 0.9], ['anthropic', false, 0.1]]);
    assert.equal(sut[0]!.sentence, "vendor dependency: openai takes 90% of the last 7 days' spend ($90 of $100), above the project's maxProviderSpendShare of 80%");
  });

  it('is within the limit at exactly the limit', () => {
    assert.equal(vendorFindings('p', spend, 0.9, []).some((f) => f.over), false);
  });

  it('resolves an open alert of a provider with no spend in the window, and every one once the limit is gone', () => {
    const gone = vendorFindings('p', spend, 0.95, ['mistral']).find((f) => f.provider === 'mistral')!;
    assert.equal(gone.over, false);
    assert.equal(gone.fingerprint, vendorFingerprint('p', 'mistral'));
    const unset = vendorFindings('p', [], null, ['openai']);
    assert.deepEqual(unset.map((f) => [f.provider, f.over, f.sentence]), [['openai', false, 'the project no longer sets maxProviderSpendShare']]);
  });

  it('keeps one fingerprint per project and provider', () => {
    assert.equal(vendorFingerprint('p', 'openai'), vendorFingerprint('p', 'openai'));
    assert.notEqual(vendorFingerprint('p', 'openai'), vendorFingerprint('q', 'openai'));
  });
});
