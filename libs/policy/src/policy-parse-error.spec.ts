import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyParseError } from './policy-parse-error.js';

describe(PolicyParseError.name, () => {
  it('computes line, column and pointer for a multi-line rule', () => {
    const sut = new PolicyParseError('unexpected', 'mean(x)\n  <= p100(y)', 13);
    assert.deepEqual([sut.line, sut.column, sut.pointer], [2, 6, '  <= p100(y)\n     ^']);
  });

  it('puts an error at the very start of a rule that begins with a newline on line 1', () => {
    const sut = new PolicyParseError('unexpected', '\nmean(x) < 1', 0);
    assert.deepEqual([sut.line, sut.column, sut.pointer], [1, 1, '\n^']);
  });

  it('keeps tabs in the caret line so that the caret lines up', () => {
    const sut = new PolicyParseError('unexpected', '\tmean(x) <== 1', 9);
    assert.equal(sut.pointer, '\tmean(x) <== 1\n\t        ^');
  });

  it('cuts a long rule around the offending column', () => {
    const rule = `${'a'.repeat(500)}X${'b'.repeat(500)}`;
    const sut = new PolicyParseError('unexpected', rule, 500);
    const [line, caret] = sut.pointer.split('\n');
    assert.equal(line, `…${'a'.repeat(60)}X${'b'.repeat(59)}…`);
    assert.equal(line![caret!.length - 1], 'X');
  });

  it('points past the end when the rule ended too early', () => {
    const sut = new PolicyParseError('expected more', 'mean(x) <', 9);
    assert.deepEqual([sut.column, sut.pointer], [10, 'mean(x) <\n         ^']);
  });

  it('includes the column and the pointer in its string form', () => {
    const sut = new PolicyParseError("unknown operator '<=='", 'p95(x) <== 1', 7);
    assert.equal(sut.toString(), "PolicyParseError: unknown operator '<==' (line 1, column 8)\np95(x) <== 1\n       ^");
  });
});
