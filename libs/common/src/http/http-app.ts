import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DynamicModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { assertEveryRouteDeclaresAccess } from '../auth/route-audit.js';
import { ApiExceptionFilter } from '../errors/exception.filter.js';
import { PinoNestLogger } from '../logging/logger.js';
import type { Runtime } from '../runtime.js';
import { requestContext } from './request-context.middleware.js';

export const API_MEDIA_TYPES = ['application/json', 'text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl'];

export interface HttpAppOptions {
  name: 'api' | 'ingest' | 'worker';
  jsonLimitBytes: number;
  // Requests with a body of another media type get 415 before any parsing.
  acceptedMediaTypes?: string[];
  // Routes that read the request stream themselves, mounted ahead of the media-type check and the parsers.
  rawRoutes?: Array<{ path: string; handler: (req: Request, res: Response) => void }>;
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
  for (const route of options.rawRoutes ?? []) app.getHttpAdapter().getInstance().post(route.path, route.handler);
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
