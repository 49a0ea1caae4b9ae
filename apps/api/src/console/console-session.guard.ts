import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@assay/db';
import { DomainError, ErrorCode, RateLimiter, type AuthenticatedRequest } from '@assay/common';
import { sessionTokenOf } from './console-cookies.js';
import { ConsoleSessionService, tokensEqual, type ConsoleSession } from './console-session.service.js';

export type ConsoleRequest = Request & AuthenticatedRequest & { consoleSession?: ConsoleSession };

/** Thrown for a page read without a session: the console answers it with the sign-in page. */
export class SignInRequired extends Error {}

export const CSRF_FIELD = '_csrf';
export const CONSOLE_ROLES = 'assay:console-roles';

@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: ConsoleSessionService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[]>(CONSOLE_ROLES, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const token = sessionTokenOf(request);
    const session = token ? await this.sessions.resolve(token) : null;
    if (!session) {
      if (request.method === 'GET') throw new SignInRequired();
      throw new DomainError(ErrorCode.Unauthenticated, 'not signed in, or the session has expired: sign in again');
    }
    if (request.method !== 'GET' && !tokensEqual(formField(request, CSRF_FIELD), session.csrfToken)) {
      throw new DomainError(ErrorCode.Forbidden, 'the form is missing its CSRF token or carries a wrong one: reload the page and submit it again');
    }
    const decision = await this.limiter.consume(session.principal.keyId, 'api');
    if (!decision.allowed) throw new DomainError(ErrorCode.RateLimited, 'too many requests for this key; retry later', undefined, decision.retryAfterSeconds);
    if (!roles.includes(session.principal.role)) {
      throw new DomainError(ErrorCode.Forbidden, `this requires one of the roles: ${roles.join(', ')}; you are signed in with a key of role "${session.principal.role}"`);
    }
    request.principal = session.principal;
    request.consoleSession = session;
    return true;
  }
}

export function formField(request: Request, name: string): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
