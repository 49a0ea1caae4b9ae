import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DynamicModule } from '@nestjs/common';
import type { RequestListener, Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeyService } from '../auth/api-key.service.js';
import { assertEveryRouteDeclaresAccess } from '../auth/route-audit.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { ApiExceptionFilter } from '../errors/exception.filter.js';
import { PinoNestLogger } from '../logging/logger.js';
import type { Runtime } from '../runtime.js';
import { Admission } from './admission.js';
import { BodyDeadlines } from './body-deadline.js';
import { admitByKey, answerEarly, bodyLimits, verifyJsonNesting } from './request-admission.middleware.js';
import { rawRequestContext, requestContext, type RawHandler } from './request-context.middleware.js';
import { TimedExpressAdapter } from './timed-express-adapter.js';

export const API_MEDIA_TYPES = ['application/json', 'text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl'];
const JSON_LINES_MEDIA_TYPES = ['application/x-ndjson', 'application/jsonl'];

export interface HttpAppOptions {
  name: 'api' | 'ingest' | 'worker';
  jsonLimitBytes: number;
  // Per-key fairness: requests are authenticated and admitted against their key's share before their body is read.
  admission?: { maxInFlight: number; authenticatedOtherwise?: (path: string) => boolean };
  // Requests with a body of another media type get 415 before any parsing.
  acceptedMediaTypes?: string[];
  // POST routes that read the request stream themselves, served by the HTTP server ahead of Express.
  rawRoutes?: Array<{ path: string; handler: RawHandler }>;
  configure?: (app: NestExpressApplication) => void;
}

export async function createHttpApp(module: DynamicModule, runtime: Runtime, options: HttpAppOptions): Promise<INestApplication> {
  const logger = runtime.logger.child({ app: options.name });
  const { http } = runtime.config;
  // Node's request timeout counts wall-clock time, so it is only a backstop for a loop that is never
  // idle (the body deadlines count idle time): loose enough not to cut legitimate uploads to a busy process.
  const adapter = new TimedExpressAdapter({ headersTimeoutMs: http.headersTimeoutMs, requestTimeoutMs: http.headersTimeoutMs + 4 * http.bodyTimeoutMs });
  const app = await NestFactory.create<NestExpressApplication>(module, adapter, {
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
  const deadlines = new BodyDeadlines({ idleMs: http.bodyIdleTimeoutMs, totalMs: http.bodyTimeoutMs }, (req, res, message) =>
    answerEarly(req as Request, res as Response, new DomainError(ErrorCode.RequestTimeout, message), logger),
  );
  app.use(bodyLimits(options.jsonLimitBytes, deadlines, logger));
  if (options.admission) {
    const admission = new Admission(options.name, runtime.bodyBudget, { maxInFlight: options.admission.maxInFlight, keySharePercent: http.keySharePercent });
    app.use(admitByKey(admission, app.get(ApiKeyService, { strict: false }), options.jsonLimitBytes, logger, options.admission.authenticatedOtherwise));
  }
  // Nest's types leave out `verify` (its rawBody option uses it), but pass it on to body-parser.
  const verify = { verify: verifyJsonNesting(http.jsonMaxDepth) } as object;
  app.useBodyParser('json', { limit: options.jsonLimitBytes, type: ['application/json'], ...verify });
  app.useBodyParser('text', { limit: options.jsonLimitBytes, type: JSON_LINES_MEDIA_TYPES, ...verify });
  app.useBodyParser('text', { limit: options.jsonLimitBytes, type: ['text/csv', 'text/plain'] });
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
