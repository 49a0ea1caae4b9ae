// User-supplied patterns run here, on RE2 (re2js): matching takes time linear in the text, so no
// pattern can backtrack exponentially. Linear can still be slow (a program of thousands of
// instructions, a DFA whose states blow up), so each match also runs against a deadline.
import { RE2JS, RE2JSException } from 're2js';

/** Counted repeats beyond this multiply a program's size; RE2 itself refuses counts above 1000. */
export const MAX_REGEX_PROGRAM_SIZE = 10_000;
/**
 * The lazy DFA of one pattern caches at most this much (re2js defaults to 8 MiB), since every
 * pattern of every catalog holds one; past it, matching goes on with the slower NFA.
 */
export const REGEX_DFA_MEMORY_BYTES = 256 * 1024;
/** Compiled patterns kept for the next catalog that names them, in program instructions (about 200 bytes each). */
const MAX_CACHED_PROGRAM_SIZE = 100_000;
/** Work, in program instructions times characters, between two looks at the clock during a match. */
const WORK_BETWEEN_CLOCK_CHECKS = 16_384;

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 always matches code points, which is what JavaScript's u asks for.
  u: 0,
};

export class UnsupportedRegexError extends Error {
  override readonly name = 'UnsupportedRegexError';
}

/** A compiled pattern. `test` answers null when the deadline (a `performance.now()` time) passed first. */
export interface LinearRegex {
  readonly pattern: string;
  readonly flags: string;
  readonly programSize: number;
  test(text: string, deadlineMs?: number): boolean | null;
}

// The parts of re2js's compiled form this module reaches into; pinned by the exact version in package.json.
interface EngineInput {
  step(pos: number): number;
}
interface EngineInternals {
  readonly dfa: { maxMem: number; stateBudget: number; memBudget: number };
  readonly prog: { numInst(): number };
}

class DeadlineReached extends Error {}

/**
 * Compiles `pattern` with JavaScript-style `flags` (i, m, s, u) for RE2. Throws
 * UnsupportedRegexError naming what RE2 cannot run (backreferences, lookaround, unknown flags,
 * counts above 1000, programs too large) or why the pattern is not valid.
 */
export function compileLinearRegex(pattern: string, flags = ''): LinearRegex {
  const key = `${flags}/${pattern}`;
  const cached = compiledCache.get(key);
  if (cached !== undefined) {
    compiledCache.delete(key);
    compiledCache.set(key, cached);
    return cached;
  }
  const compiled = compileUncached(pattern, flags);
  compiledCache.set(key, compiled);
  cachedProgramSize += compiled.programSize;
  for (const [oldKey, old] of compiledCache) {
    if (cachedProgramSize <= MAX_CACHED_PROGRAM_SIZE || old === compiled) break;
    compiledCache.delete(oldKey);
    cachedProgramSize -= old.programSize;
  }
  return compiled;
}

// Catalogs are compiled again every few seconds; a compiled pattern holds no state between matches, so one serves all.
const compiledCache = new Map<string, LinearRegex>();
let cachedProgramSize = 0;

function compileUncached(pattern: string, flags: string): LinearRegex {
  const flagBits = re2Flags(flags);
  const construct = unsupportedConstruct(pattern);
  if (construct !== null) throw new UnsupportedRegexError(`${construct} not supported: patterns run on RE2, which matches in linear time and has no such construct`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(translateEscapes(pattern, flags.includes('u')), flagBits);
  } catch (error) {
    if (error instanceof RE2JSException) throw new UnsupportedRegexError(syntaxReason(error));
    throw error;
  }
  const engine = compiled.re2() as unknown as EngineInternals;
  const programSize = engine.prog.numInst();
  if (programSize > MAX_REGEX_PROGRAM_SIZE) {
    throw new UnsupportedRegexError(`the pattern is too large (${programSize} instructions, at most ${MAX_REGEX_PROGRAM_SIZE}): counted repeats multiply its size`);
  }
  const dfa = engine.dfa;
  dfa.maxMem = dfa.stateBudget = dfa.memBudget = REGEX_DFA_MEMORY_BYTES;

  const stepsBetweenChecks = Math.max(1, Math.floor(WORK_BETWEEN_CLOCK_CHECKS / programSize));
  return {
    pattern,
    flags,
    programSize,
    test(text, deadlineMs = Infinity) {
      if (performance.now() > deadlineMs) return null;
      match.deadline = deadlineMs;
      match.stepsBetweenChecks = match.countdown = stepsBetweenChecks;
      try {
        return compiled.test(text);
      } catch (error) {
        if (error instanceof DeadlineReached) return null;
        throw error;
      } finally {
        match.deadline = Infinity;
      }
    },
  };
}

