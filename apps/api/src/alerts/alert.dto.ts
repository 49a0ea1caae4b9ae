import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import type { AlertView } from '@assay/alerts';
import type { SilenceEntity } from '@assay/db';

const STATUSES = ['firing', 'acknowledged', 'resolved'] as const;
const SEVERITIES = ['info', 'warning', 'critical'] as const;
const KINDS = ['drift', 'policy', 'vendor'] as const;

export class AlertListQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ description: 'model name' }) @IsOptional() @IsString() @Length(1, 200) model?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: (typeof SEVERITIES)[number];
  @ApiPropertyOptional({ enum: KINDS }) @IsOptional() @IsIn(KINDS) kind?: (typeof KINDS)[number];
  @ApiPropertyOptional({ description: 'only alerts last changed before this time (for paging)' }) @IsOptional() @IsDateString() before?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AlertDto implements AlertView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'hash of (project, model, monitor or policy, signal): repeats update one alert' }) fingerprint!: string;
  @ApiProperty({ enum: STATUSES }) status!: (typeof STATUSES)[number];
  @ApiProperty({ enum: SEVERITIES }) severity!: (typeof SEVERITIES)[number];
  @ApiProperty({ enum: KINDS }) kind!: (typeof KINDS)[number];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null on a vendor-dependency alert' }) modelId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null on a vendor-dependency alert' }) monitorId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'name of the monitor or policy when the alert fired' }) monitorName!: string | null;
  @ApiProperty({ nullable: true, type: String }) signal!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'alertname, project, model, monitor, kind, severity, signal' })
  labels!: Record<string, string>;
  @ApiProperty() summary!: string;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: "the latest failing check run's explanation: baseline vs current summaries, their change, the test, and one sentence",
  })
  explanation!: Record<string, unknown> | null;
  @ApiProperty({ description: 'failing check runs seen while open' }) occurrences!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null on a vendor-dependency alert' }) firstCheckRunId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) lastCheckRunId!: string | null;
  @ApiProperty() lastVerdict!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'key id and name of who acknowledged' }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgeNote!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'null when resolved automatically by a passing run' }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolveNote!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class AlertListDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
}

export class AlertNoteDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class SilenceMatcherDto {
  @ApiProperty({ example: 'model' }) @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/) label!: string;
  @ApiProperty({ example: 'support-bot' }) @IsString() @MaxLength(500) value!: string;
  @ApiPropertyOptional({ enum: ['=', '!='], default: '=' }) @IsOptional() @IsIn(['=', '!=']) op?: '=' | '!=';
}

export class CreateSilenceDto {
  @ApiProperty({ type: [SilenceMatcherDto], description: 'all must match; at least one "="' })
  @ValidateNested({ each: true })
  @Type(() => SilenceMatcherDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  matchers!: SilenceMatcherDto[];

  @ApiProperty({ example: 'known drift during the migration' }) @IsString() @Length(1, 1000) comment!: string;
  @ApiPropertyOptional({ description: 'default now' }) @IsOptional() @IsDateString() startsAt?: string;
  @ApiProperty({ description: 'the expiry' }) @IsDateString() endsAt!: string;
}

export class SilenceListQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false' }) @IsOptional() @IsIn(['true', 'false']) includeExpired?: 'true' | 'false';
}

export class SilenceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [SilenceMatcherDto] }) matchers!: SilenceMatcherDto[];
  @ApiProperty() comment!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;

  static from(entity: SilenceEntity, now = new Date()): SilenceDto {
    return {
      id: entity.id,
      matchers: entity.matchers,
      comment: entity.comment,
      createdBy: entity.createdBy,
      startsAt: entity.startsAt.toISOString(),
      endsAt: entity.endsAt.toISOString(),
      active: entity.startsAt <= now && now < entity.endsAt,
      createdAt: entity.createdAt.toISOString(),
    };
  }
}

export class SilenceListDto {
  @ApiProperty({ type: [SilenceDto] }) items!: SilenceDto[];
}
