import { InvalidCustomSignalError, validateCustomSignal, type CustomSignalSpec } from '@assay/otlp';
import type { EnergyConfig, ModelMatch, SamplingConfig } from '@assay/db';

export const MAX_CUSTOM_SIGNALS = 50;
// Each instruction costs about 200 bytes in every process that ingests the model, and compiling
// them costs time: a few large patterns are fine, fifty are not.
export const MAX_REGEX_PROGRAM_SIZE_PER_MODEL = 20_000;
export const MAX_MATCH_ENTRIES = 50;
// Far above what one ingest process stores in a minute (bench:ingest), so no real cap is refused.
export const MAX_SAMPLES_PER_MINUTE = 10_000_000;
// The most energy-hungry published estimates are a few Wh per 1000 tokens and grids emit at most
// about 1.2 g CO2e per Wh: these bounds leave room for other units of account, not for overflow.
export const MAX_WH_PER_THOUSAND_TOKENS = 10_000;
export const MAX_G_CO2E_PER_WH = 10_000;
// The dearest published prices are hundreds of USD per million tokens.
export const MAX_USD_PER_MILLION_TOKENS = 100_000;

/**
 * The reason a model configuration cannot be used, or null. Checked here rather than by DTO
 * decorators alone because the ingest and auto-registration must respect the same rules.
 */
export function modelConfigProblem(config: {
  match?: ModelMatch;
  sampling?: SamplingConfig;
  customSignals?: CustomSignalSpec[];
  energy?: EnergyConfig | null;
}): string | null {
  const { match, sampling, customSignals, energy } = config;
  if (match) {
    if ((match.modelNames?.length ?? 0) > MAX_MATCH_ENTRIES) return `match.modelNames: at most ${MAX_MATCH_ENTRIES} names`;
    if (Object.keys(match.attributes ?? {}).length > MAX_MATCH_ENTRIES) return `match.attributes: at most ${MAX_MATCH_ENTRIES} keys`;
    for (const [key, value] of Object.entries(match.attributes ?? {})) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) return `match.attributes.${key}: a string, number or boolean`;
    }
  }
  if (sampling) {
    if (!(sampling.probability >= 0 && sampling.probability <= 1)) return 'sampling.probability must be between 0 and 1';
    if (sampling.maxPerMinute !== null && !(Number.isInteger(sampling.maxPerMinute) && sampling.maxPerMinute >= 1 && sampling.maxPerMinute <= MAX_SAMPLES_PER_MINUTE)) {
      return `sampling.maxPerMinute must be an integer from 1 to ${MAX_SAMPLES_PER_MINUTE}, or null`;
    }
  }
  if (energy) {
    if (!(energy.whPerThousandTokens >= 0 && energy.whPerThousandTokens <= MAX_WH_PER_THOUSAND_TOKENS)) {
      return `energy.whPerThousandTokens must be from 0 to ${MAX_WH_PER_THOUSAND_TOKENS}`;
    }
    if (!(energy.gCo2ePerWh >= 0 && energy.gCo2ePerWh <= MAX_G_CO2E_PER_WH)) return `energy.gCo2ePerWh must be from 0 to ${MAX_G_CO2E_PER_WH}`;
  }
  if (customSignals) {
    if (customSignals.length > MAX_CUSTOM_SIGNALS) return `at most ${MAX_CUSTOM_SIGNALS} custom signals`;
    const names = new Set<string>();
    let programSize = 0;
    for (const spec of customSignals) {
      try {
        programSize += validateCustomSignal(spec).regexProgramSize;
      } catch (error) {
        if (error instanceof InvalidCustomSignalError) return error.message;
        throw error;
      }
      if (programSize > MAX_REGEX_PROGRAM_SIZE_PER_MODEL) {
        return `custom signal "${spec.name}": the patterns of regex_match signals compile to more than ${MAX_REGEX_PROGRAM_SIZE_PER_MODEL} instructions together (large counted repeats multiply their size)`;
      }
      if (names.has(spec.name)) return `custom signal "${spec.name}": defined twice`;
      if (spec.name === 'energy_wh' || spec.name === 'co2e_g') return `custom signal "${spec.name}": name is taken by a built-in signal`;
      names.add(spec.name);
    }
  }
  return null;
}
