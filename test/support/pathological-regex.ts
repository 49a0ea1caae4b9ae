import { randomBytes } from 'node:crypto';
import { seededRandom } from '@assay/cli';

/** The patterns of issue 17 that froze the ingest when it ran them on a backtracking engine. */
export const ISSUE_REDOS_PATTERNS = ['^(a|aa){1,60}$', 'a*a*a*a*a*a*b'] as const;

/** Outputs that make a backtracking engine, or a linear one with a large constant, work hardest on the patterns below. */
export const ADVERSARIAL_OUTPUTS: readonly string[] = [
  'a'.repeat(43),
  'a'.repeat(200),
  'a'.repeat(10_000),
  `${'a'.repeat(9_999)}!`,
  'ab'.repeat(5_000),
  'a'.repeat(100_000),
];

/** The reasons a refused pattern's 400 gives, one of which must name why. */
export const REGEX_REFUSAL =
  /source\.pattern (must be a non-empty string of at most 256 characters|is refused: (backreferences \(\\[1-9]\) are|named backreferences \(\\k<name>\) are|lookahead \(\(\?[=!]…\)\) is|lookbehind \(\(\?<[=!]…\)\) is) not supported|is refused: invalid repeat count|is refused: the pattern is too large|is refused: not a pattern RE2 accepts)|compile to more than \d+ instructions together/;

const ATOMS = ['a', 'aa', '\\w', '.', '[ab]', '[a-z]', '\\S', 'a?', '(?:a|b)', '\\pL'];
const QUANTIFIERS = ['+', '*', '{1,}', '{2,}', '{1,60}', '{0,100}', '{1,1000}', '?'];
const TAILS = ['$', 'b', '!', '', '\\d', '$|z'];
const WORDS = ['sorry', 'cannot', 'unable', 'apolog', 'refuse', 'policy', 'ai', 'assistant', 'a', 'aa', 'aaa', 'harm', 'illegal', 'guideline'];
const UNSUPPORTED = ['(a+)\\1', '(?=(a+))+b', '(?<=a+)b', '(a|aa)+(?!b)', '(?<x>a+)\\k<x>', '(?<!a)a*$'];

/**
 * Seeded patterns of the shapes that make backtracking engines exponential, or a linear engine slow:
 * nested quantifiers, overlapping alternations, large counted repeats, long alternations, stacked
 * stars; and some RE2 cannot run (backreferences, lookaround) or that are too long or too large.
 */
export function pathologicalPatterns(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const alternation = (n: number): string => Array.from({ length: n }, () => pick(ATOMS)).join('|');
  const shapes: Array<() => string> = [
    () => `(${pick(ATOMS)}${pick(QUANTIFIERS)})${pick(QUANTIFIERS)}${pick(TAILS)}`,
    () => `((${pick(ATOMS)}${pick(QUANTIFIERS)})${pick(QUANTIFIERS)})${pick(QUANTIFIERS)}${pick(TAILS)}`,
    () => `^(${alternation(2 + int(4))})${pick(QUANTIFIERS)}${pick(TAILS)}`,
    () => `(${alternation(2 + int(3))}){1,${1 + int(1000)}}${pick(TAILS)}`,
    () => `[ab]*a[ab]{${5 + int(60)}}${pick(TAILS)}`,
    () => `(.{1,1000}){${1 + int(3)}}${pick(TAILS)}`,
    () => `(a?){${10 + int(40)}}a{${10 + int(40)}}`,
    () => `${`${pick(ATOMS)}*`.repeat(3 + int(20))}${pick(TAILS)}`,
    () => {
      let words = '';
      while (words.length < 200 + int(60)) words += `${words ? '|' : ''}${pick(WORDS)}${pick(['', '\\w*', 's?', '.*'])}`;
      return `${pick(['(?i)\\b', '^', ''])}(${words})${pick(['+', '{1,100}', '\\b', '*$'])}`;
    },
    () => pick(UNSUPPORTED),
    () => `${pick(ATOMS)}{${900 + int(200)}}`,
    () => `(${pick(ATOMS)}{1,${10 + int(90)}}){1,${10 + int(90)}}`,
  ];
  return Array.from({ length: count }, (_, i) => {
    if (i < ISSUE_REDOS_PATTERNS.length) return ISSUE_REDOS_PATTERNS[i];
    const pattern = pick(shapes)();
    return int(10) === 0 ? pattern + pick(shapes)() : pattern;
  });
}

/** An OTLP/JSON request of chat spans for `model`, one per output, each carrying its output as GenAI output messages. */
export function otlpOutputsRequest(model: string, outputs: readonly string[]): { body: string; spanIds: string[] } {
  const traceId = randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const spanIds = outputs.map(() => randomBytes(8).toString('hex'));
  const spans = outputs.map((output, i) => ({
    traceId,
    spanId: spanIds[i],
    name: `chat ${model}`,
    kind: 3,
    startTimeUnixNano: String(now - 50_000_000n - BigInt(i) * 1000n),
    endTimeUnixNano: String(now - BigInt(i) * 1000n),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
      { key: 'gen_ai.request.model', value: { stringValue: model } },
      { key: 'gen_ai.output.messages', value: { stringValue: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: output }], finish_reason: 'stop' }]) } },
    ],
  }));
  return {
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'redos-app' } }] }, scopeSpans: [{ spans }] }] }),
    spanIds,
  };
}
