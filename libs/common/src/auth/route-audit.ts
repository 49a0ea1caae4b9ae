import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';

// Fails start-up when a route declares neither roles nor @Public(), so that no route can ship unguarded.
export function assertEveryRouteDeclaresAccess(app: INestApplication): void {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const unguarded: string[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!controller) continue;
    for (const method of scanner.getAllMethodNames(controller.prototype as object)) {
      const handler = (controller.prototype as Record<string, unknown>)[method] as () => unknown;
      if (reflector.get(PATH_METADATA, handler) === undefined) continue;
      const targets = [handler, controller];
      const declared =
        reflector.getAllAndOverride(PUBLIC_KEY, targets) || reflector.getAllAndOverride(ROLES_KEY, targets);
      if (!declared) unguarded.push(`${controller.name}.${method}`);
    }
  }
  if (unguarded.length > 0) {
    throw new Error(`routes without @Roles or @Public: ${unguarded.join(', ')}`);
  }
}
