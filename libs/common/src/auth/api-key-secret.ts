import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '@assay/db';

export interface HashedSecret {
  lookup: string;
  secretHash: Buffer;
}

export function generateKeySecret(role: Role): string {
  return `assay_${role}_${randomBytes(32).toString('base64url')}`;
}

export function hashKeySecret(secret: string): HashedSecret {
  const digest = createHash('sha256').update(secret, 'utf8').digest();
  return { lookup: digest.subarray(0, 8).toString('hex'), secretHash: digest };
}

export function secretMatches(candidate: Buffer, stored: Buffer): boolean {
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}
