import { SignalProfile } from '@assay/stats';
import type { ProfiledValues, ProfileToWrite } from '@assay/db';

/**
 * One profile row per model, version, signal and minute from the values of one write. A signal's
 * kind is the type of its first value in the group (numbers numeric, strings categorical); values
 * of the other type are left out of that profile (the sample keeps them).
 */
export function buildProfiles(values: readonly ProfiledValues[]): ProfileToWrite[] {
  const groups = new Map<string, { row: Omit<ProfileToWrite, 'profile' | 'count'>; profile: SignalProfile }>();
  for (const item of values) {
    for (const [signal, value] of Object.entries(item.signals)) {
      const isNumber = typeof value === 'number';
      if (isNumber && !Number.isFinite(value)) continue;
      const key = `${item.modelId}\u0000${item.version}\u0000${item.minuteMs}\u0000${signal}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          row: { modelId: item.modelId, version: item.version, minuteMs: item.minuteMs, signal },
          profile: new SignalProfile(isNumber ? 'numeric' : 'categorical'),
        };
        groups.set(key, group);
      }
      if ((group.profile.kind === 'numeric') !== isNumber) continue;
      group.profile.add(value);
    }
  }
  return [...groups.values()].map(({ row, profile }) => ({ ...row, count: profile.count, profile: profile.toJSON() }));
}
