import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import type { ProjectEntity } from '@assay/db';

export class ProjectSettingsDto {
  @ApiPropertyOptional({ description: 'register unknown models seen at ingest automatically' })
  @IsOptional()
  @IsBoolean()
  autoRegisterModels?: boolean;
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
