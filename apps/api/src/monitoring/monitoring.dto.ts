import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min,
  Validate, ValidateIf, ValidateNested, ValidatorConstraint, type ValidatorConstraintInterface,
} from 'class-validator';
import { DEFAULT_ALPHA, MAX_THRESHOLD } from '@assay/stats';
import type { BaselineEntity, BaselineSignalEntity, CheckRunEntity, MonitorEntity } from '@assay/db';
import { DEFAULT_DRIFT_ALERT_AFTER, DEFAULT_POLICY_ALERT_AFTER, MAX_ALERT_AFTER, type ModelStatus } from '@assay/monitoring';

const SIGNAL = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const NAME = /^[\p{L}\p{N} _.:-]{1,200}$/u;
const METHODS = ['auto', 'ks', 'chi2', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'ztest'] as const;
const SEVERITIES = ['info', 'warning', 'critical'] as const;
const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const MAX_SCOPE_VERSIONS = 20;

@ValidatorConstraint({ name: 'versionScope' })
class VersionScopeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === 'production' || value === 'all') return true;
    return Array.isArray(value) && value.length >= 1 && value.length <= MAX_SCOPE_VERSIONS
      && value.every((v) => typeof v === 'string' && v.length >= 1 && v.length <= 200);
  }

  defaultMessage(): string {
    return `versions must be "production", "all" or a list of 1 to ${MAX_SCOPE_VERSIONS} version names (1 to 200 characters each)`;
  }
}

const VERSIONS_DESCRIPTION =
  'whose traffic is judged: "production" (default; the version in production, following promotions; all traffic while none is), "all", or a list of versions';

export class WindowDto {
  @ApiProperty({ enum: ['time', 'count'], description: 'tumbling by time (the last `seconds` before each tick) or the last `samples` samples' })
  @IsIn(['time', 'count'])
  type!: 'time' | 'count';

  @ApiPropertyOptional({ description: 'window length for type time (1 s to 90 days)' })
  @ValidateIf((w: WindowDto) => w.type === 'time')
  @IsInt()
  @Min(1)
  @Max(90 * 86400)
  seconds?: number;

  @ApiPropertyOptional({ description: 'number of samples for type count (1 to 1,000,000)' })
  @ValidateIf((w: WindowDto) => w.type === 'count')
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  samples?: number;
}

class CheckSettingsDto {
  @ApiProperty({ example: 'output length' })
  @Matches(NAME, { message: 'name must be 1-200 letters, digits, spaces or _ . : -' })
  name!: string;

  @ApiProperty({ type: WindowDto })
  @ValidateNested()
  @Type(() => WindowDto)
  window!: WindowDto;

