import { randomUUID } from 'node:crypto';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { QueueUnavailableError } from '@assay/queue';
import { DomainError, httpStatusOf } from './domain-error.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  requestId?: string;
  errorId?: string;
  details?: Record<string, unknown>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

// Postgres errors that mean the input was wrong rather than the server (bad text encoding, out of range, ...).
const CLIENT_SQLSTATES = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05', '23502', '23514']);
const UNAVAILABLE_SQLSTATES = /^(08|53|57P0)/;

export function errorBodyOf(error: unknown, requestId: string | undefined, logger: Logger): ErrorBody {
  if (error instanceof DomainError) {
    const statusCode = httpStatusOf(error.code);
    return { statusCode, error: REASONS[statusCode] ?? 'Error', message: error.message, requestId, details: error.details };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : error.message;
    return { statusCode, error: REASONS[statusCode] ?? 'Error', message, requestId };
  }
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean; message?: string };
  if (typeof bodyParserError?.status === 'number' && bodyParserError.expose) {
    const statusCode = bodyParserError.status;
    return { statusCode, error: REASONS[statusCode] ?? 'Error', message: bodyParserError.message ?? 'bad request', requestId };
  }
  if (error instanceof QueueUnavailableError) {
    return { statusCode: 503, error: REASONS[503], message: 'the job queue is unavailable; retry later', requestId };
  }
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: string }).code ?? '';
    if (CLIENT_SQLSTATES.has(code)) {
      return { statusCode: 400, error: REASONS[400], message: `invalid value: ${(error.driverError as Error).message}`, requestId };
    }
    if (UNAVAILABLE_SQLSTATES.test(code)) {
      return { statusCode: 503, error: REASONS[503], message: 'the database is unavailable; retry later', requestId };
    }
  }
  const errorId = randomUUID();
  logger.error({ err: error, errorId, requestId }, 'unexpected error');
  return { statusCode: 500, error: REASONS[500], message: 'internal error', requestId, errorId };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = errorBodyOf(error, request?.id ? String(request.id) : undefined, this.logger);
    if (error instanceof DomainError && error.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    } else if (body.statusCode === 503) {
      response.setHeader('Retry-After', '5');
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }
}
