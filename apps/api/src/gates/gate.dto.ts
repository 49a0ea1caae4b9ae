import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsBoolean, IsDateString, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_ALPHA, MAX_THRESHOLD } from '@assay/stats';
import type { GateDecisionView, GatePolicy } from '@assay/gates';

const SIGNAL = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.:+@/-]{0,127}$/;
const METHODS = ['auto', 'ks', 'chi2', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'ztest'] as const;

export class GateWindowDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @IsDateString() from!: string;
  @ApiProperty({ example: '2026-11-02T00:00:00Z' }) @IsDateString() to!: string;
}

export class EvaluationSetDto {
  @ApiProperty({ enum: ['json', 'jsonl', 'csv'] })
  @IsIn(['json', 'jsonl', 'csv'])
  format!: 'json' | 'jsonl' | 'csv';

  @ApiProperty({
    description: 'json: {signals: {name: [values]}} or {samples: [{...}]}; jsonl and csv: the file text (as baseline uploads)',
    oneOf: [{ type: 'object' }, { type: 'string' }],
  })
  @IsDefined()
  content!: unknown;
}

export class EvaluateGateDto {
  @ApiProperty({ example: 'support-bot' }) @IsString() @MaxLength(200) model!: string;

  @ApiProperty({ example: 'v2', description: 'the candidate version' })
  @Matches(VERSION, { message: 'candidate must be a version name' })
  candidate!: string;

  @ApiPropertyOptional({ description: 'the reference baseline; default: the newest baseline of the production version' })
  @IsOptional()
  @IsUUID()
  baselineId?: string;

  @ApiPropertyOptional({ type: GateWindowDto, description: "shadow traffic: the candidate's samples in [from, to); default: the last 24 hours" })
  @IsOptional()
  @ValidateNested()
  @Type(() => GateWindowDto)
  window?: GateWindowDto;

  @ApiPropertyOptional({ type: EvaluationSetDto, description: 'an uploaded evaluation set instead of shadow traffic' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EvaluationSetDto)
  evaluationSet?: EvaluationSetDto;

  @ApiPropertyOptional({ default: false, description: 'on pass, make the candidate the production version (needs an Idempotency-Key header)' })
  @IsOptional()
  @IsBoolean()
  promote?: boolean;
}

export class GateReasonDto {
  @ApiProperty({ example: 'drift:output_tokens' }) check!: string;
  @ApiProperty({ enum: ['evidence', 'reference', 'drift', 'policy', 'score'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) signal!: string | null;
  @ApiProperty({ enum: ['pass', 'fail', 'insufficient'] }) outcome!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ description: 'one sentence: baseline vs candidate values, the test, p-value and threshold, the verdict' }) summary?: string;
  @ApiPropertyOptional({ type: Object, description: 'the numbers behind the summary: baseline and candidate count, mean, p50, p95 or category shares, the test' })
  explanation?: object;
  @ApiPropertyOptional({ nullable: true, type: String }) method?: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) statistic?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) pValue?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) threshold?: number | null;
  @ApiPropertyOptional() nReference?: number;
  @ApiPropertyOptional() nCurrent?: number;
}

export class GateDecisionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['pass', 'fail', 'insufficient'] }) decision!: string;
  @ApiProperty({ type: [GateReasonDto] }) reasons!: GateReasonDto[];
  @ApiProperty({ description: 'DSSE envelope of an in-toto statement (test-result v0.1 predicate with the decision\'s facts under "assay")' })
  envelope!: Record<string, unknown>;
  @ApiProperty() model!: string;
  @ApiProperty() candidate!: string;
  @ApiProperty({ nullable: true, type: String }) baselineId!: string | null;
  @ApiProperty({ description: 'whether this decision made the candidate the production version' }) promoted!: boolean;
  @ApiProperty({ nullable: true, type: Number }) ledgerIndex!: number | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'true when an earlier decision with the same Idempotency-Key was returned' }) replayed!: boolean;

  static from(view: GateDecisionView): GateDecisionDto {
    return { ...view, reasons: view.reasons, envelope: view.envelope as unknown as Record<string, unknown>, createdAt: view.createdAt.toISOString() };
  }
}

export class GateSignalDto {
  @ApiProperty() @Matches(SIGNAL) signal!: string;
  @ApiProperty({ enum: METHODS }) @IsIn(METHODS) method!: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "materiality: drift needs the method's effect size at or past it; the method's default when null" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_THRESHOLD)
  threshold!: number | null;

  @ApiPropertyOptional({
    nullable: true, type: Number, minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true, default: DEFAULT_ALPHA,
    description: 'significance: drift needs p <= alpha; strictly between 0 and 1',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  alpha?: number | null;
}

export class GatePolicyDto {
  @ApiPropertyOptional({ default: true, description: "check the signals of the model's enabled drift monitors and the rules of its policies" })
  @IsOptional()
  @IsBoolean()
  includeMonitors?: boolean;

  @ApiPropertyOptional({ type: [GateSignalDto], description: 'drift checks beyond (or overriding) the monitors’' })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => GateSignalDto)
  signals?: GateSignalDto[];

  @ApiPropertyOptional({ type: [String], example: ['p95(latency_ms) <= 1500'] })
  @IsOptional()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  rules?: string[];

  @ApiPropertyOptional({ example: { 'eval.faithfulness.score': { min: 0.8 } }, description: 'bounds on the mean of each named signal' })
  @IsOptional()
  @IsObject()
  requiredScores?: Record<string, { min?: number; max?: number }>;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  minSamples?: number;
}

export class GatePolicyViewDto {
  @ApiProperty() includeMonitors!: boolean;
  @ApiProperty({ type: [GateSignalDto] }) signals!: GateSignalDto[];
  @ApiProperty({ type: [String] }) rules!: string[];
  @ApiProperty() requiredScores!: Record<string, { min?: number; max?: number }>;
  @ApiProperty() minSamples!: number;

  static from(policy: GatePolicy): GatePolicyViewDto {
    return { ...policy };
  }
}
