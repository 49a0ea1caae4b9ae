import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MonitorKind, Severity } from './monitoring.entities.js';

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';
/** A monitor's or policy's alert, or a project's vendor-dependency alert (no model, monitor or check run). */
export type AlertKind = MonitorKind | 'vendor';

@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ name: 'model_id', type: 'uuid', nullable: true }) modelId!: string | null;
  @Column({ name: 'monitor_id', type: 'uuid', nullable: true }) monitorId!: string | null;
  @Column({ type: 'text' }) kind!: AlertKind;
  @Column({ type: 'text', nullable: true }) signal!: string | null;
  @Column({ type: 'text' }) fingerprint!: string;
  @Column({ type: 'text' }) status!: AlertStatus;
  @Column({ type: 'text' }) severity!: Severity;
  @Column({ type: 'jsonb' }) labels!: Record<string, string>;
  @Column({ type: 'text' }) summary!: string;
  /** The CheckExplanation of the latest failing run; null on alerts from before explanations existed. */
  @Column({ type: 'jsonb', nullable: true }) explanation!: Record<string, unknown> | null;
  @Column({ name: 'first_check_run_id', type: 'uuid', nullable: true }) firstCheckRunId!: string | null;
  @Column({ name: 'last_check_run_id', type: 'uuid', nullable: true }) lastCheckRunId!: string | null;
  @Column({ name: 'last_verdict', type: 'text' }) lastVerdict!: string;
  @Column({ type: 'integer' }) occurrences!: number;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt!: Date;
  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true }) acknowledgedAt!: Date | null;
  @Column({ name: 'acknowledged_by', type: 'text', nullable: true }) acknowledgedBy!: string | null;
  @Column({ name: 'acknowledge_note', type: 'text', nullable: true }) acknowledgeNote!: string | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt!: Date | null;
  @Column({ name: 'resolved_by', type: 'text', nullable: true }) resolvedBy!: string | null;
  @Column({ name: 'resolve_note', type: 'text', nullable: true }) resolveNote!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
