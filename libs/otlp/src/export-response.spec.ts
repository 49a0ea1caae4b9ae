import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { encodeExportResponse, encodeStatus } from './export-response.js';

// The OpenTelemetry JS SDK's own response readers are the independent check.
describe(encodeExportResponse.name, () => {
  it('encodes a full success as an empty protobuf message', () => {
    assert.equal(encodeExportResponse('protobuf').length, 0);
  });

  it('encodes a full success as an empty JSON object', () => {
    assert.equal(encodeExportResponse('json').toString(), '{}');
  });

  it('leaves partialSuccess unset when nothing was rejected and there is no message', () => {
    assert.equal(encodeExportResponse('json', { rejectedSpans: 0, errorMessage: '' }).toString(), '{}');
  });

  it('encodes a partial success the SDK reads back from protobuf', () => {
    const body = encodeExportResponse('protobuf', { rejectedSpans: 3, errorMessage: 'span 1: ends before it starts' });
    assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(body), {
      partialSuccess: { rejectedSpans: 3, errorMessage: 'span 1: ends before it starts' },
    });
  });

  it('encodes a partial success the SDK reads back from JSON', () => {
    const body = encodeExportResponse('json', { rejectedSpans: 2, errorMessage: 'bad spans' });
    assert.deepEqual(JsonTraceSerializer.deserializeResponse(body), { partialSuccess: { rejectedSpans: 2, errorMessage: 'bad spans' } });
  });
});

describe(encodeStatus.name, () => {
  it('encodes google.rpc.Status as protobuf (field 1 code varint, field 2 message)', () => {
    assert.deepEqual([...encodeStatus('protobuf', { code: 3, message: 'bad' })], [0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]);
  });

  it('encodes google.rpc.Status as JSON', () => {
    assert.equal(encodeStatus('json', { code: 8, message: 'slow down' }).toString(), '{"code":8,"message":"slow down"}');
  });
});
