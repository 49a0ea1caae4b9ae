import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager, type Repository } from 'typeorm';
import { ApiKeyEntity, Role } from '../entities/api-key.entity.js';

export interface NewApiKey {
  projectId: string | null;
  role: Role;
  name: string;
  lookup: string;
  secretHash: Buffer;
  isBootstrap?: boolean;
}

@Injectable()
export class ApiKeyRepository {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  /** Inside the caller's transaction when `manager` is given; `revoke` likewise. */
  create(key: NewApiKey, manager?: EntityManager): Promise<ApiKeyEntity> {
    const keys = manager?.getRepository(ApiKeyEntity) ?? this.keys;
    return keys.save(keys.create({ ...key, isBootstrap: key.isBootstrap ?? false }));
  }

  findActiveByLookup(lookup: string): Promise<ApiKeyEntity[]> {
    return this.keys.findBy({ lookup, revokedAt: IsNull() });
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  list(projectId: string | null): Promise<ApiKeyEntity[]> {
    return this.keys.find({
      where: projectId === null ? {} : { projectId },
      order: { createdAt: 'ASC' },
    });
  }

  async revoke(id: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    const keys = manager?.getRepository(ApiKeyEntity) ?? this.keys;
    await keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return keys.findOneBy({ id });
  }

  async touch(id: string): Promise<void> {
    // Coarse on purpose: one write per key per minute at most, not one per request.
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  findActiveBootstrap(): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ isBootstrap: true, revokedAt: IsNull() });
  }

  async replaceBootstrap(key: Omit<NewApiKey, 'isBootstrap' | 'projectId' | 'role'>): Promise<ApiKeyEntity> {
    return this.dataSource.transaction(async (manager) => {
      await manager.update(ApiKeyEntity, { isBootstrap: true, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      return manager.save(
        manager.create(ApiKeyEntity, { ...key, projectId: null, role: Role.Admin, isBootstrap: true }),
      );
    });
  }
}
