import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLinearRegex, linearRegexProblem, MAX_REGEX_PROGRAM_SIZE, UnsupportedRegexError } from './linear-regex.js';

function refuses(pattern: string, flags: string, reason: RegExp): void {
  assert.throws(() => compileLinearRegex(pattern, flags), (error: unknown) => error instanceof UnsupportedRegexError && reason.test(error.message));
}

const TEXTS = [
  '',
  'Call 555-0100 or 555-0199 today.',
  "Sorry, I can't help with that.",
  'first line\nsecond line\r\nthird',
  'ÉCOLE école Straße ΣΊΣΥΦΟΣ σίσυφος',
  'mail me: Jane.Doe+tag@example.co.uk, not jane@',
  'SSN 123-45-6789 and 12-345-6789',
  '{"role":"assistant","content":"ok"} 😀 done',
  'aaaaaaaaaaaaaaab',
];

describe(compileLinearRegex.name, () => {
  describe('answers as JavaScript RegExp does on patterns both accept', () => {
    const cases: Array<[string, string]> = [
      ['\\b\\d{3}-\\d{2}-\\d{4}\\b', ''],
      ['\\d{3}-\\d{4}', ''],
      ["can't help", 'i'],
      ['SORRY', 'i'],
      ['^second', ''],
      ['^second', 'm'],
      ['line$', 'm'],
      ['line$', ''],
      ['first.*third', ''],
      ['first.*third', 's'],
      ['[\\w.+-]+@[\\w-]+\\.[\\w.]+', ''],
      ['^(a|aa){1,60}$', ''],
      ['a*a*a*a*a*a*b', ''],
      ['(a+)+$', ''],
      ['"role":\\s*"(assistant|user)"', ''],
      ['straße', 'iu'],
      ['école', 'i'],
      ['😀', 'u'],
      ['(?:sorry|apolog(?:y|ise|ize))', 'i'],
      ['\\u00e9cole', ''],
      ['^$', ''],
      ['[^a-z\\s]{3,}', ''],
      ['(?<word>d\\w+)', ''],
    ];
    for (const [pattern, flags] of cases) {
      it(`/${pattern}/${flags}`, () => {
        const sut = compileLinearRegex(pattern, flags);
        const reference = new RegExp(pattern, flags);
        for (const text of TEXTS) assert.equal(sut.test(text), reference.test(text), JSON.stringify(text));
      });
    }
  });

  it('maps the flags i, m and s, and takes u (RE2 always matches code points)', () => {
    assert.equal(compileLinearRegex('abc').test('xABC'), false);
    assert.equal(compileLinearRegex('abc', 'i').test('xABC'), true);
    assert.equal(compileLinearRegex('^b').test('a\nb'), false);
    assert.equal(compileLinearRegex('^b', 'm').test('a\nb'), true);
    assert.equal(compileLinearRegex('a.b').test('a\nb'), false);
    assert.equal(compileLinearRegex('a.b', 's').test('a\nb'), true);
    assert.equal(compileLinearRegex('^.$', 'u').test('😀'), true);
    assert.equal(compileLinearRegex('\\u{1F600}', 'u').test('😀'), true);
  });

  it('refuses flags other than i, m, s and u, and a flag given twice', () => {
    for (const flag of ['g', 'y', 'd', 'v', 'x']) refuses('a', flag, new RegExp(`^flag "${flag}" is not supported: only i, m, s and u$`));
    refuses('a', 'ii', /^flag "i" is given twice$/);
  });

  it('refuses backreferences and lookaround, naming the construct', () => {
    refuses('(\\w+) \\1', '', /^backreferences \(\\1\) are not supported: patterns run on RE2, which matches in linear time and has no such construct$/);
    refuses('(?<w>\\w+) \\k<w>', '', /^named backreferences \(\\k<name>\) are not supported: /);
    refuses('a(?=b)', '', /^lookahead \(\(\?=…\)\) is not supported: /);
    refuses('a(?!b)', '', /^lookahead \(\(\?!…\)\) is not supported: /);
    refuses('(?<=a)b', '', /^lookbehind \(\(\?<=…\)\) is not supported: /);
    refuses('(?<!a)b', '', /^lookbehind \(\(\?<!…\)\) is not supported: /);
  });

  it('does not mistake the same characters in a class or escaped for those constructs', () => {
    for (const pattern of ['[(?=]', '[(?<!]', '\\(?=', '[]\\1]', '\\\\1']) assert.equal(linearRegexProblem(pattern), pattern === '[]\\1]' ? 'not a pattern RE2 accepts: invalid escape sequence: `\\1`' : null, pattern);
  });

  it('refuses counts above 1000, nested counts whose product is above 1000, and programs that are too large', () => {
    refuses('a{1001}', '', /^invalid repeat count: `\{1001\}`: a count is at most 1000, and nested counts multiply/);
    refuses('(a{1,100}){1,100}', '', /^invalid repeat count: /);
    refuses('(?i)(abc|def|ghi){1,1000}', '', new RegExp(`^the pattern is too large \\(14001 instructions, at most ${MAX_REGEX_PROGRAM_SIZE}\\): counted repeats multiply its size$`));
  });

  it('says why a pattern is not valid', () => {
    refuses('(', '', /^not a pattern RE2 accepts: missing closing \): `\(`$/);
    refuses('[z-a]', '', /^not a pattern RE2 accepts: invalid character class range: `z-a`$/);
  });

  it('gives up at the deadline and answers later matches correctly', () => {
    const sut = compileLinearRegex('(a|aa){1,1000}$');
    const text = 'a'.repeat(100_000);
    assert.equal(sut.test(text, performance.now() + 10), null);
    assert.equal(sut.test(text, performance.now() - 1), null);
    assert.equal(sut.test('a'.repeat(50)), true);
    assert.equal(sut.test('b'), false);
  });

  it('answers correctly where the DFA would need more states than its memory allows', () => {
    let seed = 7;
    const text = Array.from({ length: 20_000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 1 ? 'a' : 'b')).join('');
    for (const pattern of ['[ab]*a[ab]{20}$', 'a[ab]{18}b[ab]{3}c', 'a[ab]{15}b$']) {
      assert.equal(compileLinearRegex(pattern).test(text), new RegExp(pattern).test(text), pattern);
    }
  });

  it('compiles a pattern once for every catalog that names it', () => {
    assert.equal(compileLinearRegex('cache[d]?', 'i'), compileLinearRegex('cache[d]?', 'i'));
    assert.notEqual(compileLinearRegex('cache[d]?', 'i'), compileLinearRegex('cache[d]?', ''));
  });
});
