import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertKind } from './alert.entity.js';
import type { Severity } from './monitoring.entities.js';

export type PayloadFormat = 'assay' | 'alertmanager' | 'alertmanager-api' | 'slack';
export type GroupLabel = 'model' | 'monitor' | 'severity' | 'kind';

@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) url!: string;
  @Column({ type: 'text' }) format!: PayloadFormat;
  // Needed in clear to sign; never returned after creation and never logged.
  @Column({ type: 'text', select: false }) secret!: string;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ name: 'disabled_reason', type: 'text', nullable: true }) disabledReason!: string | null;
  @Column({ type: 'text', array: true }) models!: string[];
  @Column({ type: 'text', array: true }) severities!: Severity[];
  @Column({ type: 'text', array: true }) kinds!: AlertKind[];
  /** Event types delivered (alert.firing, alert.resolved, report.ready); empty for all. */
  @Column({ type: 'text', array: true }) events!: string[];
  @Column({ name: 'group_by', type: 'text', array: true }) groupBy!: GroupLabel[];
  @Column({ name: 'group_wait_seconds', type: 'integer' }) groupWaitSeconds!: number;
  @Column({ name: 'group_interval_seconds', type: 'integer' }) groupIntervalSeconds!: number;
  @Column({ name: 'repeat_interval_seconds', type: 'integer' }) repeatIntervalSeconds!: number;
  @Column({ name: 'send_resolved', type: 'boolean' }) sendResolved!: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
