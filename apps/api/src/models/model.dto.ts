import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDateString,
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { CustomSignalSpec } from '@assay/otlp';
import { LIFECYCLES, RISK_TIERS, type Lifecycle, type ModelEntity, type ModelPatch, type ModelVersionEntity, type RiskTier } from '@assay/db';
import { MAX_G_CO2E_PER_WH, MAX_SAMPLES_PER_MINUTE, MAX_USD_PER_MILLION_TOKENS, MAX_WH_PER_THOUSAND_TOKENS, type SamplePage } from '@assay/models';

const MODEL_NAME = /^[\p{L}\p{N}_.:/@-]+$/u;

export class ModelMatchDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'further values of gen_ai.request.model / gen_ai.response.model that mean this model (the model name always does)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  modelNames?: string[];

  @ApiPropertyOptional({ description: 'only spans of this service.name match' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  serviceName?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'custom match: every key must equal its value (span attribute, else resource attribute); replaces the model-name test',
    example: { 'app.feature': 'summarise' },
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | number | boolean>;
}

export class SamplingDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'chance that a matched span is sampled' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  probability!: number;

  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: MAX_SAMPLES_PER_MINUTE, description: 'cap of sampled spans per version and minute, per ingest process; null: none' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_SAMPLES_PER_MINUTE)
  maxPerMinute?: number | null;
}

