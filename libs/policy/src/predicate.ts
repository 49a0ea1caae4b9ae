import type { ComparisonOperator, Literal, Predicate, Sample, SignalValue } from './policy-rule.js';

/**
 * Whether a sample satisfies a predicate. A condition on a signal the sample lacks is unknown
 * rather than false, and unknown combines as in SQL (three-valued logic); only a definite
 * true matches. So `x != "a"` and `not (x == "a")` agree, and neither matches a sample without x.
 */
export function evaluatePredicate(predicate: Predicate, sample: Sample): boolean {
  return truthOf(predicate, sample) === true;
}

type Truth = boolean | null;

function truthOf(predicate: Predicate, sample: Sample): Truth {
  switch (predicate.kind) {
    case 'compare':
      return compare(sample[predicate.signal], predicate.operator, predicate.value);
    case 'in': {
      const value = sample[predicate.signal];
      if (!isPresent(value)) return null;
      return predicate.values.some((candidate) => candidate === value);
    }
    case 'not': {
      const operand = truthOf(predicate.operand, sample);
      return operand === null ? null : !operand;
    }
    case 'and': {
      const left = truthOf(predicate.left, sample);
      if (left === false) return false;
      const right = truthOf(predicate.right, sample);
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = truthOf(predicate.left, sample);
      if (left === true) return true;
      const right = truthOf(predicate.right, sample);
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
  }
}

function compare(value: SignalValue, operator: ComparisonOperator, literal: Literal): Truth {
  if (!isPresent(value)) return null;
  switch (operator) {
    case '==':
      return value === literal;
    case '!=':
      return value !== literal;
  }
  // Ordering between a number and a string or boolean has no answer, so it is unknown.
  if (typeof value !== 'number' || typeof literal !== 'number') return null;
  switch (operator) {
    case '<':
      return value < literal;
    case '<=':
      return value <= literal;
    case '>':
      return value > literal;
    default:
      return value >= literal;
  }
}

/** Null, undefined and NaN all mean "this sample has no value for the signal". */
export function isPresent(value: SignalValue): value is number | string | boolean {
  return value !== null && value !== undefined && !Number.isNaN(value);
}

/** The signals a predicate reads, in order of first appearance. */
export function predicateSignals(predicate: Predicate): string[] {
  const signals = new Set<string>();
  const visit = (node: Predicate): void => {
    switch (node.kind) {
      case 'compare':
      case 'in':
        signals.add(node.signal);
        return;
      case 'not':
        visit(node.operand);
        return;
      default:
        visit(node.left);
        visit(node.right);
    }
  };
  visit(predicate);
  return [...signals];
}
