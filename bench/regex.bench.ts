// regex_match signals on RE2 (re2js) against JavaScript's RegExp, single thread:
//   npm run bench:regex   (node dist/bench/regex.bench.js)
// Benign patterns over typical model outputs, with RegExp as the baseline measured in the same run;
// then the worst pathological cases, on RE2 alone under the per-request budget (RegExp would not
// finish them), and one request's worth of them through the custom signals.
import { CustomSignalBudget, REGEX_BUDGET_MS, compileCustomSignals, compileLinearRegex, type CustomSignalSpec } from '@assay/otlp';

const TARGET_MS = 1000;

const OUTPUTS = [
  "I'm sorry, but I can't help with that request. If you have questions about our refund policy, the window is thirty days from delivery.",
  'Sure! Here is a summary of the ticket: the customer (jane.doe@example.com, +1 555-0100) reports that order #48213 arrived damaged. '.repeat(4),
  'The refund window is thirty days from delivery. '.repeat(40),
  JSON.stringify({ answer: 'Paris', confidence: 0.93, sources: ['https://en.wikipedia.org/wiki/Paris'] }),
  'Step 1: open Settings.\nStep 2: choose Billing.\nStep 3: select "Download invoice".\n'.repeat(10),
];
const OUTPUT_CHARS = OUTPUTS.reduce((n, o) => n + o.length, 0);

const BENIGN: Array<[string, string]> = [
  ['\\b\\d{3}-\\d{2}-\\d{4}\\b', ''],
  ['[\\w.+-]+@[\\w-]+\\.[\\w.]+', ''],
  ["(?:i'm sorry|i can't help|as an ai)", 'i'],
  ['^\\s*\\{.*\\}\\s*$', 's'],
  ['^Step \\d+:', 'm'],
  ['\\+?\\d[\\d -]{7,}\\d', ''],
  ['https?://[^\\s"]+', ''],
  ['\\b(?:refund|return|exchange)s?\\b', 'i'],
];

function perSecond(run: () => void): number {
  for (let i = 0; i < 50; i++) run();
  let iterations = 0;
  const start = performance.now();
  while (performance.now() - start < TARGET_MS) {
    run();
    iterations++;
  }
  return iterations / ((performance.now() - start) / 1000);
}

console.log(`benign patterns over ${OUTPUTS.length} typical outputs (${OUTPUT_CHARS} characters), matches per second:`);
console.log(`${'pattern'.padEnd(44)} ${'RegExp'.padStart(12)} ${'RE2 (re2js)'.padStart(12)} ${'ratio'.padStart(7)}`);
for (const [pattern, flags] of BENIGN) {
  const baseline = new RegExp(pattern, flags);
  const linear = compileLinearRegex(pattern, flags);
  const deadline = (): number => performance.now() + REGEX_BUDGET_MS;
  for (const output of OUTPUTS) if (baseline.test(output) !== linear.test(output)) throw new Error(`/${pattern}/${flags} disagrees on ${JSON.stringify(output.slice(0, 40))}`);
  const js = perSecond(() => OUTPUTS.forEach((o) => baseline.test(o))) * OUTPUTS.length;
  const re2 = perSecond(() => OUTPUTS.forEach((o) => linear.test(o, deadline()))) * OUTPUTS.length;
  console.log(`${`/${pattern}/${flags}`.padEnd(44)} ${Math.round(js).toLocaleString('en-US').padStart(12)} ${Math.round(re2).toLocaleString('en-US').padStart(12)} ${(js / re2).toFixed(1).padStart(6)}x`);
}

console.log(`\nworst cases on RE2, one match each with a ${REGEX_BUDGET_MS} ms deadline (RegExp: exponential or polynomial, not run):`);
const WORST: Array<[string, string]> = [
  ['^(a|aa){1,60}$', 'a'.repeat(44)],
  ['a*a*a*a*a*a*b', 'a'.repeat(200)],
  ['a*a*a*a*a*a*b', 'a'.repeat(100_000)],
  ['(a|aa){1,1000}$', 'a'.repeat(10_000)],
  ['(a|aa){1,1000}$', 'a'.repeat(100_000)],
  ['[ab]*a[ab]{20}$', 'ab'.repeat(50_000)],
  ['(\\w+\\s?)+$', `${'word '.repeat(20_000)}!`],
];
for (const [pattern, text] of WORST) {
  const regex = compileLinearRegex(pattern);
  const started = performance.now();
  const matched = regex.test(text, started + REGEX_BUDGET_MS);
  const ms = performance.now() - started;
  console.log(`${`/${pattern}/ on ${text.length} chars`.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${matched === null ? 'deadline: skipped' : `matched ${matched}`}  (program ${regex.programSize} instructions)`);
}

const hostile: CustomSignalSpec[] = WORST.map(([pattern], i) => ({ name: `worst_${i}`, kind: 'numeric', source: { type: 'regex_match', pattern, target: 'output_text' } }));
const signals = compileCustomSignals(hostile);
const spans = Array.from({ length: 20 }, (_, i) => ({ spanAttributes: {}, resourceAttributes: {}, events: [], outputText: 'a'.repeat(i % 2 === 0 ? 100_000 : 10_000), inputText: null }));
const budget = new CustomSignalBudget();
const started = performance.now();
for (const span of spans) signals(span, budget);
console.log(
  `\none request of ${spans.length} spans × ${hostile.length} worst-case signals: ${(performance.now() - started).toFixed(1)} ms of regex work ` +
    `(budget ${REGEX_BUDGET_MS} ms); ${budget.skipped.budget} of ${spans.length * hostile.length} values skipped`,
);
