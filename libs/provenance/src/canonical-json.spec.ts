import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanonicalizationError, canonicalBytes, canonicalize } from './canonical-json.js';

// RFC 8785 §3.2.2: the sample input, as JSON.parse gives it.
const rfcSample: unknown = JSON.parse(
  String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`,
);
const rfcSampleCanonical = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;

// RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialisation.
const appendixB: ReadonlyArray<readonly [string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

describe(canonicalize.name, () => {
  it('serialises the RFC 8785 §3.2.2 sample exactly as §3.2.3 shows', () => {
    assert.equal(canonicalize(rfcSample), rfcSampleCanonical);
  });

  it('orders keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const sut = canonicalize({
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    });
    assert.equal(
      sut,
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  for (const [bits, expected] of appendixB) {
    it(`writes the double ${bits} as ${expected} (RFC 8785 Appendix B)`, () => {
      const value = Buffer.from(bits, 'hex').readDoubleBE(0);
      assert.equal(canonicalize(value), expected);
    });
  }

  it('refuses NaN (RFC 8785 Appendix B 7fffffffffffffff)', () => {
    assert.throws(() => canonicalize(Buffer.from('7fffffffffffffff', 'hex').readDoubleBE(0)), CanonicalizationError);
  });

  it('refuses Infinity (RFC 8785 Appendix B 7ff0000000000000)', () => {
    assert.throws(() => canonicalize(Infinity), /Infinity is not a JSON number/);
  });

  it('refuses undefined at the top level', () => {
    assert.throws(() => canonicalize(undefined), /cannot canonicalize \$: undefined is not a JSON value/);
  });

  it('names the path of a refused nested value', () => {
    assert.throws(() => canonicalize({ a: [1, { b: NaN }] }), /cannot canonicalize \$\.a\[1\]\.b: NaN/);
  });

  it('refuses undefined as an array element, where JSON.stringify would write null', () => {
    assert.throws(() => canonicalize([1, undefined]), /\$\[1\]/);
  });

  it('leaves out object members whose value is undefined, as JSON.stringify does', () => {
    assert.equal(canonicalize({ b: 1, a: undefined }), '{"b":1}');
  });

  it('refuses bigint', () => {
    assert.throws(() => canonicalize({ n: 1n }), /bigint/);
  });

  it('refuses a lone surrogate in a string', () => {
    assert.throws(() => canonicalize('\ud800x'), /lone surrogate/);
  });

  it('refuses a lone surrogate in a key', () => {
    assert.throws(() => canonicalize({ '\udc00': 1 }), /lone surrogate/);
  });

  it('refuses a Map, which JSON.stringify would silently write as {}', () => {
    assert.throws(() => canonicalize(new Map([['a', 1]])), /Map is not a plain JSON object/);
  });

  it('refuses a cycle', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => canonicalize(loop), /cycle/);
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    assert.equal(canonicalize([shared, shared]), '[{"x":1},{"x":1}]');
  });

  it('writes a Date through its toJSON, as JSON.stringify does', () => {
    assert.equal(canonicalize({ at: new Date(Date.UTC(2026, 0, 2)) }), '{"at":"2026-01-02T00:00:00.000Z"}');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.z = true;
    bare.a = null;
    assert.equal(canonicalize(bare), '{"a":null,"z":true}');
  });

  it('gives the same text for a value and the value after a JSON round trip', () => {
    const value = { when: new Date(0), tags: ['b', 'a'], nested: { y: 2.5, x: -0, skipped: undefined } };
    assert.equal(canonicalize(JSON.parse(JSON.stringify(value))), canonicalize(value));
  });
});

describe(canonicalBytes.name, () => {
  it('encodes the canonical text as UTF-8 (RFC 8785 §3.2.4)', () => {
    const sut = Buffer.from(canonicalBytes(rfcSample)).toString('hex');
    // "string":"€$ — the euro sign is the three bytes e2 82 ac.
    assert.ok(sut.includes('22737472696e67223a22e282ac24'));
    assert.equal(sut.length / 2, 118);
  });

  it('returns a plain Uint8Array', () => {
    assert.equal(Object.getPrototypeOf(canonicalBytes({})), Uint8Array.prototype);
  });
});
