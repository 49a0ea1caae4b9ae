import type { MigrationInterface, QueryRunner } from 'typeorm';

// Console sign-ins: the cookie carries a random token, only its SHA-256 is stored, so a read of this
// table does not let anyone sign in. A session ends at its expiry, at sign-out, or with its key.
export class ConsoleSessions1764320120000 implements MigrationInterface {
  name = 'ConsoleSessions1764320120000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE console_sessions (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX console_sessions_expiry_idx ON console_sessions (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE console_sessions`);
  }
}
