import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ReportStatus = 'queued' | 'ready' | 'failed';
/** An audit report covers one model; a tiering report the whole project. */
export type ReportKind = 'audit' | 'tiering';

const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'reports' })
export class ReportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text', default: 'audit' }) kind!: ReportKind;
  /** Null on a tiering report. */
  @Column({ name: 'model_id', type: 'uuid', nullable: true }) modelId!: string | null;
  /** What the report was asked with (a tiering report's margin and alpha); null on audit reports. */
  @Column({ type: 'jsonb', nullable: true }) parameters!: Record<string, unknown> | null;
  @Column({ name: 'period_from', type: 'timestamptz' }) periodFrom!: Date;
  @Column({ name: 'period_to', type: 'timestamptz' }) periodTo!: Date;
  @Column({ type: 'text' }) trigger!: 'request' | 'schedule';
  @Column({ type: 'text' }) status!: ReportStatus;
  /** The DSSE envelope as served, byte for byte (kept as text: it can be tens of megabytes). */
  @Column({ type: 'text', nullable: true, select: false }) envelope!: string | null;
  @Column({ type: 'text', nullable: true, select: false }) html!: string | null;
  @Column({ name: 'content_digest', type: 'text', nullable: true }) contentDigest!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'ledger_index', type: 'bigint', nullable: true, transformer: bigintAsNumber }) ledgerIndex!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true }) readyAt!: Date | null;
}

@Entity({ name: 'report_schedules' })
export class ReportScheduleEntity {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text', nullable: true }) cron!: string | null;
  @Column({ name: 'every_seconds', type: 'integer', nullable: true }) everySeconds!: number | null;
  @Column({ name: 'period_days', type: 'integer' }) periodDays!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
