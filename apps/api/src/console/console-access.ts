import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import type { Role } from '@assay/db';
import { Public } from '@assay/common';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { CONSOLE_ROLES, ConsoleSessionGuard } from './console-session.guard.js';

/**
 * A console route: the bearer-key guard stands aside (a browser carries no Authorization header)
 * and the session guard authenticates the cookie, checks the form token on every POST and the roles,
 * which mirror those of the API route doing the same thing.
 */
export const ConsoleRoute = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(Public(), SetMetadata(CONSOLE_ROLES, roles), UseGuards(ConsoleSessionGuard), UseFilters(ConsoleExceptionFilter));

/** Sign-in and the static assets: no session needed, still rendered through the console's error page. */
export const ConsoleOpenRoute = (): MethodDecorator & ClassDecorator => applyDecorators(Public(), UseFilters(ConsoleExceptionFilter));
