import { aggregateKey, type AggregateShape } from './format.js';
import { Lexer, type Token } from './lexer.js';
import { lineStartOf, PolicyParseError } from './policy-parse-error.js';
import type { AggregateFn, AggregateSource, ComparisonOperator, Expression, Literal, PolicyRule, Predicate } from './policy-rule.js';

export const MAX_RULE_LENGTH = 2000;
export const MAX_NESTING_DEPTH = 32;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);
const NAMED_AGGREGATES: ReadonlyMap<string, AggregateFn> = new Map(
  (['mean', 'sum', 'min', 'max', 'count', 'stddev', 'rate'] as const).map((fn) => [fn, fn]),
);
const ORDERING_OPERATORS = new Set<ComparisonOperator>(['<', '<=', '>', '>=']);
const EXPECTED_OPERAND = "expected a number, an aggregate such as mean(signal), or '('";
const AGGREGATE_LIST = 'mean, sum, min, max, count, stddev, median, p1..p99 or rate';

/**
 * Parses one policy rule, e.g. `mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)`.
 * Throws PolicyParseError pointing at the leftmost problem.
 */
export function parsePolicyRule(text: string): PolicyRule {
  if (text.length > MAX_RULE_LENGTH) {
    throw new PolicyParseError(`rule is longer than ${MAX_RULE_LENGTH} characters`, text, MAX_RULE_LENGTH);
  }
  return new RuleParser(text).parseRule();
}

type Call = Omit<AggregateShape, 'signal' | 'predicate'>;

