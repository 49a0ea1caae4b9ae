import type { AggregateFn, AggregateSource, Expression, Literal, PolicyRule, Predicate } from './policy-rule.js';

/** Canonical text of a rule: parsing it gives back an equal rule. */
export function formatRule(rule: PolicyRule): string {
  return `${formatExpression(rule.left)} ${rule.operator} ${formatExpression(rule.right)}`;
}

const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;
const UNARY_PRECEDENCE = 3;

export function formatExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'number':
      return formatNumber(expression.value);
    case 'aggregate':
      return (expression.ref.source === 'baseline' ? 'baseline.' : '') + aggregateCall(expression.ref);
    case 'negate':
      return `-${wrap(expression.operand, precedenceOf(expression.operand) < UNARY_PRECEDENCE)}`;
    case 'arithmetic': {
      const own = PRECEDENCE[expression.operator];
      // The right operand keeps its parentheses at equal precedence: a - (b - c) differs from
      // a - b - c, and even a + (b + c) may differ in floating point.
      const left = wrap(expression.left, precedenceOf(expression.left) < own);
      const right = wrap(expression.right, precedenceOf(expression.right) <= own);
      return `${left} ${expression.operator} ${right}`;
    }
  }
}

function precedenceOf(expression: Expression): number {
  if (expression.kind === 'arithmetic') return PRECEDENCE[expression.operator];
  if (expression.kind === 'negate') return UNARY_PRECEDENCE;
  return Number.POSITIVE_INFINITY;
}

function wrap(expression: Expression, parenthesise: boolean): string {
  const text = formatExpression(expression);
  return parenthesise ? `(${text})` : text;
}

const PREDICATE_PRECEDENCE = { or: 1, and: 2, not: 3, compare: 4, in: 4 } as const;

export function formatPredicate(predicate: Predicate): string {
  switch (predicate.kind) {
    case 'compare':
      return `${predicate.signal} ${predicate.operator} ${formatLiteral(predicate.value)}`;
    case 'in':
      return `${predicate.signal} in (${predicate.values.map(formatLiteral).join(', ')})`;
    case 'not':
      // Always parenthesised: `not a == 1` is legal but reads as if `not` bound to `a`.
      return `not (${formatPredicate(predicate.operand)})`;
    case 'and':
    case 'or': {
      const own = PREDICATE_PRECEDENCE[predicate.kind];
      const left = formatPredicate(predicate.left);
      const right = formatPredicate(predicate.right);
      return [
        PREDICATE_PRECEDENCE[predicate.left.kind] < own ? `(${left})` : left,
        predicate.kind,
        PREDICATE_PRECEDENCE[predicate.right.kind] <= own ? `(${right})` : right,
      ].join(' ');
    }
  }
}

export function formatLiteral(value: Literal): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  return `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

export interface AggregateShape {
  readonly fn: AggregateFn;
  readonly q?: number;
  readonly signal?: string;
  readonly predicate?: Predicate;
}

/** The call as written without its source, e.g. `p95(latency_ms)` or `count()`. */
export function aggregateCall(shape: AggregateShape): string {
  switch (shape.fn) {
    case 'rate':
      return `rate(${shape.predicate === undefined ? '' : formatPredicate(shape.predicate)})`;
    case 'quantile':
      return `p${Math.round((shape.q ?? 0) * 100)}(${shape.signal ?? ''})`;
    default:
      return `${shape.fn}(${shape.signal ?? ''})`;
  }
}

export function aggregateKey(source: AggregateSource, shape: AggregateShape): string {
  return `${source}:${aggregateCall(shape)}`;
}
