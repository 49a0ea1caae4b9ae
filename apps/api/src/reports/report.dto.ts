import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ReportEntity, ReportScheduleEntity } from '@assay/db';

export class CreateReportDto {
  @ApiProperty({ example: 'support-bot' }) @IsString() @MaxLength(200) model!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00Z' }) @IsDateString() from!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @IsDateString() to!: string;
}

export class ReportStatusDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['queued', 'ready', 'failed'] }) status!: string;
  @ApiProperty({ enum: ['audit', 'tiering'], description: 'an audit report covers one model; a tiering report the whole project' }) kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the audited model; null on a tiering report' }) model!: string | null;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['request', 'schedule'] }) trigger!: string;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the canonical content: the statement subject digest' }) contentDigest!: string | null;
  @ApiProperty({ nullable: true, type: Number }) ledgerIndex!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) readyAt!: string | null;

  static from(report: ReportEntity, model: string | null): ReportStatusDto {
    return {
      id: report.id,
      status: report.status,
      kind: report.kind,
      model,
      from: report.periodFrom.toISOString(),
      to: report.periodTo.toISOString(),
      trigger: report.trigger,
      contentDigest: report.contentDigest,
      ledgerIndex: report.ledgerIndex,
      error: report.error,
      createdAt: report.createdAt.toISOString(),
      readyAt: report.readyAt?.toISOString() ?? null,
    };
  }
}

export class ReportListDto {
  @ApiProperty({ type: [ReportStatusDto] }) items!: ReportStatusDto[];
}

export class ReportScheduleDto {
  @ApiPropertyOptional({ example: '0 3 1 * *', description: 'cron pattern (UTC), e.g. monthly at 03:00 on the 1st' })
  @IsOptional()
  @Matches(/^[0-9*,/\- ]{9,100}$/, { message: 'cron must be a 5- or 6-field cron pattern' })
  cron?: string;

  @ApiPropertyOptional({ example: 2592000, description: 'instead of cron: seconds between reports' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(366 * 86400)
  everySeconds?: number;

  @ApiProperty({ example: 30, description: 'each report covers the periodDays before it is built' })
  @IsInt()
  @Min(1)
  @Max(366)
  periodDays!: number;
}

export class ReportScheduleViewDto {
  @ApiProperty({ nullable: true, type: String }) cron!: string | null;
  @ApiProperty({ nullable: true, type: Number }) everySeconds!: number | null;
  @ApiProperty() periodDays!: number;
  @ApiProperty() updatedAt!: string;

  static from(s: ReportScheduleEntity): ReportScheduleViewDto {
    return { cron: s.cron, everySeconds: s.everySeconds, periodDays: s.periodDays, updatedAt: s.updatedAt.toISOString() };
  }
}

class DsseSignatureDto {
  @ApiProperty({ description: 'a hint naming the signing key (GET /v1/signing-keys)' }) keyid!: string;
  @ApiProperty({ description: 'base64 Ed25519 signature over the DSSE pre-authentication encoding of the payload' }) sig!: string;
}

/** The signed report: an in-toto Statement v1 in a DSSE envelope. */
export class DsseEnvelopeDto {
  @ApiProperty({ example: 'application/vnd.in-toto+json' }) payloadType!: string;
  @ApiProperty({ description: 'base64 of the in-toto statement bytes (audit-report predicate)' }) payload!: string;
  @ApiProperty({ type: [DsseSignatureDto] }) signatures!: DsseSignatureDto[];
}
