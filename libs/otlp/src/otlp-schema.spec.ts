import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportTraceServiceRequestType } from './otlp-schema.js';

const root = ExportTraceServiceRequestType.root;
const KeyValue = root.lookupType('opentelemetry.proto.common.v1.KeyValue');

interface DecodedKeyValue {
  key: string;
  value: { value?: string; stringValue: string; intValue: { low: number; high: number } | number; doubleValue: number };
}

function encode(keyValue: Record<string, unknown>): Buffer {
  return Buffer.from(KeyValue.encode(KeyValue.fromObject(keyValue)).finish());
}

function decode(bytes: Buffer): DecodedKeyValue {
  return KeyValue.decode(bytes) as unknown as DecodedKeyValue;
}

describe('OTLP protobuf schema', () => {
  it('names the AnyValue member set on the wire, zero values included', () => {
    assert.equal(decode(encode({ key: 'n', value: { intValue: 0 } })).value.value, 'intValue');
    assert.equal(decode(encode({ key: 's', value: { stringValue: '' } })).value.value, 'stringValue');
    assert.equal(decode(encode({ key: 'd', value: { doubleValue: 2.5 } })).value.value, 'doubleValue');
  });

  it('names no member for an empty AnyValue', () => {
    const decoded = decode(encode({ key: 'e', value: {} }));
    assert.equal(decoded.value.value, undefined);
    assert.equal(decoded.value.stringValue, '');
  });

  it('names the member read last when one message carries two, as merging requires', () => {
    // Two encodings of one message, concatenated, are one message whose embedded AnyValues merge.
    const merged = decode(Buffer.concat([encode({ key: 'k', value: { stringValue: 'a' } }), encode({ value: { doubleValue: 1.5 } })]));
    assert.equal(merged.key, 'k');
    assert.equal(merged.value.value, 'doubleValue');
    assert.equal(merged.value.doubleValue, 1.5);
  });

  it('keeps each message its own member', () => {
    const first = decode(encode({ key: 'a', value: { stringValue: 'x' } }));
    const second = decode(encode({ key: 'b', value: { doubleValue: 3 } }));
    assert.equal(first.value.value, 'stringValue');
    assert.equal(second.value.value, 'doubleValue');
    assert.equal(second.value.stringValue, '');
  });
});
