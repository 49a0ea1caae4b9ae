import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_ALPHA, MAX_THRESHOLD, type DriftMethod, type PValueMethod, type DriftResult, type SignalKind } from '@assay/stats';

export const DRIFT_METHODS: DriftMethod[] = [
  'auto', 'ks', 'chi2', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'ztest',
];

// Each side is held in memory and sorted: this bounds the work of one request.
export const MAX_COMPARE_VALUES = 250_000;

export class DriftCompareDto {
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
}
