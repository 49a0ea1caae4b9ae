import { formatNumber, formatSides } from '@assay/format';
import { formatExpression, formatRule } from './format.js';
import type { AggregateRef, ComparisonOperator, Expression, PolicyRule } from './policy-rule.js';
import { unitOfAggregate, unitOfComparison } from './rule-units.js';

/** Supplies the value of each aggregate; null when it has no value (e.g. an empty window). */
export type AggregateValues = (ref: AggregateRef) => number | null;

export interface RuleEvaluation {
  /** null: insufficient data, or the arithmetic has no answer (division by zero). */
  readonly passed: boolean | null;
  readonly left: number | null;
  readonly right: number | null;
  readonly operator: ComparisonOperator;
  readonly explanation: string;
}

export function evaluateRule(rule: PolicyRule, values: AggregateValues): RuleEvaluation {
  const context = new EvaluationContext(values);
  const left = context.evaluate(rule.left);
  const right = context.evaluate(rule.right);
  const text = formatRule(rule);
  if (left === null || right === null) {
    return {
      passed: null,
      left,
      right,
      operator: rule.operator,
      explanation: `${text} cannot be decided: ${context.problems.join('; ')}`,
    };
  }
  const passed = compare(left, rule.operator, right);
  const [leftText, rightText] = formatSides(left, right, { unit: unitOfComparison(rule) });
  const comparison = `${leftText} ${rule.operator} ${rightText}`;
  const verdict = passed ? `holds: ${comparison}` : `fails: ${comparison} is false`;
  const inputs = context.inputs.length > 0 ? ` (${context.inputs.join(', ')})` : '';
  return { passed, left, right, operator: rule.operator, explanation: `${text} ${verdict}${inputs}` };
}

class EvaluationContext {
  readonly problems: string[] = [];
  readonly inputs: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly values: AggregateValues) {}

  evaluate(expression: Expression): number | null {
    switch (expression.kind) {
      case 'number':
        return expression.value;
      case 'aggregate':
        return this.lookUp(expression);
      case 'negate': {
        const operand = this.evaluate(expression.operand);
        return operand === null ? null : -operand;
      }
      case 'arithmetic': {
        // Both sides are always evaluated so that every missing aggregate is reported at once.
        const left = this.evaluate(expression.left);
        const right = this.evaluate(expression.right);
        if (left === null || right === null) return null;
        if (expression.operator === '/' && right === 0) {
          this.problems.push(`division by zero: ${formatExpression(expression.right)} is 0`);
          return null;
        }
        const result = arithmetic(expression.operator, left, right);
        if (Number.isNaN(result)) {
          this.problems.push(`${formatExpression(expression)} has no numeric value`);
          return null;
        }
        return result;
      }
    }
  }

  private lookUp(expression: Expression & { kind: 'aggregate' }): number | null {
    const value = this.values(expression.ref);
    const text = formatExpression(expression);
    const firstTime = !this.seen.has(expression.ref.key);
    this.seen.add(expression.ref.key);
    if (value === null || Number.isNaN(value)) {
      if (firstTime) this.problems.push(`${text} has no value (insufficient data)`);
      return null;
    }
    if (firstTime) this.inputs.push(`${text} = ${formatNumber(value, { unit: unitOfAggregate(expression.ref) })}`);
    return value;
  }
}

function arithmetic(operator: '+' | '-' | '*' | '/', left: number, right: number): number {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
  }
}

function compare(left: number, operator: ComparisonOperator, right: number): boolean {
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '==':
      return left === right;
    case '!=':
      return left !== right;
  }
}
