export type {
  AggregateFn,
  AggregateRef,
  AggregateSource,
  ArithmeticOperator,
  ComparisonOperator,
  Expression,
  Literal,
  PolicyRule,
  Predicate,
  Sample,
  SignalValue,
} from './policy-rule.js';
export { PolicyParseError } from './policy-parse-error.js';
export { MAX_NESTING_DEPTH, MAX_RULE_LENGTH, parsePolicyRule } from './parser.js';
export { formatExpression, formatPredicate, formatRule } from './format.js';
export { requiredAggregates, signalsOf } from './references.js';
export { evaluatePredicate } from './predicate.js';
export { evaluateRule, type AggregateValues, type RuleEvaluation } from './evaluate.js';
export { computeAggregates, evaluateRuleOnSamples } from './compute-aggregates.js';
export { unitOfAggregate, unitOfComparison } from './rule-units.js';
