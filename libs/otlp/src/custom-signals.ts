import { ownAttribute } from './attribute-readers.js';
import { BUILT_IN_SIGNAL_NAMES, codePointLength, type SignalValues } from './built-in-signals.js';
import type { InferenceRecord } from './inference-record.js';
import { compileLinearRegex, UnsupportedRegexError, type LinearRegex } from './linear-regex.js';
import type { AttrValue } from './trace-request.js';

export type CustomSignalSource =
  | { type: 'span_attribute'; key: string }
  | { type: 'resource_attribute'; key: string }
  | { type: 'event_attribute'; event: string; key: string }
  | { type: 'regex_match'; pattern: string; flags?: string; target: 'output_text' | 'input_text' }
  | { type: 'output_length' };

export interface CustomSignalSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  source: CustomSignalSource;
}

export class InvalidCustomSignalError extends Error {
  override readonly name = 'InvalidCustomSignalError';

  constructor(
    readonly signalName: string,
    readonly reason: string,
  ) {
    super(`custom signal "${signalName}": ${reason}`);
  }
}

export const MAX_REGEX_PATTERN_LENGTH = 256;
/** Text beyond this many UTF-16 units is not searched, bounding the cost of one match. */
export const MAX_REGEX_INPUT_LENGTH = 100_000;

const SIGNAL_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const MAX_SIGNAL_NAME_LENGTH = 64;
const MAX_KEY_LENGTH = 256;
const ALLOWED_REGEX_FLAGS = /^[imsu]*$/;
const BUILT_IN_NAMES: ReadonlySet<string> = new Set<string>([...BUILT_IN_SIGNAL_NAMES, 'cost_usd']);
/** The regex time one ingest request may spend, across all its spans and signals. */
export const REGEX_BUDGET_MS = 100;

export type CustomSignalSkipReason = 'budget' | 'unsupported_pattern';

/**
 * What one request may spend on regex_match signals, and what it skipped: once the time is spent,
 * the remaining regex signals of the request are left without a value. Compiling a pattern (done
 * at its first match, so that loading a catalog costs nothing) is paid from the same time. Also
 * counts the matches of stored patterns the engine refuses (saved before it ran them), skipped too.
 */
export class CustomSignalBudget {
  readonly skipped: Record<CustomSignalSkipReason, number> = { budget: 0, unsupported_pattern: 0 };
  private spentMs = 0;

  constructor(readonly regexMs = REGEX_BUDGET_MS) {}

  /** The compiled pattern; null when the engine refuses it, undefined when the budget ran out first. */
  compile(pattern: string, flags: string | undefined): LinearRegex | null | undefined {
    const compiled = this.spend(() => compileStoredRegex(pattern, flags));
    return compiled === NOTHING_LEFT ? undefined : compiled;
  }

  /** Whether `regex` matches `text`; null when the budget ran out first. */
  match(regex: LinearRegex, text: string): boolean | null {
    const matched = this.spend((deadlineMs) => regex.test(text, deadlineMs));
    if (matched === null) this.skipped.budget++;
    return matched === NOTHING_LEFT ? null : matched;
  }

  private spend<T>(work: (deadlineMs: number) => T): T | typeof NOTHING_LEFT {
    if (this.spentMs >= this.regexMs) {
      this.skipped.budget++;
      return NOTHING_LEFT;
    }
    const started = performance.now();
    try {
      return work(started + this.regexMs - this.spentMs);
    } finally {
      this.spentMs += performance.now() - started;
    }
  }
}

const NOTHING_LEFT = Symbol('regex budget spent');

/**
 * Throws InvalidCustomSignalError with a reason a model owner can act on. Returns the size of the
 * program its pattern compiles to (0 without one), which bounds what matching it costs.
 */
export function validateCustomSignal(spec: CustomSignalSpec): { regexProgramSize: number } {
  validateShape(spec);
  if (spec.source.type !== 'regex_match') return { regexProgramSize: 0 };
  try {
    return { regexProgramSize: compileLinearRegex(spec.source.pattern, spec.source.flags).programSize };
  } catch (error) {
    if (error instanceof UnsupportedRegexError) throw new InvalidCustomSignalError(spec.name, `source.pattern is refused: ${error.message}`);
    throw error;
  }
}

// Everything but whether the regex engine can run the pattern, which stored specs may predate.
function validateShape(spec: CustomSignalSpec): void {
  const name = typeof spec?.name === 'string' ? spec.name : '';
  const fail = (reason: string): never => {
    throw new InvalidCustomSignalError(name || '(unnamed)', reason);
  };
  if (name.length === 0 || name.length > MAX_SIGNAL_NAME_LENGTH || !SIGNAL_NAME.test(name)) {
    fail(`name must be 1–${MAX_SIGNAL_NAME_LENGTH} lowercase letters, digits, "_" and "." and start with a letter`);
  }
  if (BUILT_IN_NAMES.has(name) || name.startsWith('eval.')) fail('name is taken by a built-in signal');
  if (spec.kind !== 'numeric' && spec.kind !== 'categorical') fail('kind must be "numeric" or "categorical"');
  const source = spec.source as CustomSignalSource | undefined;
  switch (source?.type) {
    case 'span_attribute':
    case 'resource_attribute':
      validateKey(source.key, 'source.key', fail);
      return;
    case 'event_attribute':
      validateKey(source.event, 'source.event', fail);
      validateKey(source.key, 'source.key', fail);
      return;
    case 'regex_match':
      if (source.target !== 'output_text' && source.target !== 'input_text') {
        fail('source.target must be "output_text" or "input_text"');
      }
      validateRegexShape(source.pattern, source.flags, fail);
      return;
    case 'output_length':
      if (spec.kind !== 'numeric') fail('an output_length signal is numeric');
      return;
    default:
      fail('source.type must be span_attribute, resource_attribute, event_attribute, regex_match or output_length');
  }
}

