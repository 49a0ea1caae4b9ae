import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { WindowRepository, type ProfileRow, type VersionFilter, type WindowSample } from '@assay/db';
import { SignalProfile, type SignalProfileJSON } from '@assay/stats';

export type WindowSpec = { type: 'time'; seconds: number } | { type: 'count'; samples: number };

export interface WindowData {
  from: Date | null;
  to: Date;
  count: number;
  exact: boolean;
  samples: WindowSample[] | null;
  profile(signal: string): Promise<SignalProfile | null>;
}

export function profileOfValues(values: ReadonlyArray<unknown>): SignalProfile | null {
  const present = values.filter((v): v is number | string | boolean =>
    (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean',
  );
  if (present.length === 0) return null;
  const numeric = present.every((v) => typeof v === 'number');
  const profile = new SignalProfile(numeric ? 'numeric' : 'categorical');
  for (const value of present) profile.add(numeric ? value : String(value));
  return profile;
}

/** One profile per signal over the samples' values. */
export function profilesOfSamples(samples: ReadonlyArray<{ signals: Record<string, unknown> }>): Map<string, SignalProfile> {
  const columns = new Map<string, unknown[]>();
  for (const sample of samples) {
    for (const [signal, value] of Object.entries(sample.signals)) {
      let column = columns.get(signal);
      if (!column) columns.set(signal, (column = []));
      column.push(value);
    }
  }
  const profiles = new Map<string, SignalProfile>();
  for (const [signal, values] of columns) {
    const profile = profileOfValues(values);
    if (profile) profiles.set(signal, profile);
  }
  return profiles;
}

/** The per-minute profile rows of a window, merged into one profile per signal. */
export function mergeProfileRows(rows: ReadonlyArray<ProfileRow>): Map<string, SignalProfile> {
  const profiles = new Map<string, SignalProfile>();
  for (const row of rows) {
    const profile = SignalProfile.fromJSON(row.profile as unknown as SignalProfileJSON);
    const existing = profiles.get(row.signal);
    if (existing) existing.merge(profile);
    else profiles.set(row.signal, profile);
  }
  return profiles;
}

function exactWindow(samples: WindowSample[], from: Date | null, to: Date): WindowData {
  const cache = new Map<string, SignalProfile | null>();
  return {
    from,
    to,
    count: samples.length,
    exact: true,
    samples,
    profile: async (signal) => {
      if (!cache.has(signal)) cache.set(signal, profileOfValues(samples.map((s) => s.signals[signal])));
      return cache.get(signal) ?? null;
    },
  };
}

@Injectable()
export class WindowReader {
  constructor(
    private readonly windows: WindowRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get exactMax(): number {
    return this.config.monitoring.exactWindowMax;
  }

  async read(modelId: string, versions: VersionFilter, spec: WindowSpec, end: Date): Promise<WindowData> {
    if (spec.type === 'count') {
      const samples = await this.windows.lastSamples(modelId, versions, end, spec.samples);
      return exactWindow(samples, samples.length > 0 ? samples[samples.length - 1].time : null, end);
    }
    const from = new Date(end.getTime() - spec.seconds * 1000);
    const estimated = await this.windows.sampledCount(modelId, versions, from, end);
    if (estimated <= this.exactMax) {
      const samples = await this.windows.samplesInWindow(modelId, versions, from, end, this.exactMax + 1);
      if (samples.length <= this.exactMax) return exactWindow(samples, from, end);
    }
    // Past the exact limit the window is read as the merged per-minute profiles the ingest wrote,
    // so its edges are whole minutes.
    const cache = new Map<string, Promise<SignalProfile | null>>();
    const load = async (signal: string): Promise<SignalProfile | null> => {
      const rows = await this.windows.profileRows(modelId, versions, [signal], from, end);
      return mergeProfileRows(rows).get(signal) ?? null;
    };
    return {
      from,
      to: end,
      count: estimated,
      exact: false,
      samples: null,
      profile: (signal) => {
        if (!cache.has(signal)) cache.set(signal, load(signal));
        return cache.get(signal)!;
      },
    };
  }
}
