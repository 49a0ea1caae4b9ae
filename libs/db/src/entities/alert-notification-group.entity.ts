import { Column, Entity, PrimaryColumn } from 'typeorm';

/** fingerprint → the status last notified for it ("firing" or "acknowledged"); resolved ones are dropped once sent. */
export type NotifiedState = Record<string, string>;

@Entity({ name: 'notification_groups' })
export class NotificationGroupEntity {
  @PrimaryColumn({ name: 'subscription_id', type: 'uuid' }) subscriptionId!: string;
  @PrimaryColumn({ name: 'group_key', type: 'text' }) groupKey!: string;
  @Column({ name: 'group_labels', type: 'jsonb' }) groupLabels!: Record<string, string>;
  @Column({ name: 'last_state', type: 'jsonb' }) lastState!: NotifiedState;
  @Column({ name: 'last_sent_at', type: 'timestamptz', nullable: true }) lastSentAt!: Date | null;
  @Column({ name: 'pending_flush_at', type: 'timestamptz', nullable: true }) pendingFlushAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
