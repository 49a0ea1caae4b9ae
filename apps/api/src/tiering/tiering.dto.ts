import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, Matches } from 'class-validator';

const DECIMAL = /^(?:0|[1-9]\d{0,5})(?:\.\d{1,12})?$/;
const decimalMessage = (name: string): string => `"${name}" must be a decimal number such as 0.05`;

export class TieringQueryDto {
  @ApiPropertyOptional({ description: 'start (ISO 8601); default 30 days before `to`, at most the sample retention' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'end, exclusive (ISO 8601); default now' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ description: 'non-inferiority margin, above 0 and below 1; default the project setting tiering.margin, else 0.02', example: '0.02' })
  @IsOptional()
  @Matches(DECIMAL, { message: decimalMessage('margin') })
  margin?: string;

  @ApiPropertyOptional({ description: 'one-sided level, above 0 and below 0.5; default the project setting tiering.alpha, else 0.05', example: '0.05' })
  @IsOptional()
  @Matches(DECIMAL, { message: decimalMessage('alpha') })
  alpha?: string;
}

export class TierTestDto {
  @ApiProperty({ description: '`eval.<name>.score`, `eval.<name>.label` (share of `pass`) or `error_rate`' }) signal!: string;
  @ApiProperty({ description: 'the incumbent’s mean or share (the error rate: share of failed calls)' }) incumbent!: number;
  @ApiProperty() candidate!: number;
  @ApiProperty({ description: 'candidate − incumbent, oriented so that positive means the candidate is better' }) difference!: number;
  @ApiProperty({ description: 'two-sided 1 − 2α interval of the difference' }) lowerBound!: number;
  @ApiProperty() upperBound!: number;
  @ApiProperty({ description: 'one-sided p-value of H0: difference ≤ −margin (Welch’s t for means, Miettinen–Nurminen for shares)' }) pValue!: number;
}

export class TierDecisionDto {
  @ApiProperty() journey!: string;
  @ApiProperty() incumbent!: string;
  @ApiProperty({ description: 'a model that costs less per call on this journey' }) candidate!: string;
  @ApiProperty({ enum: ['switch', 'keep', 'insufficient'] }) verdict!: string;
  @ApiProperty({ type: [TierTestDto] }) tests!: TierTestDto[];
  @ApiProperty({ description: 'the largest of the tests’ p-values (intersection–union)' }) pValue!: number;
  @ApiProperty({ description: 'Benjamini–Hochberg across all decisions of the report' }) adjustedPValue!: number;
  @ApiProperty() savingsUsdPerMonth!: number;
  @ApiProperty({ type: Number, nullable: true }) co2eSavedGPerMonth!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'insufficient: further candidate calls for 80% power' }) moreCallsNeeded!: number | null;
  @ApiProperty() sentence!: string;
}

export class ModelTierSummaryDto {
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ description: 'estimated from seen counts: exact when every call is seen' }) calls!: number;
  @ApiProperty({ description: 'sampled cost scaled by seen / sampled' }) spendUsd!: number;
  @ApiProperty({ description: 'spend / calls, failed calls included' }) costPerCallUsd!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'from 1% latency buckets: within 0.5%' }) latencyP50Ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latencyP95Ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) errorRate!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'per quality signal: the mean score, or the share of `pass`' })
  scores!: Record<string, number>;
}

export class TierExperimentDto {
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ description: 'share of the journey’s traffic to send to the trial model' }) trafficShare!: number;
  @ApiProperty({ description: 'days at current volume until the trial has the calls a decision needs' }) days!: number;
  @ApiProperty() sentence!: string;
}

export class JourneyTierSummaryDto {
  @ApiProperty() journey!: string;
  @ApiProperty() calls!: number;
  @ApiProperty() spendUsd!: number;
  @ApiProperty({ type: Number, nullable: true, description: '1 − distinct inputs / calls with input content, over every seen call' }) repeatShare!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'relative standard error of the distinct-count sketch' }) repeatShareError!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'what an exact cache of repeated inputs would save a month' }) exactCacheSavingsUsdPerMonth!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'provider-cached input tokens / input tokens' }) cachedInputShare!: number | null;
  @ApiProperty({ description: 'every call went to one provider' }) singleProvider!: boolean;
  @ApiProperty({ type: [ModelTierSummaryDto] }) models!: ModelTierSummaryDto[];
  @ApiProperty({ type: [TierDecisionDto] }) decisions!: TierDecisionDto[];
  @ApiProperty({ type: TierExperimentDto, nullable: true, description: 'for a journey served by one model' }) experiment!: TierExperimentDto | null;
}

export class ProviderSpendDto {
  @ApiProperty() provider!: string;
  @ApiProperty() calls!: number;
  @ApiProperty() spendUsd!: number;
  @ApiProperty() spendShare!: number;
}

export class TieringReportDto {
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() margin!: number;
  @ApiProperty() alpha!: number;
  @ApiProperty({ type: [JourneyTierSummaryDto], description: 'most spend first' }) journeys!: JourneyTierSummaryDto[];
  @ApiProperty({ type: [ProviderSpendDto] }) providers!: ProviderSpendDto[];
  @ApiProperty({ description: 'Herfindahl–Hirschman index of provider spend shares, 0–1' }) hhi!: number;
}
