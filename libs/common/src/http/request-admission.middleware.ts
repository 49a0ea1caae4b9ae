import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { jsonNestingMessage, jsonNestingPastLimit } from '@assay/otlp';
import { bearerToken } from '../auth/api-key.guard.js';
import type { ApiKeyService } from '../auth/api-key.service.js';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { errorBodyOf } from '../errors/exception.filter.js';
import { isRefusal, type Admission } from './admission.js';
import { closeAfterResponse, hasBody, type BodyDeadlines } from './body-deadline.js';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

// Probes are never refused for load: a busy process must still say that it is alive.
const UNMETERED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
// Bodies on paths that authenticate otherwise share one bucket, so that they cannot take a key's share.
const ANONYMOUS = 'anonymous';

/**
 * Answers a request in the API's error format before its body is read. A retryable refusal lets the
 * body be read and dropped (within the read deadlines), so that the client sees the answer and its
 * Retry-After rather than a reset; any other ends the connection.
 */
export function answerEarly(req: Request, res: Response, error: DomainError, logger: Logger): void {
  if (error.retryAfterSeconds === undefined) closeAfterResponse(req, res);
  const body = errorBodyOf(error, (req as Request & { id?: string }).id, logger);
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(body.statusCode).json(body);
}

/** 413 from the declared length alone, without waiting for a byte of the body; then the read deadlines. */
export function bodyLimits(limitBytes: number, deadlines: BodyDeadlines, logger: Logger): Middleware {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      answerEarly(req, res, new DomainError(ErrorCode.PayloadTooLarge, `the request body (${declared} bytes) is larger than the limit of ${limitBytes} bytes`), logger);
      return;
    }
    deadlines.watch(req, res);
    next();
  };
}

/**
 * Authenticates the key before a body is read and admits the request against the key's share,
 * so that a key with many slow or large requests in flight is refused while others are served. A
 * body without a valid key is refused here, unread, except on paths that authenticate otherwise (the
 * console's session cookie), which share the bucket of requests without a key; the guard reuses the
 * principal found here.
 */
export function admitByKey(admission: Admission, keys: ApiKeyService, limitBytes: number, logger: Logger, authenticatedOtherwise: (path: string) => boolean = () => false): Middleware {
  return (req, res, next) => {
    // Only bodies are metered: a request without one holds no bytes, and a long one (an event stream) must not hold a share.
    if (UNMETERED_PATHS.has(req.path) || !hasBody(req)) {
      next();
      return;
    }
    void (async () => {
      const secret = bearerToken(req.headers.authorization);
      const principal = secret ? await keys.authenticate(secret) : null;
      if (!principal && !authenticatedOtherwise(req.path)) {
        const reason = secret ? 'unknown or revoked API key' : 'missing "Authorization: Bearer <key>" header';
        answerEarly(req, res, new DomainError(ErrorCode.Unauthenticated, reason), logger);
        return;
      }
      if (principal && !authenticatedOtherwise(req.path)) (req as Request & AuthenticatedRequest).principal = principal;
      const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      // A compressed or chunked body may grow to the limit before the parser stops it.
      const bytes = encoding !== 'identity' || req.headers['content-length'] === undefined ? limitBytes : Number(req.headers['content-length']);
      const outcome = admission.admit(principal?.keyId ?? ANONYMOUS, bytes);
      if (isRefusal(outcome)) {
        const code = outcome.status === 503 ? ErrorCode.Unavailable : ErrorCode.RateLimited;
        answerEarly(req, res, new DomainError(code, outcome.message, undefined, outcome.retryAfterSeconds), logger);
        return;
      }
      res.once('close', () => outcome.release());
      next();
    })().catch(next);
  };
}

/** body-parser's `verify`: refuses a JSON body nested past `maxDepth` before JSON.parse and the recursive readers after it. */
export function verifyJsonNesting(maxDepth: number): (req: unknown, res: unknown, body: Buffer) => void {
  return (_req, _res, body) => {
    if (jsonNestingPastLimit(body, maxDepth) !== -1) {
      throw Object.assign(new Error(jsonNestingMessage(maxDepth)), { status: 400, expose: true, type: 'entity.too.deep' });
    }
  };
}
