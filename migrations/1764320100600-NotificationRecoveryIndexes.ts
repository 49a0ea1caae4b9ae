import type { MigrationInterface, QueryRunner } from 'typeorm';

// Every worker looks up, every 30 s, the group flushes and webhook attempts due soon, to queue again
// those Redis lost; partial indexes keep that to the few rows still pending, not the whole history.
export class NotificationRecoveryIndexes1764320100600 implements MigrationInterface {
  name = 'NotificationRecoveryIndexes1764320100600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX notification_groups_pending_idx ON notification_groups (pending_flush_at) WHERE pending_flush_at IS NOT NULL`);
    await db.query(`CREATE INDEX deliveries_pending_idx ON deliveries ((COALESCE(next_attempt_at, created_at))) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deliveries_pending_idx`);
    await db.query(`DROP INDEX notification_groups_pending_idx`);
  }
}
