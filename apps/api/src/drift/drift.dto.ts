import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { DEFAULT_ALPHA, MAX_THRESHOLD, type DriftMethod, type PValueMethod, type DriftResult, type SignalKind } from '@assay/stats';
import { DriftExplanationDto } from './drift-explanation.dto.js';

export const DRIFT_METHODS: DriftMethod[] = [
  'auto', 'ks', 'chi2', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'ztest',
];

// Each side is held in memory and sorted: this bounds the work of one request.
export const MAX_COMPARE_VALUES = 250_000;

const SIGNAL = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

export class DriftCompareDto {
  @ApiPropertyOptional({ example: 'latency_ms', default: 'values', description: "what the values are, for the explanation: named in its sentence, and its unit read from the name (latency_ms: ms)" })
  @IsOptional()
  @Matches(SIGNAL, { message: 'signal must be a signal name such as latency_ms or eval.faithfulness.score' })
  signal?: string;

  @ApiProperty({
    description: `reference values: numbers, strings or booleans (at most ${MAX_COMPARE_VALUES})`,
    example: [1.2, 1.4, 1.1, 1.3],
    type: 'array',
    items: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
  })
  @IsArray()
  @ArrayMaxSize(MAX_COMPARE_VALUES)
  reference!: unknown[];

  @ApiProperty({
    description: `current values (at most ${MAX_COMPARE_VALUES})`,
    example: [1.9, 2.1, 2.0, 1.8],
    type: 'array',
    items: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
  })
  @IsArray()
  @ArrayMaxSize(MAX_COMPARE_VALUES)
  current!: unknown[];

  @ApiPropertyOptional({ enum: DRIFT_METHODS, default: 'auto' })
  @IsOptional()
  @IsIn(DRIFT_METHODS)
  method?: DriftMethod;

  @ApiPropertyOptional({
    description:
      "materiality: drift needs the effect at or past it (KS's D, chi2's Cramér's V, ztest's |difference|, a distance itself, raw Wasserstein in the signal's units); the method's default when absent",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_THRESHOLD)
  threshold?: number;

  @ApiPropertyOptional({ description: 'significance: drift needs p <= alpha', default: DEFAULT_ALPHA, exclusiveMinimum: true, exclusiveMaximum: true, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  alpha?: number;

  @ApiPropertyOptional({ enum: ['numeric', 'categorical'], description: 'inferred from the values when absent' })
  @IsOptional()
  @IsIn(['numeric', 'categorical'])
  kind?: SignalKind;

  @ApiPropertyOptional({ description: 'reference-quantile bins for PSI, Jensen–Shannon and Hellinger', default: 10 })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1000)
  bins?: number;
}

export class DriftResultDto implements DriftResult {
  @ApiProperty({ enum: DRIFT_METHODS.filter((m) => m !== 'auto') }) method!: DriftResult['method'];
  @ApiProperty() statistic!: number;
  @ApiProperty({ nullable: true, type: Number }) pValue!: number | null;
  @ApiProperty({ enum: ['exact', 'asymptotic', 'resampled'], description: "where the p-value's null comes from" }) pValueMethod!: PValueMethod;
  @ApiProperty({ nullable: true, type: Number, description: 'the statistic reached by sampling noise alone with probability alpha, at these sizes' })
  noiseFloor!: number | null;
  @ApiProperty() alpha!: number;
  @ApiProperty({ description: 'materiality threshold applied' }) threshold!: number;
  @ApiProperty({ description: 'p <= alpha' }) significant!: boolean;
  @ApiProperty({ description: 'effect at or past the threshold' }) material!: boolean;
  @ApiProperty({ description: 'significant and material' }) drifted!: boolean;
  @ApiProperty({ nullable: true, type: Number }) effectSize!: number | null;
  @ApiProperty() nReference!: number;
  @ApiProperty() nCurrent!: number;
  @ApiProperty() exact!: boolean;
  @ApiProperty({ nullable: true, type: Number }) errorBound!: number | null;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional() degreesOfFreedom?: number;
  @ApiProperty({ description: "the explanation's sentence: both sides' values, the test, p-value, noise floor, threshold and verdict" }) summary!: string;
  @ApiProperty({ type: DriftExplanationDto, description: 'what check runs carry: both sides summarised (count, mean, p50, p95 or category shares), their change, the test and why it was chosen, and one sentence' })
  explanation!: DriftExplanationDto;
}
