import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tieringReportFixture } from '@assay/reports';
import { parseTieringArgs } from './tiering.command.js';
import { tieringTable } from './tiering-table.js';

describe(tieringTable.name, () => {
  const report = tieringReportFixture('p1');
  const sut = tieringTable(report);

  it('prints a row per journey with its calls, spend and models, then its verdicts with their sentences', () => {
    const faq = sut.findIndex((l) => l.startsWith('faq '));
    // 10,000 × $0.01 + 500 × $0.001 = $100.5, shown to three digits.
    assert.match(sut[faq]!, /^faq\s+10,500\s+\$101\s+gpt-4o, gpt-4o-mini$/);
    assert.match(sut[faq + 1]!, /^ {2}switch {7}faq: gpt-4o-mini is within 0\.02 of gpt-4o on quality/);
    assert.ok(sut.some((l) => /^ {2}keep {9}legal <review>: keep gpt-4o: claude-haiku is worse on eval\.helpful\.score/.test(l)));
    assert.ok(sut.some((l) => /^ {2}insufficient {1}rare: not enough evidence/.test(l)));
    assert.ok(sut.some((l) => /^ {2}trial {8}solo: send 10% of solo to gpt-4o-mini/.test(l)));
  });

  it('ends with the providers’ shares of spend and the HHI', () => {
    assert.match(sut.at(-1)!, /^providers by spend: openai \d+(\.\d+)?%, anthropic \d+(\.\d+)?%; HHI 0\.\d+$/);
  });
});

describe(parseTieringArgs.name, () => {
  const env = { ASSAY_URL: 'http://a', ASSAY_KEY: 'k' };

  it('leaves the window to the server unless given, and reads --flag=value', () => {
    assert.deepEqual(parseTieringArgs([], env), { url: 'http://a', key: 'k', from: null, to: null, margin: null, alpha: null, json: false });
    assert.equal(parseTieringArgs(['--from=2026-11-01', '--json'], env).from, '2026-11-01T00:00:00.000Z');
  });

  it('refuses a date that is not ISO 8601, an unknown flag and a margin that is not a number', () => {
    assert.throws(() => parseTieringArgs(['--from', 'yesterday'], env), /--from must be an ISO 8601 date/);
    assert.throws(() => parseTieringArgs(['--frm', '2026-11-01'], env), /unknown argument --frm/);
    assert.throws(() => parseTieringArgs(['--margin', 'x'], env), /--margin must be a number/);
    assert.throws(() => parseTieringArgs([], {}), /give --url or ASSAY_URL/);
  });
});
