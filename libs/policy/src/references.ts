import { predicateSignals } from './predicate.js';
import type { AggregateRef, Expression, PolicyRule } from './policy-rule.js';

/** Every aggregate the rule reads, each once, in order of first appearance. */
export function requiredAggregates(rule: PolicyRule): AggregateRef[] {
  const byKey = new Map<string, AggregateRef>();
  for (const ref of aggregatesIn(rule)) if (!byKey.has(ref.key)) byKey.set(ref.key, ref);
  return [...byKey.values()];
}

/** Every signal the rule reads, window or baseline, each once, in order of first appearance. */
export function signalsOf(rule: PolicyRule): string[] {
  const signals = new Set<string>();
  for (const ref of aggregatesIn(rule)) {
    if (ref.signal !== undefined) signals.add(ref.signal);
    if (ref.predicate !== undefined) for (const signal of predicateSignals(ref.predicate)) signals.add(signal);
  }
  return [...signals];
}

function aggregatesIn(rule: PolicyRule): AggregateRef[] {
  const refs: AggregateRef[] = [];
  const visit = (expression: Expression): void => {
    switch (expression.kind) {
      case 'aggregate':
        refs.push(expression.ref);
        return;
      case 'negate':
        visit(expression.operand);
        return;
      case 'arithmetic':
        visit(expression.left);
        visit(expression.right);
        return;
    }
  };
  visit(rule.left);
  visit(rule.right);
  return refs;
}