/** What custom signals read of an inference. */
export type CustomSignalInput = Pick<InferenceRecord, 'spanAttributes' | 'resourceAttributes' | 'events' | 'outputText' | 'inputText'>;

/** The text of a call, wherever it was carried (span attributes, or GenAI events sent as log records). */
export type CallContent = Pick<InferenceRecord, 'outputText' | 'inputText'>;

const CONTENT_SOURCES: ReadonlySet<CustomSignalSource['type']> = new Set(['regex_match', 'output_length']);

/**
 * The custom signals computed from a call's text alone (regex_match, output_length), for content
 * that arrives apart from its span; null when the specs have none.
 */
export function compileContentSignals(specs: readonly CustomSignalSpec[]): ContentSignals | null {
  const contentSpecs = specs.filter((spec) => CONTENT_SOURCES.has(spec.source?.type));
  if (contentSpecs.length === 0) return null;
  const compiled = compileCustomSignals(contentSpecs);
  return (content, budget) =>
    compiled({ spanAttributes: {}, resourceAttributes: {}, events: [], outputText: content.outputText, inputText: content.inputText }, budget);
}

/** Computes custom signals; without a budget, the call has one of its own. */
export type CustomSignals = (record: CustomSignalInput, budget?: CustomSignalBudget) => SignalValues;
export type ContentSignals = (content: CallContent, budget?: CustomSignalBudget) => SignalValues;

/**
 * Validates every spec, then returns a function computing their values for one record. A stored
 * pattern the regex engine refuses does not fail the others: its signal is skipped and counted.
 */
export function compileCustomSignals(specs: readonly CustomSignalSpec[]): CustomSignals {
  const seen = new Set<string>();
  for (const spec of specs) {
    validateShape(spec);
    if (seen.has(spec.name)) throw new InvalidCustomSignalError(spec.name, 'defined twice');
    seen.add(spec.name);
  }
  const extractors = specs.map((spec) => compileOne(spec));
  return (record, budget = new CustomSignalBudget()) => {
    const values: SignalValues = {};
    for (const extract of extractors) extract(record, values, budget);
    return values;
  };
}

type Extractor = (record: CustomSignalInput, values: SignalValues, budget: CustomSignalBudget) => void;

function compileOne(spec: CustomSignalSpec): Extractor {
  const { name, kind, source } = spec;
  const store = (values: SignalValues, raw: AttrValue | boolean | undefined): void => {
    const value = kind === 'numeric' ? asNumeric(raw) : asCategory(raw);
    if (value !== null) values[name] = value;
  };
  switch (source.type) {
    case 'span_attribute':
      return (record, values) => store(values, ownAttribute(record.spanAttributes, source.key));
    case 'resource_attribute':
      return (record, values) => store(values, ownAttribute(record.resourceAttributes, source.key));
    case 'event_attribute':
      return (record, values) => {
        for (const event of record.events) {
          if (event.name !== source.event) continue;
          const value = ownAttribute(event.attributes, source.key);
          if (value !== undefined) return store(values, value);
        }
      };
    case 'regex_match': {
      let regex: LinearRegex | null | undefined;
      return (record, values, budget) => {
        const text = source.target === 'output_text' ? record.outputText : record.inputText;
        if (text === null) return;
        if (regex === undefined) regex = budget.compile(source.pattern, source.flags);
        if (regex === undefined) return;
        if (regex === null) {
          budget.skipped.unsupported_pattern++;
          return;
        }
        const matched = budget.match(regex, text.length > MAX_REGEX_INPUT_LENGTH ? text.slice(0, MAX_REGEX_INPUT_LENGTH) : text);
        if (matched !== null) store(values, matched);
      };
    }
    case 'output_length':
      return (record, values) => {
        if (record.outputText !== null) values[name] = codePointLength(record.outputText);
      };
  }
}

function asNumeric(value: AttrValue | boolean | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function asCategory(value: AttrValue | boolean | undefined): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function validateKey(key: unknown, field: string, fail: (reason: string) => never): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    fail(`${field} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
  }
}

function validateRegexShape(pattern: unknown, flags: unknown, fail: (reason: string) => never): void {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_REGEX_PATTERN_LENGTH) {
    fail(`source.pattern must be a non-empty string of at most ${MAX_REGEX_PATTERN_LENGTH} characters`);
  }
  if (flags !== undefined && (typeof flags !== 'string' || !ALLOWED_REGEX_FLAGS.test(flags))) {
    fail('source.flags may only contain i, m, s and u');
  }
}

function compileStoredRegex(pattern: string, flags: string | undefined): LinearRegex | null {
  try {
    return compileLinearRegex(pattern, flags);
  } catch (error) {
    if (error instanceof UnsupportedRegexError) return null;
    throw error;
  }
}
