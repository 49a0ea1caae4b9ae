import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DynamicModule } from '@nestjs/common';
import type { RequestListener, Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { assertEveryRouteDeclaresAccess } from '../auth/route-audit.js';
import { ApiExceptionFilter } from '../errors/exception.filter.js';
import { PinoNestLogger } from '../logging/logger.js';
import type { Runtime } from '../runtime.js';
import { rawRequestContext, requestContext, type RawHandler } from './request-context.middleware.js';

export const API_MEDIA_TYPES = ['application/json', 'text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl'];

export interface HttpAppOptions {
  name: 'api' | 'ingest' | 'worker';
  jsonLimitBytes: number;
  // Requests with a body of another media type get 415 before any parsing.
  acceptedMediaTypes?: string[];
  // POST routes that read the request stream themselves, served by the HTTP server ahead of Express.
  rawRoutes?: Array<{ path: string; handler: RawHandler }>;
  configure?: (app: NestExpressApplication) => void;
}

export async function createHttpApp(module: DynamicModule, runtime: Runtime, options: HttpAppOptions): Promise<INestApplication> {
  const logger = runtime.logger.child({ app: options.name });
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const middleware of requestContext(options.name, runtime.logger)) app.use(middleware);
  if (options.rawRoutes?.length) serveRawRoutes(app.getHttpServer() as Server, options.rawRoutes, rawRequestContext(options.name, runtime.logger));
  const accepted = new Set(options.acceptedMediaTypes ?? API_MEDIA_TYPES);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (hasBody && !accepted.has(mediaType)) {
      res.status(415).json({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `content type "${mediaType || '(none)'}" is not accepted here; use one of ${[...accepted].join(', ')}`,
        requestId: (req as Request & { id?: string }).id,
      });
      return;
    }
    next();
  });
  app.useBodyParser('json', { limit: options.jsonLimitBytes, type: ['application/json'] });
  app.useBodyParser('text', { limit: options.jsonLimitBytes, type: ['text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl'] });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  options.configure?.(app);
  assertEveryRouteDeclaresAccess(app);
  return app;
}

function serveRawRoutes(server: Server, routes: ReadonlyArray<{ path: string; handler: RawHandler }>, context: ReturnType<typeof rawRequestContext>): void {
  const handlers = new Map(routes.map((route) => [route.path.toLowerCase(), { path: route.path, handler: route.handler }]));
  const [express] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    const route = req.method === 'POST' ? handlers.get(routePath(req.url ?? '')) : undefined;
    if (route) context(route.path, req, res, route.handler);
    else express(req, res);
  });
}

// Matched as Express matches by default: without the query, case-insensitively, with or without a trailing slash.
function routePath(url: string): string {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.toLowerCase();
}
