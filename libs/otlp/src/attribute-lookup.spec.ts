import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeLookup } from './attribute-lookup.js';

describe(attributeLookup.name, () => {
  const record = {
    spanAttributes: { 'assay.model.version': '7', shared: 'span' },
    resourceAttributes: { 'service.version': '1.2.0', shared: 'resource' },
  };

  it('prefers the span attribute', () => {
    assert.equal(attributeLookup(record, 'shared'), 'span');
  });

  it('falls back to the resource attribute', () => {
    assert.equal(attributeLookup(record, 'service.version'), '1.2.0');
  });

  it('finds nothing for inherited property names', () => {
    assert.equal(attributeLookup(record, 'constructor'), undefined);
  });
});
