export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type ArithmeticOperator = '+' | '-' | '*' | '/';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['<', '<=', '>', '>=', '==', '!='];

export type AggregateSource = 'window' | 'baseline';
export type AggregateFn = 'mean' | 'sum' | 'min' | 'max' | 'count' | 'stddev' | 'quantile' | 'rate';

export type Literal = number | string | boolean;

export type SignalValue = number | string | boolean | null | undefined;
export type Sample = Readonly<Record<string, SignalValue>>;

export type Predicate =
  | { readonly kind: 'compare'; readonly signal: string; readonly operator: ComparisonOperator; readonly value: Literal }
  | { readonly kind: 'in'; readonly signal: string; readonly values: readonly Literal[] }
  | { readonly kind: 'and' | 'or'; readonly left: Predicate; readonly right: Predicate }
  | { readonly kind: 'not'; readonly operand: Predicate };

/**
 * One aggregate a rule needs. `key` is canonical: two refs with the same key always denote the
 * same number, so callers may compute, cache and store values by key.
 */
export interface AggregateRef {
  readonly source: AggregateSource;
  readonly fn: AggregateFn;
  /** Quantile level in (0, 1), only for `fn: 'quantile'` (p95 → 0.95). */
  readonly q?: number;
  /** Absent for `count()` and `rate(...)`. */
  readonly signal?: string;
  /** Only for `fn: 'rate'`. */
  readonly predicate?: Predicate;
  readonly key: string;
}

export type Expression =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'aggregate'; readonly ref: AggregateRef }
  | { readonly kind: 'negate'; readonly operand: Expression }
  | { readonly kind: 'arithmetic'; readonly operator: ArithmeticOperator; readonly left: Expression; readonly right: Expression };

export interface PolicyRule {
  readonly left: Expression;
  readonly operator: ComparisonOperator;
  readonly right: Expression;
}