  @ApiPropertyOptional({ default: 30, description: 'fewer samples in the window give insufficient_data' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  minSamples?: number;

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'warning' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({
    description: 'consecutive failing windows (drift or breach; insufficient data is skipped) before an alert opens; one passing window resolves it',
    minimum: 1, maximum: MAX_ALERT_AFTER, default: `${DEFAULT_DRIFT_ALERT_AFTER} for drift monitors, ${DEFAULT_POLICY_ALERT_AFTER} for policies`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ALERT_AFTER)
  alertAfter?: number;

  @ApiProperty({ description: 'seconds between scheduled runs', example: 60 })
  @IsInt()
  @Min(1)
  @Max(31 * 86400)
  scheduleSeconds!: number;

  @ApiPropertyOptional({ description: VERSIONS_DESCRIPTION, oneOf: [{ type: 'string', enum: ['production', 'all'] }, { type: 'array', items: { type: 'string' } }], example: 'production' })
  @IsOptional()
  @Validate(VersionScopeConstraint)
  versions?: 'production' | 'all' | string[];

  @ApiPropertyOptional({ description: 'one version: the same as "versions": [version]' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  version?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the baseline to compare with (default: the latest baseline of the production version)' })
  @IsOptional()
  @IsUUID()
  baselineId?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateMonitorDto extends CheckSettingsDto {
  @ApiProperty({ example: 'output_tokens' })
  @Matches(SIGNAL, { message: 'signal must be a signal name such as output_tokens or eval.faithfulness.score' })
  signal!: string;

  @ApiProperty({ enum: METHODS, default: 'auto' })
  @IsIn(METHODS)
  method!: (typeof METHODS)[number];

  @ApiPropertyOptional({
    description:
      "materiality: drift needs the effect at or past it (KS's D, chi2's Cramér's V, ztest's |difference|, a distance itself, raw Wasserstein in the signal's units); default per method",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_THRESHOLD)
  threshold?: number;

  @ApiPropertyOptional({
    description: "significance: drift needs p <= alpha, before any correction across the model's monitors; strictly between 0 and 1",
    default: DEFAULT_ALPHA, minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  alpha?: number;
}

export class CreatePolicyDto extends CheckSettingsDto {
  @ApiProperty({ example: 'p95(latency_ms) <= 1500', description: 'a comparison of window aggregates (mean, p1..p99, min, max, count, stddev, sum, rate(predicate)) with constants or baseline.<aggregate>' })
  @IsString()
  @MaxLength(2000)
  rule!: string;
}

export class UpdateMonitorDto {
  @ApiPropertyOptional() @IsOptional() @Matches(SIGNAL) signal?: string;
  @ApiPropertyOptional({ enum: METHODS }) @IsOptional() @IsIn(METHODS) method?: (typeof METHODS)[number];
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_THRESHOLD) threshold?: number;
  @ApiPropertyOptional({ description: 'significance: strictly between 0 and 1', minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) alpha?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) rule?: string;
  @ApiPropertyOptional({ type: WindowDto }) @IsOptional() @ValidateNested() @Type(() => WindowDto) window?: WindowDto;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(10_000_000) minSamples?: number;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: (typeof SEVERITIES)[number];
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ALERT_AFTER }) @IsOptional() @IsInt() @Min(1) @Max(MAX_ALERT_AFTER) alertAfter?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(31 * 86400) scheduleSeconds?: number;
  @ApiPropertyOptional({ description: VERSIONS_DESCRIPTION, oneOf: [{ type: 'string', enum: ['production', 'all'] }, { type: 'array', items: { type: 'string' } }] })
  @IsOptional() @Validate(VersionScopeConstraint) versions?: 'production' | 'all' | string[];
  @ApiPropertyOptional({ description: 'one version: the same as "versions": [version]' }) @IsOptional() @IsString() @Length(1, 200) version?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() baselineId?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class MonitorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['drift', 'policy'] }) kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) signal!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) method!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'as set; null for the method default' }) threshold!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'significance level (drift monitors)' }) alpha!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "the method applied against the monitor's baseline (auto resolved); null until there is one" })
  effectiveMethod!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the materiality threshold applied (the default filled in)' }) effectiveThreshold!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) effectiveReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) rule!: string | null;
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty() minSamples!: number;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ description: 'consecutive failing windows before an alert opens' }) alertAfter!: number;
  @ApiProperty() scheduleSeconds!: number;
  @ApiProperty({ description: VERSIONS_DESCRIPTION, oneOf: [{ type: 'string', enum: ['production', 'all'] }, { type: 'array', items: { type: 'string' } }] })
  versions!: 'production' | 'all' | string[];
  @ApiPropertyOptional({ nullable: true, type: String }) baselineId!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() createdAt!: string;

  static from(m: MonitorEntity): MonitorDto {
    return {
      id: m.id, name: m.name, kind: m.kind, signal: m.signal, method: m.method, threshold: m.threshold,
      alpha: m.alpha, effectiveMethod: m.effectiveMethod, effectiveThreshold: m.effectiveThreshold, effectiveReason: m.effectiveReason,
      rule: m.rule,
      window: m.windowType === 'time' ? { type: 'time', seconds: m.windowSize } : { type: 'count', samples: m.windowSize },
      minSamples: m.minSamples, severity: m.severity, alertAfter: m.alertAfter, scheduleSeconds: m.scheduleSeconds,
      versions: m.versionScope === 'list' ? m.versions ?? [] : m.versionScope,
      baselineId: m.baselineId, enabled: m.enabled, createdAt: m.createdAt.toISOString(),
    };
  }
}

