import type { JourneyCountToWrite, JourneyOverflowToWrite, SampleToWrite } from '@assay/db';
import { NO_JOURNEY, OTHER_JOURNEY } from '@assay/otlp';
import type { JourneyInputs } from './ingest-plan.js';

export interface JourneyTotals {
  journeyCounts: JourneyCountToWrite[];
  journeyOverflow: JourneyOverflowToWrite[];
  journeyInputs: JourneyInputs[];
}

const countKey = (c: Pick<JourneyCountToWrite, 'modelId' | 'version' | 'journey' | 'minuteMs'>): string =>
  `${c.modelId}\u0000${c.version}\u0000${c.journey}\u0000${c.minuteMs}`;
const minuteOfMicros = (micros: bigint): number => {
  const ms = Number(micros / 1000n);
  return ms - (((ms % 60_000) + 60_000) % 60_000);
};

/**
 * A request's journey counts, overflow and inputs under the names the project's registry gave
 * (`stored`: name in the request → name stored), with `sampled` counted from the samples kept
 * after the caps. Renames the samples' journeys in place.
 */
export function journeyTotals(
  seen: readonly JourneyCountToWrite[],
  inputs: readonly JourneyInputs[],
  samples: readonly SampleToWrite[],
  stored: ReadonlyMap<string, string>,
): JourneyTotals {
  const nameOf = (journey: string): string => stored.get(journey) ?? journey;
  const counts = new Map<string, JourneyCountToWrite>();
  const overflow = new Map<number, JourneyOverflowToWrite>();
  for (const count of seen) {
    const journey = nameOf(count.journey);
    if (journey === OTHER_JOURNEY && count.journey !== OTHER_JOURNEY) {
      const into = overflow.get(count.minuteMs) ?? overflow.set(count.minuteMs, { minuteMs: count.minuteMs, count: 0 }).get(count.minuteMs)!;
      into.count += count.seen;
    }
    const renamed = { ...count, journey };
    const key = countKey(renamed);
    const into = counts.get(key);
    if (into) into.seen += count.seen;
    else counts.set(key, renamed);
  }
  for (const sample of samples) {
    sample.journey = nameOf(sample.journey ?? NO_JOURNEY);
    const count = counts.get(countKey({ modelId: sample.modelId, version: sample.version, journey: sample.journey, minuteMs: minuteOfMicros(sample.timeMicros) }));
    if (count) count.sampled++;
  }
  const byHour = new Map<string, JourneyInputs>();
  for (const input of inputs) {
    const journey = nameOf(input.journey);
    const key = `${journey}\u0000${input.hourMs}`;
    const into = byHour.get(key);
    if (into) {
      into.calls += input.calls;
      for (const h of input.hashes) into.hashes.push(h);
    } else byHour.set(key, { ...input, journey, hashes: [...input.hashes] });
  }
  return { journeyCounts: [...counts.values()], journeyOverflow: [...overflow.values()], journeyInputs: [...byHour.values()] };
}