export class EnergyDto {
  @ApiProperty({ description: 'estimated watt-hours per 1000 tokens (input + output); gives the signal energy_wh (an estimate)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_WH_PER_THOUSAND_TOKENS)
  whPerThousandTokens!: number;

  @ApiProperty({ description: 'estimated grams CO2e per watt-hour; gives the signal co2e_g (an estimate)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_G_CO2E_PER_WH)
  gCo2ePerWh!: number;
}

const CUSTOM_SIGNALS_DOC = {
  type: 'array',
  items: { type: 'object' },
  description:
    'custom signals: {name, kind: numeric|categorical, source} with source one of {type: span_attribute, key}, ' +
    '{type: resource_attribute, key}, {type: event_attribute, event, key}, {type: regex_match, pattern, flags?, target: output_text|input_text}, ' +
    '{type: output_length}. Patterns use RE2 syntax (linear-time matching; flags i, m, s, u): backreferences and lookaround are refused ' +
    'with 400, and each ingest request has a regex time budget past which its remaining regex signals get no value.',
  example: [{ name: 'pii_found', kind: 'categorical', source: { type: 'regex_match', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', target: 'output_text' } }],
} as const;

/**
 * Span matching: by default a span belongs to the model when `gen_ai.request.model` or
 * `gen_ai.response.model` equals its name (or one of `match.modelNames`), optionally only for
 * `match.serviceName`; `match.attributes` replaces the name test. The version comes from
 * `versionAttribute` (default `assay.model.version`), else the resource's `service.version`, else "unknown".
 */
export class ModelSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) owner?: string;
  @ApiPropertyOptional({ enum: RISK_TIERS, default: 'medium' }) @IsOptional() @IsIn(RISK_TIERS) riskTier?: RiskTier;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 4000) description?: string;

  @ApiPropertyOptional({ type: ModelMatchDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelMatchDto)
  match?: ModelMatchDto;

  @ApiPropertyOptional({ default: 'assay.model.version', description: 'span or resource attribute naming the version; fallback service.version' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  versionAttribute?: string;

  @ApiPropertyOptional({ type: SamplingDto, default: { probability: 1, maxPerMinute: null } })
  @IsOptional()
  @ValidateNested()
  @Type(() => SamplingDto)
  sampling?: SamplingDto;

  @ApiPropertyOptional(CUSTOM_SIGNALS_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  customSignals?: CustomSignalSpec[];

  @ApiPropertyOptional({ type: EnergyDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => EnergyDto)
  energy?: EnergyDto | null;
}

export class CreateModelDto extends ModelSettingsDto {
  @ApiProperty({ example: 'gpt-4o-mini', description: 'unique in the project; also the default gen_ai.*.model value that matches' })
  @IsString()
  @Length(1, 200)
  @Matches(MODEL_NAME, { message: 'name may contain letters, digits and _ . : / @ -' })
  name!: string;
}

export class UpdateModelDto extends ModelSettingsDto {}

export class ModelDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) owner!: string | null;
  @ApiProperty({ enum: RISK_TIERS }) riskTier!: RiskTier;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: ModelMatchDto }) match!: ModelMatchDto;
  @ApiProperty() versionAttribute!: string;
  @ApiProperty({ type: SamplingDto }) sampling!: SamplingDto;
  @ApiProperty(CUSTOM_SIGNALS_DOC) customSignals!: CustomSignalSpec[];
  @ApiProperty({ type: EnergyDto, nullable: true }) energy!: EnergyDto | null;
  @ApiProperty({ description: 'registered by the ingest on first sight (project setting autoRegisterModels)' }) autoRegistered!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(m: ModelEntity): ModelDto {
    return {
      id: m.id,
      name: m.name,
      owner: m.owner,
      riskTier: m.riskTier,
      description: m.description,
      match: m.match,
      versionAttribute: m.versionAttribute,
      sampling: m.sampling,
      customSignals: m.customSignals,
      energy: m.energy,
      autoRegistered: m.autoRegistered,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

export class ModelListDto {
  @ApiProperty({ type: [ModelDto] }) items!: ModelDto[];
}

export class CreateVersionDto {
  @ApiProperty({ example: '2025-06-01' }) @IsString() @Length(1, 200) version!: string;

  @ApiPropertyOptional({
    example: `sha256:${'0'.repeat(64)}`,
    description:
      '`<algorithm>:<lowercase hex>` with an in-toto DigestSet algorithm (sha256, sha384, sha512, sha3_256, gitCommit, dirHash, …); ' +
      "the subject of the version's signed gate decisions. Without it the subject is the SHA-256 of {\"model\",\"version\"} (see the README)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  artifactDigest?: string;

  @ApiPropertyOptional({ enum: LIFECYCLES, default: 'candidate' }) @IsOptional() @IsIn(LIFECYCLES) lifecycle?: Lifecycle;
}

export class UpdateVersionDto {
  @ApiProperty({ enum: LIFECYCLES, description: 'forward only: candidate → approved → production → retired; production retires the current one' })
  @IsIn(LIFECYCLES)
  lifecycle!: Lifecycle;
}

export class ModelVersionDto {
  @ApiProperty() version!: string;
  @ApiProperty({ nullable: true, type: String }) artifactDigest!: string | null;
  @ApiProperty({ enum: LIFECYCLES }) lifecycle!: Lifecycle;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(v: ModelVersionEntity): ModelVersionDto {
    return { version: v.version, artifactDigest: v.artifactDigest, lifecycle: v.lifecycle, createdAt: v.createdAt.toISOString(), updatedAt: v.updatedAt.toISOString() };
  }
}

export class ModelVersionListDto {
  @ApiProperty({ type: [ModelVersionDto] }) items!: ModelVersionDto[];
}

export class SampleQueryDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) version?: string;
}

export class SampleDto {
  @ApiProperty() traceId!: string;
  @ApiProperty() spanId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'span start' }) time!: string;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] } }) signals!: Record<string, number | string>;
}

export class SamplePageDto {
  @ApiProperty({ type: [SampleDto], description: 'newest first' }) items!: SampleDto[];
  @ApiProperty({ description: 'matched spans counted at ingest (over the same version filter)' }) seen!: number;
  @ApiProperty({ description: 'of those, sampled and stored' }) sampled!: number;

  static from(page: SamplePage): SamplePageDto {
    return {
      items: page.items.map((s) => ({ traceId: s.traceId, spanId: s.spanId, version: s.version, time: s.time.toISOString(), signals: s.signals })),
      seen: page.seen,
      sampled: page.sampled,
    };
  }
}

export class UnmatchedQueryDto {
  @ApiPropertyOptional({ description: 'start (ISO 8601); default 24 hours before `to`' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ description: 'end, exclusive (ISO 8601); default now' }) @IsOptional() @IsDateString() to?: string;
}

export class UnmatchedServiceDto {
  @ApiProperty({ description: 'the resource\'s service.name (`unknown_service` when absent)' }) serviceName!: string;
  @ApiProperty({ description: 'inference spans of this service that matched no model' }) count!: number;
}

export class UnmatchedSpansDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [UnmatchedServiceDto], description: 'most first' }) services!: UnmatchedServiceDto[];
}

export class PriceDto {
  @ApiProperty({ example: 'openai', description: 'gen_ai.provider.name (or its older forms)' }) @IsString() @Length(1, 200) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini', description: 'the response model, else the request model' }) @IsString() @Length(1, 200) model!: string;
  @ApiProperty({ description: 'USD per million input tokens' }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_USD_PER_MILLION_TOKENS) inputPerMillion!: number;

  @ApiPropertyOptional({ nullable: true, description: 'USD per million cached input tokens; the input price when absent' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_USD_PER_MILLION_TOKENS)
  cachedInputPerMillion?: number | null;

  @ApiProperty({ description: 'USD per million output tokens' }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_USD_PER_MILLION_TOKENS) outputPerMillion!: number;
}

export class PutPricesDto {
  @ApiProperty({ type: [PriceDto], description: 'inserted or replaced; prices not named are kept' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PriceDto)
  prices!: PriceDto[];
}

export class PriceListDto {
  @ApiProperty({ type: [PriceDto] }) items!: PriceDto[];
}

export function modelSettings(dto: ModelSettingsDto): ModelPatch {
  const { sampling, ...rest } = dto;
  return sampling ? { ...rest, sampling: { probability: sampling.probability, maxPerMinute: sampling.maxPerMinute ?? null } } : rest;
}
