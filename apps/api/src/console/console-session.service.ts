import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConsoleSessionRepository } from '@assay/db';
import { ApiKeyService, type Principal } from '@assay/common';

export const SESSION_TTL_MS = 8 * 3_600_000;

export interface ConsoleSession {
  principal: Principal;
  csrfToken: string;
  expiresAt: Date;
}

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

// The form token is derived from the session's secret, so it needs no storage and dies with the session.
const csrfTokenOf = (token: string): string => createHmac('sha256', token).update('assay console csrf').digest('base64url');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Injectable()
export class ConsoleSessionService {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly sessions: ConsoleSessionRepository,
  ) {}

  /** A new session for a live key, or null when the key is unknown or revoked. */
  async signIn(secret: string, now = new Date()): Promise<{ token: string; session: ConsoleSession } | null> {
    const principal = await this.keys.authenticate(secret);
    if (!principal) return null;
    const token = newToken();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.sessions.create(hashOf(token), { id: principal.keyId }, expiresAt);
    void this.sessions.removeExpired().catch(() => undefined);
    return { token, session: { principal, csrfToken: csrfTokenOf(token), expiresAt } };
  }

  async resolve(token: string): Promise<ConsoleSession | null> {
    if (token.length !== 43) return null;
    const live = await this.sessions.findLive(hashOf(token));
    if (!live) return null;
    return {
      principal: { keyId: live.keyId, keyName: live.keyName, role: live.role, projectId: live.projectId },
      csrfToken: csrfTokenOf(token),
      expiresAt: live.expiresAt,
    };
  }

  async signOut(token: string): Promise<void> {
    await this.sessions.remove(hashOf(token));
  }
}
