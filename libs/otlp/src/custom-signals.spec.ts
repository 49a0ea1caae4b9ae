import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileContentSignals,
  compileCustomSignals,
  CustomSignalBudget,
  InvalidCustomSignalError,
  validateCustomSignal,
  type CustomSignalSpec,
} from './custom-signals.js';
import { extractInferences } from './extract-inferences.js';
import type { InferenceRecord } from './inference-record.js';
import { CHAT_ATTRIBUTES, event, requestOf, span } from './test-support/spans.js';

function record(overrides: Partial<InferenceRecord> = {}): InferenceRecord {
  const chat = span({
    attributes: { ...CHAT_ATTRIBUTES, 'app.tenant': 'acme', 'app.retries': '2', 'app.cached': true },
    events: [event('guardrail', { 'guardrail.action': 'block', 'guardrail.score': 0.97 })],
  });
  const [inference] = extractInferences(requestOf([chat], { 'service.name': 'svc', 'cloud.region': 'eu-west-1' })).inferences;
  return { ...inference, ...overrides };
}

function rejects(spec: unknown, reason: RegExp): void {
  assert.throws(
    () => validateCustomSignal(spec as CustomSignalSpec),
    (error: unknown) => error instanceof InvalidCustomSignalError && reason.test(error.message),
  );
}

describe(compileCustomSignals.name, () => {
  it('reads span, resource and event attributes', () => {
    const signals = compileCustomSignals([
      { name: 'tenant', kind: 'categorical', source: { type: 'span_attribute', key: 'app.tenant' } },
      { name: 'region', kind: 'categorical', source: { type: 'resource_attribute', key: 'cloud.region' } },
      { name: 'guardrail_action', kind: 'categorical', source: { type: 'event_attribute', event: 'guardrail', key: 'guardrail.action' } },
      { name: 'guardrail_score', kind: 'numeric', source: { type: 'event_attribute', event: 'guardrail', key: 'guardrail.score' } },
    ]);
    assert.deepEqual(signals(record()), { tenant: 'acme', region: 'eu-west-1', guardrail_action: 'block', guardrail_score: 0.97 });
  });

  it('coerces numeric strings and booleans to numbers for numeric signals', () => {
    const signals = compileCustomSignals([
      { name: 'retries', kind: 'numeric', source: { type: 'span_attribute', key: 'app.retries' } },
      { name: 'cached', kind: 'numeric', source: { type: 'span_attribute', key: 'app.cached' } },
    ]);
    assert.deepEqual(signals(record()), { retries: 2, cached: 1 });
  });

  it('leaves out a numeric signal whose attribute is not a number', () => {
    const signals = compileCustomSignals([{ name: 'tenant_number', kind: 'numeric', source: { type: 'span_attribute', key: 'app.tenant' } }]);
    assert.deepEqual(signals(record()), {});
  });

  it('leaves out signals whose attribute is missing', () => {
    const signals = compileCustomSignals([{ name: 'missing', kind: 'categorical', source: { type: 'span_attribute', key: 'nope' } }]);
    assert.deepEqual(signals(record()), {});
  });

  it('matches a regular expression on the output text, as 1/0 or "true"/"false"', () => {
    const signals = compileCustomSignals([
      { name: 'has_phone', kind: 'numeric', source: { type: 'regex_match', pattern: '\\b\\d{3}-\\d{4}\\b', target: 'output_text' } },
      { name: 'mentions_refund', kind: 'categorical', source: { type: 'regex_match', pattern: 'REFUND', flags: 'i', target: 'input_text' } },
    ]);
    assert.deepEqual(signals(record({ outputText: 'Call 555-0100 today', inputText: 'no' })), { has_phone: 1, mentions_refund: 'false' });
  });

  it('gives no regex signal when the content was not captured', () => {
    const signals = compileCustomSignals([{ name: 'pii', kind: 'numeric', source: { type: 'regex_match', pattern: '@', target: 'output_text' } }]);
    assert.deepEqual(signals(record({ outputText: null })), {});
  });

  it('measures the output length in characters', () => {
    const signals = compileCustomSignals([{ name: 'answer_length', kind: 'numeric', source: { type: 'output_length' } }]);
    assert.deepEqual(signals(record({ outputText: 'héllo' })), { answer_length: 5 });
  });

  it('leaves out, and counts, the regex signals left once the request has spent its regex time', () => {
    const signals = compileCustomSignals([
      { name: 'slow', kind: 'numeric', source: { type: 'regex_match', pattern: '(a|aa){1,1000}$', target: 'output_text' } },
      { name: 'fast', kind: 'numeric', source: { type: 'regex_match', pattern: 'b', target: 'output_text' } },
      { name: 'answer_length', kind: 'numeric', source: { type: 'output_length' } },
    ]);
    const budget = new CustomSignalBudget(20);
    assert.deepEqual(signals(record({ outputText: 'a'.repeat(100_000) }), budget), { answer_length: 100_000 });
    assert.deepEqual(budget.skipped, { budget: 2, unsupported_pattern: 0 });
    assert.deepEqual(signals(record({ outputText: 'ab' }), budget), { answer_length: 2 });
    assert.deepEqual(budget.skipped, { budget: 4, unsupported_pattern: 0 });
  });

  it('skips and counts a stored pattern the regex engine refuses, computing the others', () => {
    const signals = compileCustomSignals([
      { name: 'repeated_word', kind: 'numeric', source: { type: 'regex_match', pattern: '\\b(\\w+) \\1\\b', target: 'output_text' } },
      { name: 'before_dot', kind: 'numeric', source: { type: 'regex_match', pattern: 'a(?=\\.)', target: 'output_text' } },
      { name: 'has_a', kind: 'numeric', source: { type: 'regex_match', pattern: 'a', target: 'output_text' } },
    ]);
    const budget = new CustomSignalBudget();
    assert.deepEqual(signals(record({ outputText: 'a a.' }), budget), { has_a: 1 });
    assert.deepEqual(budget.skipped, { budget: 0, unsupported_pattern: 2 });
  });

  it('refuses two signals of the same name', () => {
    const spec: CustomSignalSpec = { name: 'tenant', kind: 'categorical', source: { type: 'span_attribute', key: 'a' } };
    assert.throws(() => compileCustomSignals([spec, spec]), /custom signal "tenant": defined twice/);
  });
});

