import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SigningKeyEntity } from '../entities/ledger.entities.js';

export interface PublicSigningKey {
  keyId: string;
  algorithm: string;
  publicKeyPem: string;
}

export type SigningKeyEvent =
  | { event: 'published'; key: SigningKeyEntity }
  | { event: 'retired'; key: SigningKeyEntity; supersededBy: string };

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'ASC', keyId: 'ASC' } });
  }

  // The first process to publish a new key retires every older one; `record` runs in the same
  // transaction for each change, so the key table and the ledger never disagree. Returns the
  // changes made (none when the key was already published).
  publish(
    key: PublicSigningKey,
    record: (manager: EntityManager, event: SigningKeyEvent) => Promise<unknown>,
  ): Promise<SigningKeyEvent[]> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO signing_keys (key_id, algorithm, public_key_pem) VALUES ($1, $2, $3)
         ON CONFLICT (key_id) DO NOTHING RETURNING key_id, algorithm, public_key_pem, created_at, retired_at`,
        [key.keyId, key.algorithm, key.publicKeyPem],
      )) as KeyRow[];
      if (inserted.length === 0) return [];
      const retired = (await manager.query(
        `UPDATE signing_keys SET retired_at = now() WHERE key_id <> $1 AND retired_at IS NULL
         RETURNING key_id, algorithm, public_key_pem, created_at, retired_at`,
        [key.keyId],
      )) as [KeyRow[], number];
      const events: SigningKeyEvent[] = [
        { event: 'published', key: entityOf(inserted[0]!) },
        ...retired[0].map((row): SigningKeyEvent => ({ event: 'retired', key: entityOf(row), supersededBy: key.keyId })),
      ];
      for (const event of events) await record(manager, event);
      return events;
    });
  }
}

type KeyRow = { key_id: string; algorithm: string; public_key_pem: string; created_at: Date; retired_at: Date | null };

function entityOf(row: KeyRow): SigningKeyEntity {
  return Object.assign(new SigningKeyEntity(), {
    keyId: row.key_id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key_pem,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  });
}
