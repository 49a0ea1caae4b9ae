import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiKeyRepository, Role, type ApiKeyEntity } from '@assay/db';
import { hashKeySecret, secretMatches, generateKeySecret } from './api-key-secret.js';
import type { Principal } from './principal.js';

export function principalOf(key: ApiKeyEntity): Principal {
  return { keyId: key.id, keyName: key.name, role: key.role, projectId: key.projectId };
}

@Injectable()
export class ApiKeyService {
  constructor(private readonly keys: ApiKeyRepository) {}

  async authenticate(secret: string): Promise<Principal | null> {
    if (secret.length < 16 || secret.length > 512) return null;
    const { lookup, secretHash } = hashKeySecret(secret);
    const candidates = await this.keys.findActiveByLookup(lookup);
    const match = candidates.find((key) => secretMatches(secretHash, key.secretHash));
    if (!match) return null;
    void this.keys.touch(match.id).catch(() => undefined);
    return principalOf(match);
  }

  async issue(input: { projectId: string | null; role: Role; name: string }, manager?: EntityManager): Promise<{ key: ApiKeyEntity; secret: string }> {
    const secret = generateKeySecret(input.role);
    const key = await this.keys.create({ ...input, ...hashKeySecret(secret) }, manager);
    return { key, secret };
  }

  // The configured key replaces any earlier bootstrap key; with none configured, one is generated
  // once and its secret returned so that the caller can show it a single time.
  async ensureBootstrapAdmin(configured: string | null): Promise<{ generatedSecret: string | null }> {
    const current = await this.keys.findActiveBootstrap();
    if (configured !== null) {
      const hashed = hashKeySecret(configured);
      if (!current || !secretMatches(hashed.secretHash, current.secretHash)) {
        await this.keys.replaceBootstrap({ name: 'bootstrap admin (ASSAY_ADMIN_KEY)', ...hashed });
      }
      return { generatedSecret: null };
    }
    if (current) return { generatedSecret: null };
    const secret = generateKeySecret(Role.Admin);
    await this.keys.replaceBootstrap({ name: 'bootstrap admin (generated)', ...hashKeySecret(secret) });
    return { generatedSecret: secret };
  }
}
