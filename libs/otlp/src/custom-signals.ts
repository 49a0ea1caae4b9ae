import { ownAttribute } from './attribute-readers.js';
import { BUILT_IN_SIGNAL_NAMES, codePointLength, type SignalValues } from './built-in-signals.js';
import type { InferenceRecord } from './inference-record.js';
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

/** Throws InvalidCustomSignalError with a reason a model owner can act on. */
export function validateCustomSignal(spec: CustomSignalSpec): void {
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
      validateRegex(source.pattern, source.flags, fail);
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
export function compileContentSignals(specs: readonly CustomSignalSpec[]): ((content: CallContent) => SignalValues) | null {
  const contentSpecs = specs.filter((spec) => CONTENT_SOURCES.has(spec.source?.type));
  if (contentSpecs.length === 0) return null;
  const compiled = compileCustomSignals(contentSpecs);
  return (content) => compiled({ spanAttributes: {}, resourceAttributes: {}, events: [], outputText: content.outputText, inputText: content.inputText });
}

/** Validates every spec, then returns a function computing their values for one record. */
export function compileCustomSignals(specs: readonly CustomSignalSpec[]): (record: CustomSignalInput) => SignalValues {
  const seen = new Set<string>();
  for (const spec of specs) {
    validateCustomSignal(spec);
    if (seen.has(spec.name)) throw new InvalidCustomSignalError(spec.name, 'defined twice');
    seen.add(spec.name);
  }
  const extractors = specs.map((spec) => compileOne(spec));
  return (record) => {
    const values: SignalValues = {};
    for (const extract of extractors) extract(record, values);
    return values;
  };
}

type Extractor = (record: CustomSignalInput, values: SignalValues) => void;

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
      const regex = new RegExp(source.pattern, source.flags ?? '');
      return (record, values) => {
        const text = source.target === 'output_text' ? record.outputText : record.inputText;
        if (text === null) return;
        store(values, regex.test(text.length > MAX_REGEX_INPUT_LENGTH ? text.slice(0, MAX_REGEX_INPUT_LENGTH) : text));
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

function validateRegex(pattern: unknown, flags: unknown, fail: (reason: string) => never): void {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_REGEX_PATTERN_LENGTH) {
    fail(`source.pattern must be a non-empty string of at most ${MAX_REGEX_PATTERN_LENGTH} characters`);
  }
  if (flags !== undefined && (typeof flags !== 'string' || !ALLOWED_REGEX_FLAGS.test(flags))) {
    fail('source.flags may only contain i, m, s and u');
  }
  try {
    new RegExp(pattern as string, (flags as string | undefined) ?? '');
  } catch (error) {
    fail(`source.pattern is not a valid regular expression: ${(error as Error).message}`);
  }
  const risk = catastrophicBacktrackingRisk(pattern as string);
  if (risk !== null) fail(`source.pattern is refused: ${risk}`);
}

/**
 * A deliberately simple guard against exponential backtracking: refuses a group repeated without
 * bound (`*`, `+`, `{n,}`) whose body contains a quantifier or an alternation (`(a+)+`, `(\w*)*`,
 * `(a|aa)+`), and backreferences; bounded repeats such as `(\d{1,3}\.){3}` pass.
 * Safe patterns it refuses can usually be rewritten without the nesting.
 */
export function catastrophicBacktrackingRisk(pattern: string): string | null {
  // For each open group: does its body contain a quantifier or an alternation?
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'backreferences are not allowed';
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      groups.push(false);
    } else if (char === ')') {
      const risky = groups.pop() ?? false;
      if (risky && isUnboundedQuantifierAt(pattern, i + 1)) return 'a quantified group contains a quantifier or "|" (nested quantifiers)';
      if (risky && groups.length > 0) groups[groups.length - 1] = true;
      else if (groups.length > 0 && isQuantifierAt(pattern, i + 1)) groups[groups.length - 1] = true;
    } else if (char === '|') {
      if (groups.length > 0) groups[groups.length - 1] = true;
    } else if (isQuantifierAt(pattern, i)) {
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
  }
  return null;
}

function isUnboundedQuantifierAt(pattern: string, index: number): boolean {
  const char = pattern[index];
  return char === '*' || char === '+' || (char === '{' && /^\{\d+,\}/.test(pattern.slice(index)));
}

function isQuantifierAt(pattern: string, index: number): boolean {
  const char = pattern[index];
  if (char === '*' || char === '+') return true;
  if (char === '{') return /^\{\d+(,\d*)?\}/.test(pattern.slice(index));
  return false;
}
