import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@assay/db';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { ApiKeyService } from './api-key.service.js';
import { RateLimiter } from './rate-limiter.service.js';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import type { AuthenticatedRequest, Principal } from './principal.js';

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) throw new DomainError(ErrorCode.Forbidden, 'this route declares no roles');
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = request.principal ?? (await this.authenticate(request.headers.authorization));
    request.principal = principal;
    const decision = await this.limiter.consume(principal.keyId, 'api');
    if (!decision.allowed) {
      throw new DomainError(ErrorCode.RateLimited, 'too many requests for this API key; retry later', undefined, decision.retryAfterSeconds);
    }
    if (!roles.includes(principal.role)) {
      throw new DomainError(ErrorCode.Forbidden, `this route requires one of the roles: ${roles.join(', ')}; the key has "${principal.role}"`);
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    const secret = bearerToken(header);
    if (!secret) throw new DomainError(ErrorCode.Unauthenticated, 'missing "Authorization: Bearer <key>" header');
    const principal = await this.keys.authenticate(secret);
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'unknown or revoked API key');
    return principal;
  }
}
