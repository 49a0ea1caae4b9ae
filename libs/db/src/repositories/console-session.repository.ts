import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKeyEntity, Role } from '../entities/api-key.entity.js';

export interface ConsoleSessionKey {
  keyId: string;
  keyName: string;
  role: Role;
  projectId: string | null;
  expiresAt: Date;
}

@Injectable()
export class ConsoleSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(tokenHash: Buffer, key: Pick<ApiKeyEntity, 'id'>, expiresAt: Date): Promise<void> {
    await this.dataSource.query(`INSERT INTO console_sessions (token_hash, key_id, expires_at) VALUES ($1, $2, $3)`, [tokenHash, key.id, expiresAt]);
  }

  /** The session's key while both the session and the key are live, in one query. */
  async findLive(tokenHash: Buffer): Promise<ConsoleSessionKey | null> {
    const [row] = await this.dataSource.query<Array<{ key_id: string; name: string; role: Role; project_id: string | null; expires_at: Date }>>(
      `SELECT s.key_id, k.name, k.role, k.project_id, s.expires_at
         FROM console_sessions s JOIN api_keys k ON k.id = s.key_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL`,
      [tokenHash],
    );
    return row ? { keyId: row.key_id, keyName: row.name, role: row.role, projectId: row.project_id, expiresAt: row.expires_at } : null;
  }

  async remove(tokenHash: Buffer): Promise<void> {
    await this.dataSource.query(`DELETE FROM console_sessions WHERE token_hash = $1`, [tokenHash]);
  }

  async removeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM console_sessions WHERE expires_at <= now()`);
  }
}
