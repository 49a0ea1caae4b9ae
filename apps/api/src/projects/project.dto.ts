import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_JOURNEY_ATTRIBUTES, DEFAULT_JOURNEY_LIMIT } from '@assay/otlp';
import type { ProjectEntity } from '@assay/db';

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