export class MonitorListDto {
  @ApiProperty({ type: [MonitorDto] }) items!: MonitorDto[];
}

export class CheckRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) monitorId!: string;
  @ApiProperty({ enum: ['drift', 'policy'] }) kind!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) signal!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'the one version whose traffic was judged; null when several or all' }) version!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['production', 'all', 'list'], description: 'the monitor’s version scope when it ran (null for runs before scopes)' }) versionScope!: string | null;
  @ApiPropertyOptional({ nullable: true, type: [String], description: 'the versions whose traffic was judged; null for all traffic' }) versions!: string[] | null;
  @ApiPropertyOptional({ nullable: true, type: String }) windowFrom!: string | null;
  @ApiProperty() windowTo!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) method!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) statistic!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) pValue!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) adjustedPValue!: number | null;
  @ApiProperty({ enum: ['none', 'bonferroni', 'bh'] }) correction!: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'materiality threshold applied (a policy: the right-hand side)' }) threshold!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'significance level applied' }) alpha!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "the statistic's upper alpha quantile under no change at this run's sizes" })
  noiseFloor!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) effectSize!: number | null;
  @ApiProperty() nReference!: number;
  @ApiProperty() nCurrent!: number;
  @ApiProperty() exact!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) errorBound!: number | null;
  @ApiProperty({ enum: ['ok', 'drift', 'breach', 'insufficient_data'] }) verdict!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) baselineId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) referenceDigest!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) currentDigest!: string | null;
  @ApiProperty({ type: Object }) details!: Record<string, unknown>;
  @ApiPropertyOptional({
    nullable: true,
    type: Object,
    description: 'What the run found: baseline and current summaries (count, mean, p50, p95 or category shares), their change, the test, and one sentence. Null on runs from before explanations existed.',
  })
  explanation!: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) ledgerIndex!: number | null;
  @ApiProperty() createdAt!: string;

  static from(r: CheckRunEntity): CheckRunDto {
    return {
      id: r.id, monitorId: r.monitorId, kind: r.kind, trigger: r.trigger, signal: r.signal, version: r.version,
      versionScope: r.versionScope, versions: r.versions, windowFrom: iso(r.windowFrom), windowTo: r.windowTo.toISOString(), method: r.method, statistic: r.statistic,
      pValue: r.pValue, adjustedPValue: r.adjustedPValue, correction: r.correction, threshold: r.threshold,
      alpha: r.alpha ?? null, noiseFloor: r.noiseFloor ?? null, effectSize: r.effectSize, nReference: r.nReference, nCurrent: r.nCurrent, exact: r.exact, errorBound: r.errorBound,
      verdict: r.verdict, reason: r.reason, severity: r.severity, baselineId: r.baselineId,
      referenceDigest: r.referenceDigest, currentDigest: r.currentDigest, details: r.details, explanation: r.explanation ?? null,
      ledgerIndex: r.ledgerIndex, createdAt: r.createdAt.toISOString(),
    };
  }
}

export class CheckRunListDto {
  @ApiProperty({ type: [CheckRunDto] }) items!: CheckRunDto[];
}

