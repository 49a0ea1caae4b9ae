import { unitOfSignal, type Unit } from '@assay/format';
import type { AggregateRef, Expression, PolicyRule } from './policy-rule.js';

/** A rate is a fraction, shown as a percentage; a count has no unit; the rest take their signal's. */
export function unitOfAggregate(ref: Pick<AggregateRef, 'fn' | 'signal'>): Unit | null {
  if (ref.fn === 'rate') return '%';
  if (ref.fn === 'count') return null;
  return unitOfSignal(ref.signal);
}

// A constant takes the unit of what it is compared with or added to: `p95(latency_ms) <= 1500` is 1,500 ms.
const CONSTANT = Symbol('constant');
type ExpressionUnit = Unit | null | typeof CONSTANT;

function unitOfExpression(expression: Expression): ExpressionUnit {
  switch (expression.kind) {
    case 'number':
      return CONSTANT;
    case 'aggregate':
      return unitOfAggregate(expression.ref);
    case 'negate':
      return unitOfExpression(expression.operand);
    case 'arithmetic': {
      const left = unitOfExpression(expression.left);
      const right = unitOfExpression(expression.right);
      if (expression.operator === '+' || expression.operator === '-') return sameUnit(left, right);
      if (expression.operator === '*') return left === CONSTANT ? right : right === CONSTANT ? left : null;
      // A quotient of like quantities (a relative change) has no unit, nor has one of unlike quantities here.
      return right === CONSTANT ? left : null;
    }
  }
}

function sameUnit(a: ExpressionUnit, b: ExpressionUnit): ExpressionUnit {
  if (a === CONSTANT) return b;
  if (b === CONSTANT || a === b) return a;
  return null;
}

/** The unit both sides of a rule are stated in, or null when they have none or disagree. */
export function unitOfComparison(rule: PolicyRule): Unit | null {
  const unit = sameUnit(unitOfExpression(rule.left), unitOfExpression(rule.right));
  return unit === CONSTANT ? null : unit;
}
