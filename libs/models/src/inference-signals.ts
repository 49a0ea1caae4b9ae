import { builtInSignals, costUsd, type CustomSignalBudget, type CustomSignals, type CustomSignalSpec, type InferenceRecord, type SignalValues, type TokenPrice } from '@assay/otlp';
import type { EnergyConfig } from '@assay/db';

export type CompiledSignals = CustomSignals;

export interface SignalContext {
  customSignals: CompiledSignals | null;
  energy: EnergyConfig | null;
  price: TokenPrice | null;
  /** The regex time left to the request this inference came in. */
  budget?: CustomSignalBudget;
}

/**
 * Every signal of one sampled inference: built-in, `cost_usd` from the project's price for the
 * provider and response model, the model's custom signals, and the energy estimates
 * (`energy_wh`, `co2e_g`) from the model's per-token factors.
 */
export function inferenceSignals(record: InferenceRecord, context: SignalContext): SignalValues {
  const signals = builtInSignals(record);
  if (context.price) {
    const cost = costUsd(record, context.price);
    if (cost !== null) signals.cost_usd = cost;
  }
  if (context.energy && record.totalTokens !== null) {
    const wh = (record.totalTokens / 1000) * context.energy.whPerThousandTokens;
    signals.energy_wh = wh;
    signals.co2e_g = wh * context.energy.gCo2ePerWh;
  }
  if (context.customSignals) Object.assign(signals, context.customSignals(record, context.budget));
  return signals;
}

export function signalKinds(specs: readonly CustomSignalSpec[]): Map<string, 'numeric' | 'categorical'> {
  return new Map(specs.map((s) => [s.name, s.kind]));
}
