import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Role } from '@assay/db';
import { ApiErrors } from '../errors/api-errors.js';
import type { AuthenticatedRequest, Principal } from './principal.js';

export const ROLES_KEY = 'assay:roles';
export const PUBLIC_KEY = 'assay:public';

export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    // Every authenticated request passes the key check, its role, the per-key rate limit and the
    // request admission, and needs the database.
    ApiErrors({ 401: true, 403: `the key's role is not one of: ${roles.join(', ')}`, 429: true, 503: true }),
  );

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
