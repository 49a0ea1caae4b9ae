import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const UNITS = ['ms', 'tokens', 'USD', 'Wh', 'g CO2e', '%'];

export class CategoryShareDto {
  @ApiProperty() category!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'fraction of the side, 0 to 1' }) share!: number;
}

export class ProfileSummaryDto {
  @ApiProperty({ enum: ['numeric', 'categorical'] }) kind!: 'numeric' | 'categorical';
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'false when quantiles come from a quantile sketch rather than from every value' }) exact!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only' }) mean?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only' }) standardDeviation?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only' }) min?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only' }) max?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only: the median' }) p50?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'numeric only' }) p95?: number | null;
  @ApiPropertyOptional({ type: [Number], description: 'numeric only: the quantiles at 0, 0.05, …, 1' }) quantiles?: number[];
  @ApiPropertyOptional({ type: [CategoryShareDto], description: 'categorical only: the largest categories, largest first' }) categories?: CategoryShareDto[];
  @ApiPropertyOptional({ description: 'categorical only: share of the categories not listed' }) otherShare?: number;
}

export class ExplainedMeasureDto {
  @ApiProperty({ enum: ['mean', 'p50', 'p95'] }) measure!: string;
  @ApiProperty({ nullable: true, type: Number }) baseline!: number | null;
  @ApiProperty({ nullable: true, type: Number }) current!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '(current − baseline) / |baseline|; null from a baseline of 0' }) change!: number | null;
}

export class ExplainedShareDto {
  @ApiProperty() category!: string;
  @ApiProperty() baseline!: number;
  @ApiProperty() current!: number;
  @ApiProperty({ description: 'in share points: current − baseline' }) change!: number;
}

export class ExplainedTestDto {
  @ApiProperty({ example: 'ks' }) method!: string;
  @ApiProperty({ example: 'KS D', description: 'what the statistic is called in the sentence' }) statisticName!: string;
  @ApiProperty({ description: "why this test: auto's reasoning, or 'set in the request'" }) chosenBecause!: string;
  @ApiProperty({ nullable: true, type: Number }) statistic!: number | null;
  @ApiProperty({ nullable: true, type: Number }) pValue!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'after a correction across checks; null here' }) adjustedPValue!: number | null;
  @ApiProperty({ enum: ['none', 'bh', 'bonferroni'] }) correction!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'materiality threshold applied' }) threshold!: number | null;
  @ApiProperty({ enum: ['p-value', 'statistic'], description: 'what the threshold is compared with: the effect size (statistic) under calibration' })
  thresholdAppliesTo!: string;
  @ApiProperty({ nullable: true, type: Number }) effectSize!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "the statistic's upper alpha quantile under no change at these sizes" }) noiseFloor?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) alpha?: number | null;
  @ApiProperty() exact!: boolean;
  @ApiProperty({ nullable: true, type: Number }) errorBound!: number | null;
  @ApiProperty({ description: "the statistics library's own account of the decision (the result's reason)" }) detail!: string;
}

/** The explanation check runs carry, documented field by field for the drift API. */
export class DriftExplanationDto {
  @ApiProperty({ enum: [1] }) version!: number;
  @ApiProperty({ enum: ['drift'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the signal named in the request, or "values"' }) signal!: string | null;
  @ApiProperty({ nullable: true, enum: UNITS, description: "the unit the signal's name states (latency_ms: ms, output_tokens: tokens, cost_usd: USD, …)" })
  unit!: string | null;
  @ApiProperty({ enum: ['drift', 'ok'] }) verdict!: string;
  @ApiProperty({ type: ProfileSummaryDto, nullable: true, description: 'the reference side' }) baseline!: ProfileSummaryDto | null;
  @ApiProperty({ type: ProfileSummaryDto, nullable: true, description: 'the current side' }) current!: ProfileSummaryDto | null;
  @ApiProperty({ type: [ExplainedMeasureDto], description: 'numbers: mean, median and p95 of both sides and their change' }) measures!: ExplainedMeasureDto[];
  @ApiProperty({ type: [ExplainedShareDto], description: "categories: each reference category's share on both sides" }) shares!: ExplainedShareDto[];
  @ApiProperty({ type: ExplainedTestDto, nullable: true }) test!: ExplainedTestDto | null;
  @ApiProperty({ nullable: true, type: Object, description: 'a policy rule; null for drift' }) rule!: object | null;
  @ApiProperty({ example: 'latency_ms: median 800 → 1,210 ms (+51%), p95 931 → 1,400 ms (+50%); KS D = 0.9 ≥ 0.05, p = 3.1e-41 ≤ α = 0.01, noise floor 0.231; drift (100 baseline vs 100 current values)' })
  sentence!: string;
}