export class CheckRunQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) model?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() monitorId?: string;
  @ApiPropertyOptional({ enum: ['drift', 'policy'] }) @IsOptional() @IsIn(['drift', 'policy']) kind?: 'drift' | 'policy';
  @ApiPropertyOptional({ enum: ['ok', 'drift', 'breach', 'insufficient_data'] }) @IsOptional() @IsIn(['ok', 'drift', 'breach', 'insufficient_data']) verdict?: 'ok' | 'drift' | 'breach' | 'insufficient_data';
  @ApiPropertyOptional() @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class SeriesQueryDto {
  @ApiProperty() @IsDateString() from!: string;
  @ApiPropertyOptional({ description: 'default now' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ default: 1000, maximum: 10000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) limit?: number;
}

export class SeriesPointDto {
  @ApiProperty() windowTo!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) statistic!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) pValue!: number | null;
  @ApiProperty() verdict!: string;
  @ApiProperty() nCurrent!: number;
}

export class SeriesDto {
  @ApiProperty({ format: 'uuid' }) monitorId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) method!: string | null;
  @ApiProperty({ type: [SeriesPointDto] }) points!: SeriesPointDto[];
}

export class MonitorStatusDto {
  @ApiProperty({ type: MonitorDto }) monitor!: MonitorDto;
  @ApiPropertyOptional({ type: CheckRunDto, nullable: true }) latest!: CheckRunDto | null;
}

export class ModelStatusDto {
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['ok', 'drift', 'breach', 'insufficient_data', 'unchecked'] }) state!: string;
  @ApiProperty({ type: [MonitorStatusDto] }) monitors!: MonitorStatusDto[];

  static from(status: ModelStatus): ModelStatusDto {
    return {
      model: status.model,
      state: status.state,
      monitors: status.monitors.map((m) => ({ monitor: MonitorDto.from(m.monitor), latest: m.latest ? CheckRunDto.from(m.latest) : null })),
    };
  }
}

export class RunAcceptedDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ format: 'uuid' }) monitorId!: string;
  @ApiProperty() at!: string;
}

export class CorrectionDto {
  @ApiProperty({ enum: ['none', 'bonferroni', 'bh'], description: 'multiple-testing correction across the model’s monitors in one tick' })
  @IsIn(['none', 'bonferroni', 'bh'])
  correction!: 'none' | 'bonferroni' | 'bh';
}

export class CaptureBaselineDto {
  @ApiProperty({ example: 'v1' }) @IsString() @Length(1, 200) version!: string;
  @ApiProperty({ description: 'start of the window (inclusive)' }) @IsDateString() from!: string;
  @ApiProperty({ description: 'end of the window (exclusive)' }) @IsDateString() to!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class UploadBaselineQueryDto {
  @ApiProperty({ example: 'v1' }) @IsString() @Length(1, 200) version!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class BaselineSignalDto {
  @ApiProperty() signal!: string;
  @ApiProperty({ enum: ['numeric', 'categorical'] }) kind!: string;
  @ApiProperty() count!: number;
  @ApiProperty() digest!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) mean!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) p50!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) p95!: number | null;
  @ApiPropertyOptional({ type: Object, description: 'category → count (categorical signals)' }) categories?: Record<string, number>;
}

export class BaselineDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ enum: ['window', 'upload'] }) source!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) windowFrom!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) windowTo!: string | null;
  @ApiProperty() sampleCount!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'sha256 over the digests of its signals' }) digest!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) ledgerIndex!: number | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ type: [BaselineSignalDto] }) signals?: BaselineSignalDto[];

  static from(b: BaselineEntity, signals?: BaselineSignalDto[]): BaselineDto {
    return {
      id: b.id, version: b.version, source: b.source, windowFrom: iso(b.windowFrom), windowTo: iso(b.windowTo),
      sampleCount: b.sampleCount, description: b.description, digest: b.digest, ledgerIndex: b.ledgerIndex,
      createdAt: b.createdAt.toISOString(), signals,
    };
  }
}

export class BaselineListDto {
  @ApiProperty({ type: [BaselineDto] }) items!: BaselineDto[];
}

export type BaselineSignalRow = BaselineSignalEntity;
