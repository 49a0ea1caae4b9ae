import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { MAX_THRESHOLD, type DriftMethod, type DriftResult, type SignalKind } from '@assay/stats';

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

  @ApiPropertyOptional({ description: 'p-value methods drift below it; distance methods at or above it' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_THRESHOLD)
  threshold?: number;

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
  @ApiProperty() threshold!: number;
  @ApiProperty() drifted!: boolean;
  @ApiProperty({ nullable: true, type: Number }) effectSize!: number | null;
  @ApiProperty() nReference!: number;
  @ApiProperty() nCurrent!: number;
  @ApiProperty() exact!: boolean;
  @ApiProperty({ nullable: true, type: Number }) errorBound!: number | null;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional() degreesOfFreedom?: number;
}
