import type { BaselineEntity, BaselineSignalEntity } from '@assay/db';
import { SignalProfile, type SignalProfileJSON } from '@assay/stats';
import { BaselineDto, type BaselineSignalDto } from './monitoring.dto.js';

export function baselineSignalDtoOf(row: BaselineSignalEntity): BaselineSignalDto {
  const profile = SignalProfile.fromJSON(row.profile as unknown as SignalProfileJSON);
  const numeric = profile.kind === 'numeric' && profile.count > 0;
  return {
    signal: row.signal,
    kind: row.kind,
    count: row.count,
    digest: row.digest,
    mean: numeric ? profile.mean() : null,
    p50: numeric ? profile.quantile(0.5) : null,
    p95: numeric ? profile.quantile(0.95) : null,
    categories: profile.kind === 'categorical' ? Object.fromEntries(profile.categoryCounts()) : undefined,
  };
}

export function baselineDtoOf(baseline: BaselineEntity, signals: BaselineSignalEntity[]): BaselineDto {
  return BaselineDto.from(baseline, signals.map(baselineSignalDtoOf));
}
