import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiKeyService, bearerToken, counter } from '@assay/common';
import { Role } from '@assay/db';
import { OtlpError, encodeExportResponse, encodeLogsExportResponse, encodeMetricsExportResponse, encodeStatus, inflateBody, type OtlpFormat } from '@assay/otlp';
import type { IngestService } from './ingest.service.js';

const MEDIA_TYPES: Record<string, OtlpFormat> = { 'application/x-protobuf': 'protobuf', 'application/json': 'json' };
const RETRY_AFTER_SECONDS = 1;
const AUTH_CACHE_MS = 1000;

// google.rpc.Code values
const GRPC = { invalidArgument: 3, permissionDenied: 7, resourceExhausted: 8, internal: 13, unavailable: 14, unauthenticated: 16 } as const;

const requests = counter('assay_ingest_requests_total', 'OTLP export requests, by HTTP status', ['status']);

/** The OTLP signal a route takes; each answers with its own Export…ServiceResponse. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface ReceiverOptions {
  maxBodyBytes: number;
  maxInFlight: number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
    readonly retryAfter = false,
  ) {
    super(message);
  }
}

/** True for errors that mean PostgreSQL cannot be reached or cannot take work now (retryable). */
export function isUnavailable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^(08|53|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))) {
    return true;
  }
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(message);
}

/**
 * `POST /v1/traces`, mounted ahead of the body parsers: it reads the raw stream itself (bounded),
 * answers in the request's content type and never lets a body reach Nest's JSON parser.
 */
export class OtlpReceiver {
  private inFlight = 0;
  // Key → principal for at most AUTH_CACHE_MS, so that a revoked key stops working within a second.
  private readonly authCache = new Map<string, { at: number; projectId: string | null; role: Role }>();

  constructor(
    private readonly ingest: IngestService,
    private readonly keys: ApiKeyService,
    private readonly logger: Logger,
    private readonly options: ReceiverOptions,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'traces');
  };

  readonly handleLogs = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'logs');
  };

  readonly handleMetrics = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'metrics');
  };

  private async serve(req: IncomingMessage, res: ServerResponse, signal: OtlpSignal): Promise<void> {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const format: OtlpFormat = MEDIA_TYPES[mediaType] ?? 'json';
    if (this.inFlight >= this.options.maxInFlight) {
      this.refuse(req, res, format, new Refusal(429, GRPC.resourceExhausted, 'too many export requests in flight; retry later', true));
      return;
    }
    this.inFlight++;
    try {
      if (req.method !== 'POST') throw new Refusal(405, GRPC.invalidArgument, 'use POST');
      if (!(mediaType in MEDIA_TYPES)) {
        throw new Refusal(415, GRPC.invalidArgument, `content type "${mediaType || '(none)'}" is not OTLP; use application/x-protobuf or application/json`);
      }
      const projectId = await this.authenticate(req.headers.authorization, signal);
      const raw = await this.readBody(req);
      const body = inflateBody(raw, req.headers['content-encoding'], this.options.maxBodyBytes);
      answer(res, 200, mediaType, await this.accept(signal, projectId, body, format));
      requests.inc({ status: '200' });
    } catch (error) {
      this.refuse(req, res, format, this.refusalOf(error));
    } finally {
      this.inFlight--;
    }
  }

  private async accept(signal: OtlpSignal, projectId: string, body: Buffer, format: OtlpFormat): Promise<Buffer> {
    if (signal === 'logs') return encodeLogsExportResponse(format, (await this.ingest.ingestLogs(projectId, body, format)).partialSuccess);
    if (signal === 'metrics') return encodeMetricsExportResponse(format, (await this.ingest.ingestMetrics(projectId, body, format)).partialSuccess);
    const outcome = await this.ingest.ingest(projectId, body, format);
    const refused = outcome.partialSuccess;
    if (refused !== undefined && refused.rejectedSpans > 0) {
      this.logger.info({ projectId, rejectedSpans: refused.rejectedSpans, firstReason: outcome.firstRejectReason }, 'OTLP export: spans refused');
    }
    return encodeExportResponse(format, refused);
  }

  private async authenticate(header: string | undefined, signal: OtlpSignal): Promise<string> {
    const secret = bearerToken(header);
    if (!secret) throw new Refusal(401, GRPC.unauthenticated, 'missing "Authorization: Bearer <key>" header');
    const now = Date.now();
    let cached = this.authCache.get(secret) ?? null;
    if (!cached || now - cached.at >= AUTH_CACHE_MS) {
      const principal = await this.keys.authenticate(secret);
      cached = principal ? { at: now, projectId: principal.projectId, role: principal.role } : null;
      if (this.authCache.size > 10_000) this.authCache.clear();
      if (cached) this.authCache.set(secret, cached);
    }
    if (!cached) throw new Refusal(401, GRPC.unauthenticated, 'unknown or revoked API key');
    if (cached.role !== Role.Ingest || cached.projectId === null) {
      throw new Refusal(403, GRPC.permissionDenied, `sending ${signal} needs an ingest key; the key has "${cached.role}"`);
    }
    return cached.projectId;
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const limit = this.options.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      req.resume();
      return Promise.reject(new Refusal(413, GRPC.resourceExhausted, `body larger than ${limit} bytes`));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.resume();
          reject(new Refusal(413, GRPC.resourceExhausted, `body larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
      req.on('error', reject);
    });
  }

  private refusalOf(error: unknown): Refusal {
    if (error instanceof Refusal) return error;
    if (error instanceof OtlpError) {
      switch (error.kind) {
        case 'bad_request':
          return new Refusal(400, GRPC.invalidArgument, error.message);
        case 'too_large':
          return new Refusal(413, GRPC.resourceExhausted, error.message);
        case 'unsupported_encoding':
          return new Refusal(415, GRPC.invalidArgument, error.message);
      }
    }
    if (isUnavailable(error)) return new Refusal(503, GRPC.unavailable, 'storage is unavailable; retry later', true);
    this.logger.error({ err: error }, 'OTLP export failed');
    return new Refusal(500, GRPC.internal, 'internal error');
  }

  private refuse(req: IncomingMessage, res: ServerResponse, format: OtlpFormat, refusal: Refusal): void {
    requests.inc({ status: String(refusal.status) });
    if (refusal.status >= 500 && refusal.status !== 503) this.logger.warn({ status: refusal.status }, refusal.message);
    if (res.headersSent) return;
    if (refusal.retryAfter) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    // A refused body may still be arriving; the connection is not reused for it.
    if (!req.complete) res.setHeader('Connection', 'close');
    answer(res, refusal.status, format === 'protobuf' ? 'application/x-protobuf' : 'application/json', encodeStatus(format, { code: refusal.grpcCode, message: refusal.message }));
  }
}

function answer(res: ServerResponse, status: number, mediaType: string, body: Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
