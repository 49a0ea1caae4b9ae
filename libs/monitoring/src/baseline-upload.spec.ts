import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBaselineUpload } from './baseline-upload.js';

describe(parseBaselineUpload.name, () => {
  it('reads columns from JSON signals and samples', () => {
    const columns = parseBaselineUpload('json', { signals: { latency_ms: [1, 2, null, 3], finish_reason: ['stop'] } });
    assert.deepEqual([...columns], [['latency_ms', [1, 2, 3]], ['finish_reason', ['stop']]]);
    const rows = parseBaselineUpload('json', { samples: [{ a: 1, b: 'x' }, { a: 2 }] });
    assert.deepEqual([...rows], [['a', [1, 2]], ['b', ['x']]]);
  });

  it('reads JSONL and names the bad line', () => {
    assert.deepEqual([...parseBaselineUpload('jsonl', '{"a":1}\n\n{"a":2,"b":true}\n')], [['a', [1, 2]], ['b', [true]]]);
    assert.throws(() => parseBaselineUpload('jsonl', '{"a":1}\n{oops}\n'), /line 2: invalid JSON/);
  });

  it('reads CSV with quotes, numbers and empty cells', () => {
    const columns = parseBaselineUpload('csv', 'latency_ms,finish_reason,note\n120,stop,"a, b"\n1e3,,"say ""hi"""\n');
    assert.deepEqual([...columns], [['latency_ms', [120, 1000]], ['finish_reason', ['stop']], ['note', ['a, b', 'say "hi"']]]);
    assert.throws(() => parseBaselineUpload('csv', 'a,b\n1\n'), /line 2: 1 values for 2 columns/);
  });

  it('refuses non-finite numbers, nested values and bad names', () => {
    assert.throws(() => parseBaselineUpload('json', { signals: { x: [Infinity] } }), /not a finite number/);
    assert.throws(() => parseBaselineUpload('json', { samples: [{ x: { y: 1 } }] }), /must be a number, a string or a boolean/);
    assert.throws(() => parseBaselineUpload('json', { signals: { 'bad name!': [1] } }), /not a valid signal name/);
    assert.throws(() => parseBaselineUpload('json', { other: 1 }), /"signals"/);
  });
});
