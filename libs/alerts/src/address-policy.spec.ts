import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPolicy, normalizeAddress } from './address-policy.js';

describe(AddressPolicy.name, () => {
  const sut = new AddressPolicy([]);

  for (const address of [
    '127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '[::1]', 'fe80::1', 'fd00::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::', '224.0.0.1',
  ]) {
    it(`refuses ${address}`, () => assert.notEqual(sut.refusal(address), null));
  }

  for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700::6810:85e5', '172.32.0.1', '::ffff:8.8.8.8']) {
    it(`lets ${address} through`, () => assert.equal(sut.refusal(address), null));
  }

  it('allows what the allow-list names: addresses, CIDR ranges and host names', () => {
    const allowing = new AddressPolicy(['127.0.0.1', '10.1.0.0/16', '::1', 'hooks.internal', '*.corp.example']);
    assert.equal(allowing.refusal('127.0.0.1'), null);
    assert.equal(allowing.refusal('::ffff:127.0.0.1'), null);
    assert.equal(allowing.refusal('10.1.200.3'), null);
    assert.notEqual(allowing.refusal('10.2.0.1'), null);
    assert.notEqual(allowing.refusal('127.0.0.2'), null);
    assert.equal(allowing.refusal('::1'), null);
    assert.equal(allowing.allowsName('hooks.internal'), true);
    assert.equal(allowing.allowsName('a.corp.example'), true);
    assert.equal(allowing.allowsName('corp.example.evil'), false);
  });
});

describe(normalizeAddress.name, () => {
  it('unwraps IPv4-mapped IPv6 in dotted and hex forms', () => {
    assert.deepEqual(normalizeAddress('::ffff:169.254.169.254'), { address: '169.254.169.254', family: 4 });
    assert.deepEqual(normalizeAddress('0:0:0:0:0:ffff:7f00:0001'), { address: '127.0.0.1', family: 4 });
    assert.deepEqual(normalizeAddress('[2001:db8::1]'), { address: '2001:db8::1', family: 6 });
    assert.equal(normalizeAddress('example.com'), null);
  });
});
