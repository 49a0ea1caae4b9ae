import { SignalProfile } from '@assay/stats';
import type { ProfiledValues, ProfileToWrite } from '@assay/db';

interface RowProfiles {
  modelId: string;
  version: string;
  minuteMs: number;
  bySignal: Map<string, SignalProfile>;
}

/**
 * One profile row per model, version, signal and minute from the values of one write. A signal's
 * kind is the type of its first value in the group (numbers numeric, strings categorical); values
 * of the other type are left out of that profile (the sample keeps them).
 */
export function buildProfiles(values: readonly ProfiledValues[]): ProfileToWrite[] {
  // Keyed in two steps (row, then signal name) so that a write's thousands of values cost one
  // composite key per sample, not one per value: consecutive samples nearly always share the row.
  const rows = new Map<string, RowProfiles>();
  let last: RowProfiles | null = null;
  for (const item of values) {
    if (last === null || last.modelId !== item.modelId || last.version !== item.version || last.minuteMs !== item.minuteMs) {
      const key = `${item.modelId}\u0000${item.version}\u0000${item.minuteMs}`;
      last = rows.get(key) ?? null;
      if (last === null) {
        last = { modelId: item.modelId, version: item.version, minuteMs: item.minuteMs, bySignal: new Map() };
        rows.set(key, last);
      }
    }
    const signals = item.signals;
    for (const signal of Object.keys(signals)) {
      const value = signals[signal];
      const isNumber = typeof value === 'number';
      if (isNumber && !Number.isFinite(value)) continue;
      let profile = last.bySignal.get(signal);
      if (profile === undefined) {
        profile = new SignalProfile(isNumber ? 'numeric' : 'categorical');
        last.bySignal.set(signal, profile);
      }
      if ((profile.kind === 'numeric') !== isNumber) continue;
      profile.add(value);
    }
  }
  const profiles: ProfileToWrite[] = [];
  for (const row of rows.values()) {
    for (const [signal, profile] of row.bySignal) {
      profiles.push({ modelId: row.modelId, version: row.version, signal, minuteMs: row.minuteMs, count: profile.count, profile: profile.toJSON() });
    }
  }
  return profiles;
}
