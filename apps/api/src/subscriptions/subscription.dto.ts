import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min,
} from 'class-validator';
import { SUBSCRIBER_EVENTS, type SubscriberEvent } from '@assay/alerts';
import type { DeliveryAttempt, DeliveryEntity, AlertKind, GroupLabel, PayloadFormat, Severity, SubscriptionEntity } from '@assay/db';

const FORMATS = ['assay', 'alertmanager', 'alertmanager-api', 'slack'] as const;
const SEVERITIES = ['info', 'warning', 'critical'] as const;
const KINDS = ['drift', 'policy', 'vendor'] as const;
const GROUP_LABELS = ['model', 'monitor', 'severity', 'kind'] as const;

class SubscriptionSettingsDto {
  @ApiPropertyOptional({
    enum: FORMATS,
    description:
      "Assay's {type, timestamp, data}, Alertmanager's webhook v4 (for receivers that take it), alerts posted to Alertmanager's API " +
      '(alertmanager-api: the url ends in /api/v2/alerts; firing alerts are posted again every repeatIntervalSeconds), or a Slack incoming-webhook message',
  })
  @IsOptional() @IsIn(FORMATS) format?: PayloadFormat;
  @ApiPropertyOptional({ type: [String], description: 'model names; empty for all' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsString({ each: true }) @Length(1, 200, { each: true }) models?: string[];
  @ApiPropertyOptional({ enum: SEVERITIES, isArray: true, description: 'empty for all' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(SEVERITIES, { each: true }) severities?: Severity[];
  @ApiPropertyOptional({ enum: KINDS, isArray: true, description: 'empty for all' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(KINDS, { each: true }) kinds?: AlertKind[];
  @ApiPropertyOptional({ enum: SUBSCRIBER_EVENTS, isArray: true, description: 'event types delivered; empty for all' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(SUBSCRIBER_EVENTS, { each: true }) events?: SubscriberEvent[];
  @ApiPropertyOptional({ enum: GROUP_LABELS, isArray: true, description: 'labels that split notifications into groups (default model; none for alertmanager-api)' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(GROUP_LABELS, { each: true }) groupBy?: GroupLabel[];
  @ApiPropertyOptional({ default: 30, description: 'seconds to wait before the first notification of a new group (default 0 for alertmanager-api)' })
  @IsOptional() @IsInt() @Min(0) @Max(86_400) groupWaitSeconds?: number;
  @ApiPropertyOptional({ default: 300, description: 'seconds between notifications of a changed group (default 5 for alertmanager-api)' })
  @IsOptional() @IsInt() @Min(1) @Max(7 * 86_400) groupIntervalSeconds?: number;
  @ApiPropertyOptional({
    default: 14_400,
    description: 'seconds before an unchanged open group is notified again (default 60 for alertmanager-api, whose firing alerts stay valid for 4 of these)',
  })
  @IsOptional() @IsInt() @Min(1) @Max(30 * 86_400) repeatIntervalSeconds?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() sendResolved?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class CreateSubscriptionDto extends SubscriptionSettingsDto {
  @ApiProperty({ example: 'ml-oncall' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'https://hooks.example.com/assay' }) @IsString() @MaxLength(2048) url!: string;
}

export class UpdateSubscriptionDto extends SubscriptionSettingsDto {
  @ApiPropertyOptional({ example: 'ml-oncall' }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ example: 'https://hooks.example.com/assay' }) @IsOptional() @IsString() @MaxLength(2048) url?: string;
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: FORMATS }) format!: PayloadFormat;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String }) disabledReason!: string | null;
  @ApiProperty({ type: [String] }) models!: string[];
  @ApiProperty({ enum: SEVERITIES, isArray: true }) severities!: Severity[];
  @ApiProperty({ enum: KINDS, isArray: true }) kinds!: AlertKind[];
  @ApiProperty({ enum: SUBSCRIBER_EVENTS, isArray: true, description: 'empty for all' }) events!: string[];
  @ApiProperty({ enum: GROUP_LABELS, isArray: true }) groupBy!: GroupLabel[];
  @ApiProperty() groupWaitSeconds!: number;
  @ApiProperty() groupIntervalSeconds!: number;
  @ApiProperty() repeatIntervalSeconds!: number;
  @ApiProperty() sendResolved!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(entity: SubscriptionEntity): SubscriptionDto {
    return {
      id: entity.id, name: entity.name, url: entity.url, format: entity.format, enabled: entity.enabled, disabledReason: entity.disabledReason,
      models: entity.models, severities: entity.severities, kinds: entity.kinds, events: entity.events, groupBy: entity.groupBy,
      groupWaitSeconds: entity.groupWaitSeconds, groupIntervalSeconds: entity.groupIntervalSeconds, repeatIntervalSeconds: entity.repeatIntervalSeconds,
      sendResolved: entity.sendResolved, createdAt: entity.createdAt.toISOString(), updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

export class CreatedSubscriptionDto extends SubscriptionDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'the signing secret (Standard Webhooks); shown only in this response' })
  secret!: string;
}

export class SubscriptionListDto {
  @ApiProperty({ type: [SubscriptionDto] }) items!: SubscriptionDto[];
}

export class DeliveryAttemptDto implements DeliveryAttempt {
  @ApiProperty() attempt!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() durationMs!: number;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) subscriptionId!: string;
  @ApiProperty({ description: 'the webhook-id header, the same on every attempt' }) webhookId!: string;
  @ApiProperty({ example: 'alert.firing' }) eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog!: DeliveryAttemptDto[];
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) redeliveryOf!: string | null;
  @ApiProperty({ description: 'the exact body sent' }) payload!: string;
  @ApiProperty() createdAt!: string;

  static from(entity: DeliveryEntity): DeliveryDto {
    return {
      id: entity.id, subscriptionId: entity.subscriptionId, webhookId: entity.webhookId, eventType: entity.eventType, status: entity.status,
      attempts: entity.attempts, attemptLog: entity.attemptLog, lastStatusCode: entity.lastStatusCode, lastError: entity.lastError,
      nextAttemptAt: entity.nextAttemptAt?.toISOString() ?? null, deliveredAt: entity.deliveredAt?.toISOString() ?? null,
      redeliveryOf: entity.redeliveryOf, payload: entity.payload, createdAt: entity.createdAt.toISOString(),
    };
  }
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
}

export class DeliveryListQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'only deliveries created before this time (for paging)' }) @IsOptional() @IsDateString() before?: string;
}