class RuleParser {
  private readonly lexer: Lexer;
  private current: Token;
  private depth = 0;

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text);
    this.current = this.lexer.next();
  }

  parseRule(): PolicyRule {
    if (this.current.type === 'end') {
      throw this.error('empty rule; expected a comparison such as p95(latency_ms) <= 1500', this.current);
    }
    const left = this.parseSum();
    const comparison = this.peek();
    if (comparison.type !== 'comparison') {
      if (comparison.type === 'end') {
        throw this.error('expected a comparison operator (< <= > >= == !=) after the expression', comparison);
      }
      if (comparison.type === ')') throw this.error("unexpected ')'; no '(' is open here", comparison);
      throw this.unexpected(comparison, 'an arithmetic operator or a comparison (< <= > >= == !=)');
    }
    this.advance();
    const right = this.parseSum();
    const trailing = this.peek();
    if (trailing.type === 'comparison') {
      throw this.error('a rule has exactly one comparison; write each condition as its own rule', trailing);
    }
    if (trailing.type === ')') throw this.error("unexpected ')'; no '(' is open here", trailing);
    if (this.isKeyword('and') || this.isKeyword('or')) {
      throw this.error("a rule has exactly one comparison; 'and' and 'or' join conditions inside rate(...)", trailing);
    }
    if (trailing.type === ',') throw this.error('numbers are written without thousands separators', trailing);
    if (trailing.type !== 'end') throw this.unexpected(trailing, 'an arithmetic operator or the end of the rule');
    return { left, operator: comparison.operator, right };
  }

  private parseSum(): Expression {
    let left = this.parseProduct();
    for (let token = this.current; token.type === 'arithmetic' && (token.operator === '+' || token.operator === '-'); token = this.current) {
      this.advance();
      left = { kind: 'arithmetic', operator: token.operator, left, right: this.parseProduct() };
    }
    return left;
  }

  private parseProduct(): Expression {
    let left = this.parseUnary();
    for (let token = this.current; token.type === 'arithmetic' && (token.operator === '*' || token.operator === '/'); token = this.current) {
      this.advance();
      left = { kind: 'arithmetic', operator: token.operator, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expression {
    const token = this.current;
    if (token.type === 'arithmetic' && token.operator === '-') {
      this.enter(token);
      this.advance();
      const operand = this.parseUnary();
      this.leave();
      return { kind: 'negate', operand };
    }
    return this.parseOperand();
  }

  private parseOperand(): Expression {
    const token = this.current;
    switch (token.type) {
      case 'number':
        this.advance();
        return { kind: 'number', value: token.value };
      case 'name':
        if (!KEYWORDS.has(token.text)) return this.parseAggregate(token);
        break;
      case '(': {
        this.enter(token);
        this.advance();
        const inner = this.parseSum();
        this.expectClosing(token);
        this.leave();
        return inner;
      }
      case ')':
        throw this.error(`unexpected ')'; ${EXPECTED_OPERAND}`, token);
    }
    throw this.error(`${EXPECTED_OPERAND}; found ${describe(token)}`, token);
  }

  private parseAggregate(name: Token & { type: 'name' }): Expression {
    let source: AggregateSource = 'window';
    let fnName = name.text;
    let fnStart = name.start;
    if (fnName === 'baseline') {
      throw this.error("expected '.' and an aggregate after 'baseline', e.g. baseline.mean(cost_usd)", name.end);
    }
    if (fnName.startsWith('baseline.')) {
      source = 'baseline';
      fnName = fnName.slice('baseline.'.length);
      fnStart += 'baseline.'.length;
    }
    const call = resolveAggregate(fnName);
    this.advance();
    const open = this.current;
    if (call === undefined) {
      if (open.type !== '(' && source === 'window') {
        throw this.error(`'${fnName}' needs an aggregate, e.g. mean(${fnName}) or p95(${fnName})`, name);
      }
      const hint = /^p\d+$/.test(fnName) ? 'use p1..p99' : `use ${AGGREGATE_LIST}`;
      throw this.error(`unknown aggregate '${fnName}'; ${hint}`, fnStart);
    }
    if (open.type !== '(') throw this.unexpected(open, `'(' after '${fnName}'`);
    this.enter(open);
    this.advance();
    const shape = this.parseArguments(fnName, call);
    this.expectClosing(open, fnName, call.fn === 'rate');
    this.leave();
    return { kind: 'aggregate', ref: { source, ...shape, key: aggregateKey(source, shape) } };
  }

  private parseArguments(fnName: string, call: Call): AggregateShape {
    const token = this.current;
    if (call.fn === 'rate') {
      if (token.type === ')') {
        throw this.error('rate needs a condition, e.g. rate(finish_reason == "content_filter")', token);
      }
      return { ...call, predicate: this.parsePredicate() };
    }
    if (token.type === ')') {
      if (call.fn === 'count') return call;
      throw this.error(`${fnName} needs a signal, e.g. ${fnName}(latency_ms)`, token);
    }
    if (token.type !== 'name' || KEYWORDS.has(token.text)) {
      throw this.error(`expected a signal name in ${fnName}(...); found ${describe(token)}`, token);
    }
    this.advance();
    const after = this.current;
    if (after.type === 'comparison' || (after.type === 'name' && after.text === 'in')) {
      throw this.error(`expected ')' after the signal; a condition belongs in rate(...), e.g. rate(${token.text} == 1)`, after);
    }
    return { ...call, signal: token.text };
  }

  private parsePredicate(): Predicate {
    let left = this.parseConjunction();
    while (this.isKeyword('or')) {
      this.advance();
      left = { kind: 'or', left, right: this.parseConjunction() };
    }
    return left;
  }

  private parseConjunction(): Predicate {
    let left = this.parseNegation();
    while (this.isKeyword('and')) {
      this.advance();
      left = { kind: 'and', left, right: this.parseNegation() };
    }
    return left;
  }

  private parseNegation(): Predicate {
    const token = this.current;
    if (!this.isKeyword('not')) return this.parseCondition();
    this.enter(token);
    this.advance();
    const operand = this.parseNegation();
    this.leave();
    return { kind: 'not', operand };
  }

  private parseCondition(): Predicate {
    const token = this.current;
    if (token.type === '(') {
      this.enter(token);
      this.advance();
      const inner = this.parsePredicate();
      this.expectClosing(token, undefined, true);
      this.leave();
      return inner;
    }
    if (token.type !== 'name' || KEYWORDS.has(token.text)) {
      throw this.error(`expected a condition such as finish_reason == "stop"; found ${describe(token)}`, token);
    }
    const signal = token.text;
    this.advance();
    const operator = this.current;
    if (operator.type === 'comparison') {
      this.advance();
      const valueToken = this.current;
      const value = this.parseLiteral();
      if (ORDERING_OPERATORS.has(operator.operator) && typeof value !== 'number') {
        throw this.error(`'${operator.operator}' compares numbers; found ${describe(valueToken)}`, valueToken);
      }
      return { kind: 'compare', signal, operator: operator.operator, value };
    }
    if (this.isKeyword('in')) {
      this.advance();
      const open = this.current;
      if (open.type !== '(') throw this.unexpected(open, `'(' after 'in', e.g. ${signal} in ("a", "b")`);
      this.advance();
      const values = [this.parseLiteral()];
      while (this.current.type === ',') {
        this.advance();
        values.push(this.parseLiteral());
      }
      this.expectClosing(open);
      return { kind: 'in', signal, values };
    }
    throw this.unexpected(operator, `a comparison (== != < <= > >=) or 'in' after '${signal}'`);
  }

  private parseLiteral(): Literal {
    const token = this.current;
    if (token.type === 'arithmetic' && token.operator === '-') {
      this.advance();
      const number = this.current;
      if (number.type !== 'number') throw this.unexpected(number, "a number after '-'");
      this.advance();
      return -number.value;
    }
    if (token.type === 'number' || token.type === 'string') {
      this.advance();
      return token.value;
    }
    if (token.type === 'name' && (token.text === 'true' || token.text === 'false')) {
      this.advance();
      return token.text === 'true';
    }
    throw this.unexpected(token, 'a value: a number, a "string", true or false');
  }

  private expectClosing(open: Token, fnName?: string, inPredicate = false): void {
    const token = this.current;
    if (token.type === ')') {
      this.advance();
      return;
    }
    if (fnName !== undefined && token.type === ',') {
      throw this.error(fnName === 'rate' ? "rate takes one condition; join conditions with 'and' or 'or'" : `${fnName} takes one signal`, token);
    }
    const what = `the '(' ${fnName === undefined ? '' : `of ${fnName} `}at column ${this.columnOf(open)}`;
    const hint = inPredicate && token.type === 'name' ? "; join conditions with 'and' or 'or'" : '';
    throw this.error(`expected ')' to close ${what}; found ${describe(token)}${hint}`, token);
  }

  private isKeyword(keyword: string): boolean {
    return this.current.type === 'name' && this.current.text === keyword;
  }

  // TypeScript keeps narrowing `this.current` across calls that move it; reading through a
  // method drops that stale narrowing.
  private peek(): Token {
    return this.current;
  }

  private advance(): void {
    this.current = this.lexer.next();
  }

  private enter(token: Token): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) throw this.error(`nesting is deeper than ${MAX_NESTING_DEPTH} levels`, token);
  }

  private leave(): void {
    this.depth--;
  }

  private columnOf(token: Token): number {
    return token.start - lineStartOf(this.text, token.start) + 1;
  }

  private unexpected(token: Token, expected: string): PolicyParseError {
    return this.error(`expected ${expected}; found ${describe(token)}`, token);
  }

  private error(message: string, at: Token | number): PolicyParseError {
    return new PolicyParseError(message, this.text, typeof at === 'number' ? at : at.start);
  }
}

function resolveAggregate(name: string): Call | undefined {
  const fn = NAMED_AGGREGATES.get(name);
  if (fn !== undefined) return { fn };
  if (name === 'median') return { fn: 'quantile', q: 0.5 };
  const percentile = /^p([1-9][0-9]?)$/.exec(name);
  if (percentile !== null) return { fn: 'quantile', q: Number(percentile[1]) / 100 };
  return undefined;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'number':
      return `the number ${token.value}`;
    case 'string':
      return 'a string';
    case 'name':
      return `'${token.text}'`;
    case 'comparison':
    case 'arithmetic':
      return `'${token.operator}'`;
    case 'end':
      return 'the end of the rule';
    default:
      return `'${token.type}'`;
  }
}
