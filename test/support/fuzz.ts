import { seededRandom } from '@assay/cli';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NASTY_STRINGS = [
  '', ' ', '\u0000', '\ud800', '💥', 'a'.repeat(10_000), '../../etc/passwd', "'; DROP TABLE projects; --", '{{7*7}}',
  '<script>alert(1)</script>', '__proto__', 'constructor', 'NaN', '-1', '1e309', '2026-13-45T99:99:99Z', 'null', 'true',
  '00000000-0000-0000-0000-000000000000', 'p95(latency_ms) <= ', 'rate(', 'auto', 'ks', 'v1', 'http://169.254.169.254/',
];
const NASTY_NUMBERS = [0, -1, 1, 0.5, -0.0, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308, 123456789.123456789];

/** Characters PostgreSQL text or jsonb refuse: NUL and lone surrogates (which JSON carries as `\\ud800` escapes). */
export const UNSAFE_CHARACTERS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff'] as const;

/** Seeded generator of hostile JSON: random values, and mutations of a valid body. */
export class JsonFuzzer {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  value(depth = 0): Json {
    const roll = this.int(depth > 3 ? 5 : 8);
    switch (roll) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick(NASTY_NUMBERS);
      case 3:
        return this.pick(NASTY_STRINGS);
      case 4:
        return (this.random() * 2000 - 1000) | 0;
      case 5:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      default: {
        const object: { [key: string]: Json } = {};
        for (let i = this.int(5); i > 0; i--) object[this.pick([...NASTY_STRINGS.slice(0, 14), 'name', 'id', 'rule', 'window'])] = this.value(depth + 1);
        return object;
      }
    }
  }

  deep(levels: number): Json {
    let value: Json = 1;
    for (let i = 0; i < levels; i++) value = this.random() < 0.5 ? [value] : { a: value };
    return value;
  }

  mutate(body: Json): Json {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return this.value();
    const copy: { [key: string]: Json } = { ...body };
    const keys = Object.keys(copy);
    switch (this.int(5)) {
      case 0:
        if (keys.length > 0) delete copy[this.pick(keys)];
        break;
      case 1:
        copy[this.pick(NASTY_STRINGS.slice(0, 14))] = this.value(1);
        break;
      case 2:
        if (keys.length > 0) copy[this.pick(keys)] = this.value(1);
        break;
      case 3:
        if (keys.length > 0) copy[this.pick(keys)] = this.deep(200 + this.int(300));
        break;
      default:
        for (const key of keys) if (this.random() < 0.5) copy[key] = this.mutate(copy[key] as Json);
    }
    return copy;
  }

  /** `text` with one of `characters` put at its start, its end, in its middle, or in place of it all. */
  spoil(text: string, characters: readonly string[] = UNSAFE_CHARACTERS): string {
    const bad = this.pick(characters);
    const at = this.int(text.length + 1);
    switch (this.int(4)) {
      case 0:
        return bad + text;
      case 1:
        return text + bad;
      case 2:
        return text.slice(0, at) + bad + text.slice(at);
      default:
        return bad;
    }
  }

  /**
   * A copy of `value` in which each string, and each object key, is spoilt with probability `rate`;
   * with `only`, just the strings under those keys (and the values of `key` fields) are.
   */
  spoilStrings(value: Json, rate: number, characters: readonly string[] = UNSAFE_CHARACTERS, only?: ReadonlySet<string>, under = ''): Json {
    if (typeof value === 'string') return (only === undefined || only.has(under)) && this.random() < rate ? this.spoil(value, characters) : value;
    if (Array.isArray(value)) return value.map((item) => this.spoilStrings(item, rate, characters, only, under));
    if (value === null || typeof value !== 'object') return value;
    const copy: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      const name = only === undefined && this.random() < rate ? this.spoil(key, characters) : key;
      copy[name] = this.spoilStrings(item, rate, characters, only, key);
    }
    return copy;
  }

  rawBody(): string {
    const options = ['{', '[', '{"a":', 'null', '"', '{"name": "x"', '\u0000\u0001', '{"a":1}garbage', '{'.repeat(5000), ''];
    return this.pick(options);
  }
}
