import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min, Validate, ValidateNested,
  ValidatorConstraint, type ValidatorConstraintInterface,
} from 'class-validator';
import { DEFAULT_JOURNEY_ATTRIBUTES, DEFAULT_JOURNEY_LIMIT } from '@assay/otlp';
import type { ProjectEntity, ProjectSettings, SignalOrientation } from '@assay/db';

const MAX_SIGNAL_SETTINGS = 64;
const SIGNAL_NAME = /^eval\.[^\s]{1,200}\.(score|label)$/;

@ValidatorConstraint({ name: 'signalOrientations' })
class SignalOrientations implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const entries = Object.entries(value as Record<string, unknown>);
    return (
      entries.length <= MAX_SIGNAL_SETTINGS &&
      entries.every(([name, setting]) => {
        if (!SIGNAL_NAME.test(name) || setting === null || typeof setting !== 'object') return false;
        const keys = Object.keys(setting);
        return keys.length === 1 && keys[0] === 'higherIsBetter' && typeof (setting as SignalOrientation).higherIsBetter === 'boolean';
      })
    );
  }

  defaultMessage(): string {
    return `"tiering.signals" maps at most ${MAX_SIGNAL_SETTINGS} quality signal names (eval.<name>.score or eval.<name>.label) to {"higherIsBetter": true | false}`;
  }
}

export class TieringSettingsDto {
  @ApiPropertyOptional({ default: 0.02, description: 'non-inferiority margin of GET /v1/tiering, above 0 and below 1' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-9)
  @Max(0.999999)
  margin?: number;

  @ApiPropertyOptional({ default: 0.05, description: 'one-sided level of GET /v1/tiering, above 0 and below 0.5' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-9)
  @Max(0.499999)
  alpha?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', properties: { higherIsBetter: { type: 'boolean' } }, required: ['higherIsBetter'] },
    example: { 'eval.toxicity.score': { higherIsBetter: false } },
    description: 'per quality signal: whether a higher value is better (the default)',
  })
  @IsOptional()
  @IsObject()
  @Validate(SignalOrientations)
  signals?: Record<string, SignalOrientation>;
}

export class ProjectSettingsDto {
  @ApiPropertyOptional({ description: 'register unknown models seen at ingest automatically' })
  @IsOptional()
  @IsBoolean()
  autoRegisterModels?: boolean;

  @ApiPropertyOptional({
    type: [String],
    example: DEFAULT_JOURNEY_ATTRIBUTES,
    description: 'attribute keys naming the journey of a call, in order of preference: looked for on the span, then its ancestors in the same request, then the resource',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  journeyAttributes?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, example: DEFAULT_JOURNEY_LIMIT, description: 'distinct journey names kept; later ones count as "(other)"' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  journeyLimit?: number;

  @ApiPropertyOptional({ type: TieringSettingsDto, description: 'defaults of the tiering report' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TieringSettingsDto)
  tiering?: TieringSettingsDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'alert when one provider’s share of the last 7 days’ spend exceeds this' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  maxProviderSpendShare?: number;
}

/** The validated settings as plain JSON: nested DTO instances would not canonicalize into the ledger entry. */
export function plainSettings(settings: ProjectSettingsDto): ProjectSettings {
  return JSON.parse(JSON.stringify(settings)) as ProjectSettings;
}

export class CreateProjectDto {
  @ApiProperty({ example: 'checkout-assistant', description: '1-200 characters: letters, digits, space, "_", "-", "."' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[\p{L}\p{N} _.-]+$/u, { message: 'name may contain letters, digits, spaces, "_", "-" and "."' })
  name!: string;

  @ApiPropertyOptional({ type: ProjectSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProjectSettingsDto)
  settings?: ProjectSettingsDto;
}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: ProjectSettingsDto }) settings!: ProjectSettingsDto;
  @ApiProperty() createdAt!: string;

  static from(entity: ProjectEntity): ProjectDto {
    return { id: entity.id, name: entity.name, settings: entity.settings, createdAt: entity.createdAt.toISOString() };
  }
}

export class ProjectListDto {
  @ApiProperty({ type: [ProjectDto] }) items!: ProjectDto[];
}