// The match under way (matching is synchronous, so there is one at a time per thread).
const match = { deadline: Infinity, stepsBetweenChecks: 1, countdown: 1 };

/**
 * Every engine of re2js (DFA, NFA, backtracker, one-pass) reads the text through its input's
 * `step`: a deadline checked there interrupts any of them, whatever the pattern. The input class
 * is not exported, so it is found by running a probe, and its `step` is wrapped once, for every
 * match (a per-match wrapper object would make the engines' calls polymorphic and slow).
 */
function guardTextSteps(): void {
  const probe = RE2JS.compile('probe');
  let prototype: { step?: unknown } | null = null;
  Object.defineProperty(probe.re2(), 'executeEngine', {
    value: (input: EngineInput): null => {
      prototype = Object.getPrototypeOf(input) as { step?: unknown };
      return null;
    },
  });
  probe.test('probe');
  const found = prototype as { step?: unknown } | null;
  if (found === null || typeof found.step !== 'function') {
    throw new Error('re2js no longer reads text through its input\'s step: the regex deadline cannot be enforced');
  }
  const target = found as { step(this: unknown, pos: number): number };
  const step = target.step;
  target.step = function guardedStep(this: unknown, pos: number): number {
    if (--match.countdown <= 0) {
      match.countdown = match.stepsBetweenChecks;
      if (performance.now() > match.deadline) throw new DeadlineReached();
    }
    return step.call(this, pos);
  };
}

guardTextSteps();

/** Why `pattern` cannot be compiled with `flags`, or null. */
export function linearRegexProblem(pattern: string, flags = ''): string | null {
  try {
    compileLinearRegex(pattern, flags);
    return null;
  } catch (error) {
    if (error instanceof UnsupportedRegexError) return error.message;
    throw error;
  }
}

function re2Flags(flags: string): number {
  let bits = 0;
  const seen = new Set<string>();
  for (const flag of flags) {
    if (!(flag in FLAG_BITS)) throw new UnsupportedRegexError(`flag "${flag}" is not supported: only i, m, s and u`);
    if (seen.has(flag)) throw new UnsupportedRegexError(`flag "${flag}" is given twice`);
    seen.add(flag);
    bits |= FLAG_BITS[flag];
  }
  return bits;
}

/**
 * The first JavaScript construct in `pattern` that RE2 has no linear-time form of, named for the
 * reason given to the user; RE2's own parser reports it less clearly.
 */
function unsupportedConstruct(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return `backreferences (\\${next}) are`;
      if (!inClass && next === 'k' && pattern[i + 2] === '<') return 'named backreferences (\\k<name>) are';
      i++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
      // A `]` first in a class is a literal to RE2.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (char === '(' && pattern[i + 1] === '?') {
      const group = pattern.slice(i + 2, i + 4);
      if (group.startsWith('=') || group.startsWith('!')) return `lookahead ((?${group[0]}…)) is`;
      if (group === '<=' || group === '<!') return `lookbehind ((?${group}…)) is`;
    }
  }
  return null;
}

/** JavaScript's `\uHHHH` (and, with the u flag, `\u{H+}`) as RE2's `\x{H+}`; everything else as written. */
function translateEscapes(pattern: string, unicode: boolean): string {
  return pattern.replace(/\\(\\|u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4}))/g, (escape, _body, braced: string | undefined, four: string | undefined) => {
    if (four !== undefined) return `\\x{${four}}`;
    if (braced !== undefined && unicode) return `\\x{${braced}}`;
    return escape;
  });
}

function syntaxReason(error: RE2JSException): string {
  const message = error.message.replace(/^error parsing regexp: /, '');
  if (message.startsWith('invalid repeat count')) {
    return `${message}: a count is at most 1000, and nested counts multiply (RE2 refuses larger ones)`;
  }
  return `not a pattern RE2 accepts: ${message}`;
}
