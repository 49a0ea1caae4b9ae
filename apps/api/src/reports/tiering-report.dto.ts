import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsNumber, IsOptional } from 'class-validator';
import type { ReportEntity } from '@assay/db';

export class CreateTieringReportDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @IsDateString({}, { message: 'from must be an ISO 8601 date-time' }) from!: string;
  @ApiProperty({ example: '2026-12-01T00:00:00Z' }) @IsDateString({}, { message: 'to must be an ISO 8601 date-time' }) to!: string;

  // The ranges are checked with the window, as GET /v1/tiering checks them, so both name the same reasons.
  @ApiPropertyOptional({ example: 0.02, description: "non-inferiority margin, above 0 and below 1; default: the project's tiering.margin, else 0.02" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'margin must be a number' })
  margin?: number;

  @ApiPropertyOptional({ example: 0.05, description: "one-sided level, above 0 and below 0.5; default: the project's tiering.alpha, else 0.05" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'alpha must be a number' })
  alpha?: number;
}

export class TieringReportStatusDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['queued', 'ready', 'failed'] }) status!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() margin!: number;
  @ApiProperty() alpha!: number;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the canonical report: the statement subject digest' }) contentDigest!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "the report's ledger entry (check it with `assay verify entry`)" }) ledgerIndex!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) readyAt!: string | null;

  static from(report: ReportEntity): TieringReportStatusDto {
    const parameters = (report.parameters ?? {}) as { margin?: number; alpha?: number };
    return {
      id: report.id,
      status: report.status,
      from: report.periodFrom.toISOString(),
      to: report.periodTo.toISOString(),
      margin: parameters.margin ?? 0,
      alpha: parameters.alpha ?? 0,
      contentDigest: report.contentDigest,
      ledgerIndex: report.ledgerIndex,
      error: report.error,
      createdAt: report.createdAt.toISOString(),
      readyAt: report.readyAt?.toISOString() ?? null,
    };
  }
}

export class TieringReportListDto {
  @ApiProperty({ type: [TieringReportStatusDto] }) items!: TieringReportStatusDto[];
}