describe(validateCustomSignal.name, () => {
  it('accepts a well-formed spec', () => {
    assert.doesNotThrow(() => validateCustomSignal({ name: 'pii.email', kind: 'numeric', source: { type: 'regex_match', pattern: '[\\w.]+@[\\w.]+', target: 'output_text' } }));
  });

  it('refuses a malformed name', () => {
    rejects({ name: 'Bad Name', kind: 'numeric', source: { type: 'output_length' } }, /name must be/);
  });

  it('refuses built-in names', () => {
    rejects({ name: 'latency_ms', kind: 'numeric', source: { type: 'output_length' } }, /taken by a built-in signal/);
  });

  it('refuses names in the eval. namespace', () => {
    rejects({ name: 'eval.mine.score', kind: 'numeric', source: { type: 'output_length' } }, /taken by a built-in signal/);
  });

  it('refuses an unknown kind', () => {
    rejects({ name: 'x', kind: 'ordinal', source: { type: 'output_length' } }, /kind must be/);
  });

  it('refuses an unknown source type', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'sql' } }, /source.type must be/);
  });

  it('refuses an empty attribute key', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'span_attribute', key: '' } }, /source.key must be/);
  });

  it('refuses a categorical output length', () => {
    rejects({ name: 'x', kind: 'categorical', source: { type: 'output_length' } }, /output_length signal is numeric/);
  });

  it('refuses an invalid regular expression', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: '(', target: 'output_text' } }, /^custom signal "x": source\.pattern is refused: not a pattern RE2 accepts: missing closing \): `\(`$/);
  });

  it('refuses backreferences and lookaround, naming them', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: '(\\w+) \\1', target: 'output_text' } }, /^custom signal "x": source\.pattern is refused: backreferences \(\\1\) are not supported: /);
    rejects({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: 'a(?!b)', target: 'output_text' } }, /source\.pattern is refused: lookahead \(\(\?!…\)\) is not supported: /);
  });

  it('tells the size of the program a pattern compiles to', () => {
    assert.deepEqual(validateCustomSignal({ name: 'x', kind: 'numeric', source: { type: 'output_length' } }), { regexProgramSize: 0 });
    const { regexProgramSize } = validateCustomSignal({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: '(a|aa){1,1000}', target: 'output_text' } });
    assert.ok(regexProgramSize > 5000 && regexProgramSize <= 10_000, String(regexProgramSize));
  });

  it('refuses a pattern that is too long', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: 'a'.repeat(257), target: 'output_text' } }, /at most 256/);
  });

  it('refuses the stateful g and y flags', () => {
    rejects({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern: 'a', flags: 'g', target: 'output_text' } }, /flags may only/);
  });

  it('accepts nested quantifiers, which RE2 matches in linear time', () => {
    for (const pattern of ['^(a+)+$', '^(a|aa){1,60}$', 'a*a*a*a*a*a*b', '(\\w*)*b']) {
      assert.doesNotThrow(() => validateCustomSignal({ name: 'x', kind: 'numeric', source: { type: 'regex_match', pattern, target: 'output_text' } }));
    }
  });
});

describe(compileContentSignals.name, () => {
  const specs: CustomSignalSpec[] = [
    { name: 'tenant', kind: 'categorical', source: { type: 'span_attribute', key: 'app.tenant' } },
    { name: 'refusal', kind: 'numeric', source: { type: 'regex_match', pattern: "can't help", flags: 'i', target: 'output_text' } },
    { name: 'asks', kind: 'numeric', source: { type: 'regex_match', pattern: '\\?$', target: 'input_text' } },
    { name: 'answer_length', kind: 'numeric', source: { type: 'output_length' } },
  ];

  it('computes only the signals that text alone decides, from text carried apart from the span', () => {
    const compute = compileContentSignals(specs)!;
    assert.deepEqual(compute({ outputText: "Sorry, I CAN'T HELP 😀", inputText: 'Why?' }), { refusal: 1, asks: 1, answer_length: 21 });
    assert.deepEqual(compute({ outputText: null, inputText: 'Tell me.' }), { asks: 0 });
  });

  it('is null for a model without content-derived signals', () => {
    assert.equal(compileContentSignals([specs[0]]), null);
    assert.equal(compileContentSignals([]), null);
  });
});
