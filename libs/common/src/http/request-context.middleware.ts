import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { appMetrics, type MetricsApp } from '../health/metrics.js';
import { tracer } from '../telemetry/tracing.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function requestContext(app: MetricsApp, logger: Logger): Array<(req: Request, res: Response, next: NextFunction) => void> {
  const log = pinoHttp({
    logger: logger.child({ app }),
    genReqId: requestIdOf,
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
    customLogLevel: (_req, res, error) => logLevelOf(res.statusCode, error),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });

  const securityHeaders = (req: Request, res: Response, next: NextFunction): void => {
    setSecurityHeaders(res, req.path);
    next();
  };

  const observe = (req: Request, res: Response, next: NextFunction): void => {
    observeRequest(app, req.method, req.path, res, () => (req.route as { path?: string } | undefined)?.path ?? 'unmatched');
    next();
  };

  return [log as unknown as (req: Request, res: Response, next: NextFunction) => void, securityHeaders, observe];
}

/**
 * What the middlewares above give an Express route, for a route served straight from the HTTP
 * server (the OTLP receiver: hundreds of requests a second, where Express's router and pino-http's
 * per-request child logger were a measurable share of the event loop): request id, security
 * headers, metrics, a server span, and the same access log line.
 */
export function rawRequestContext(app: MetricsApp, logger: Logger): (route: string, req: IncomingMessage, res: ServerResponse, handler: RawHandler) => void {
  const log = logger.child({ app });
  return (route, req, res, handler) => {
    const started = Date.now();
    const id = requestIdOf(req, res);
    setSecurityHeaders(res, route);
    observeRequest(app, req.method ?? '', route, res, () => route);
    res.once('finish', () => {
      const level = logLevelOf(res.statusCode, undefined);
      if (!log.isLevelEnabled(level)) return;
      log[level]({ req: { id, method: req.method, url: route }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started }, 'request completed');
    });
    handler(req, res);
  };
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function logLevelOf(status: number, error: unknown): 'error' | 'warn' | 'info' {
  return error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

function setSecurityHeaders(res: ServerResponse, path: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (!path.startsWith('/docs') && !path.startsWith('/v1/reports')) {
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  }
  res.removeHeader('X-Powered-By');
}

function observeRequest(app: MetricsApp, method: string, path: string, res: ServerResponse, routeOf: () => string): void {
  const duration = appMetrics(app).httpRequestDuration;
  const start = process.hrtime.bigint();
  const span = tracer.startSpan(`${method} ${path}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'url.path': path, 'assay.app': app },
  });
  res.once('finish', () => {
    const route = routeOf();
    duration.observe({ app, method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - start) / 1e9);
    span.setAttribute('http.response.status_code', res.statusCode);
    span.setAttribute('http.route', route);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
