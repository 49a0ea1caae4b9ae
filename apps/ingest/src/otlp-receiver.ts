import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Admission, BodyDeadlines, closeAfterResponse, isRefusal, bearerToken, type AdmissionTicket, type ApiKeyService, type BodyBudget, type BodyTimeouts, appMetrics } from '@assay/common';
import { Role } from '@assay/db';
import { OtlpError, encodeExportResponse, encodeLogsExportResponse, encodeMetricsExportResponse, encodeStatus, inflateBody, type OtlpFormat } from '@assay/otlp';
import type { IngestService } from './ingest.service.js';

const ingestMetrics = appMetrics('ingest');

const MEDIA_TYPES: Record<string, OtlpFormat> = { 'application/x-protobuf': 'protobuf', 'application/json': 'json' };
const AUTH_CACHE_MS = 1000;

// google.rpc.Code values
const GRPC = { invalidArgument: 3, deadlineExceeded: 4, permissionDenied: 7, resourceExhausted: 8, internal: 13, unavailable: 14, unauthenticated: 16 } as const;

const requests = ingestMetrics.counter('assay_ingest_requests_total', 'OTLP export requests, by HTTP status', ['status']);

/** The OTLP signal a route takes; each answers with its own Export…ServiceResponse. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface ReceiverOptions {
  maxBodyBytes: number;
  maxInFlight: number;
  keySharePercent: number;
  budget: BodyBudget;
  timeouts: BodyTimeouts;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface Sender {
  keyId: string;
  projectId: string | null;
  role: Role;
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
  // Key → principal for at most AUTH_CACHE_MS, so that a revoked key stops working within a second.
  private readonly authCache = new Map<string, { at: number; sender: Sender | null }>();
  private readonly admission: Admission;
  private readonly deadlines: BodyDeadlines;

  constructor(
    private readonly ingest: IngestService,
    private readonly keys: ApiKeyService,
    private readonly logger: Logger,
    private readonly options: ReceiverOptions,
  ) {
    this.admission = new Admission('ingest', options.budget, { maxInFlight: options.maxInFlight, keySharePercent: options.keySharePercent });
    this.deadlines = new BodyDeadlines(options.timeouts, (req, res, message) => this.refuse(req, res, formatOf(req), new Refusal(408, GRPC.deadlineExceeded, message)));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'traces');
  };

  readonly handleLogs = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'logs');
  };

  readonly handleMetrics = (req: IncomingMessage, res: ServerResponse): void => {
    void this.serve(req, res, 'metrics');
  };

  /**
   * The sender is known before a byte of the body is read, and the request is admitted against its
   * key's share: one key's slow or large exports cannot take the slots and bytes other keys need.
   */
  private async serve(req: IncomingMessage, res: ServerResponse, signal: OtlpSignal): Promise<void> {
    const mediaType = mediaTypeOf(req);
    const format = formatOf(req);
    this.deadlines.watch(req, res);
    let ticket: AdmissionTicket | null = null;
    try {
      if (req.method !== 'POST') throw new Refusal(405, GRPC.invalidArgument, 'use POST');
      if (!(mediaType in MEDIA_TYPES)) {
        throw new Refusal(415, GRPC.invalidArgument, `content type "${mediaType || '(none)'}" is not OTLP; use application/x-protobuf or application/json`);
      }
      const sender = await this.authenticate(req.headers.authorization, signal);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.options.maxBodyBytes) throw new Refusal(413, GRPC.resourceExhausted, `body larger than ${this.options.maxBodyBytes} bytes`);
      const admitted = this.admission.admit(sender.keyId, declared);
      if (isRefusal(admitted)) throw new Refusal(admitted.status, admitted.status === 503 ? GRPC.unavailable : GRPC.resourceExhausted, admitted.message, admitted.retryAfterSeconds);
      ticket = admitted;
      // Answered (a 408 or a refusal) is done: the share is free before a late body stops arriving.
      res.once('close', () => admitted.release());
      const body = this.inflate(await this.readBody(req, ticket), req.headers['content-encoding'], ticket);
      answer(res, 200, mediaType, await this.accept(signal, sender.projectId!, body, format));
      requests.inc({ status: '200' });
    } catch (error) {
      this.refuse(req, res, format, this.refusalOf(error));
    } finally {
      ticket?.release();
    }
  }

  // A compressed body inflates into the room its ticket has left; past the room (not the limit) it is retryable.
  private inflate(raw: Buffer, contentEncoding: string | undefined, ticket: AdmissionTicket): Buffer {
    const encoding = (contentEncoding ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity') return inflateBody(raw, contentEncoding, this.options.maxBodyBytes);
    const room = ticket.room;
    const limit = Math.min(this.options.maxBodyBytes, room);
    try {
      const body = inflateBody(raw, contentEncoding, limit);
      const refusal = ticket.hold(body.length);
      if (refusal) throw new Refusal(refusal.status, GRPC.unavailable, refusal.message, refusal.retryAfterSeconds);
      return body;
    } catch (error) {
      if (error instanceof OtlpError && error.kind === 'too_large' && limit < this.options.maxBodyBytes) {
        throw new Refusal(503, GRPC.unavailable, `the server holds as many request bytes as it may (${this.options.budget.bytes}); retry later`, 1);
      }
      throw error;
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

  private async authenticate(header: string | undefined, signal: OtlpSignal): Promise<Sender> {
    const secret = bearerToken(header);
    if (!secret) throw new Refusal(401, GRPC.unauthenticated, 'missing "Authorization: Bearer <key>" header');
    const now = Date.now();
    let cached = this.authCache.get(secret) ?? null;
    if (!cached || now - cached.at >= AUTH_CACHE_MS) {
      const principal = await this.keys.authenticate(secret);
      cached = principal ? { at: now, sender: { keyId: principal.keyId, projectId: principal.projectId, role: principal.role } } : null;
      if (this.authCache.size > 10_000) this.authCache.clear();
      if (cached) this.authCache.set(secret, cached);
    }
    if (!cached?.sender) throw new Refusal(401, GRPC.unauthenticated, 'unknown or revoked API key');
    const { sender } = cached;
    if (sender.role !== Role.Ingest || sender.projectId === null) {
      throw new Refusal(403, GRPC.permissionDenied, `sending ${signal} needs an ingest key; the key has "${sender.role}"`);
    }
    return sender;
  }

  // Bytes past the declared length (a chunked body) are held as they arrive.
  private readBody(req: IncomingMessage, ticket: AdmissionTicket): Promise<Buffer> {
    const limit = this.options.maxBodyBytes;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const stop = (refusal: Refusal): void => {
        req.removeAllListeners('data');
        req.resume();
        reject(refusal);
      };
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          stop(new Refusal(413, GRPC.resourceExhausted, `body larger than ${limit} bytes`));
          return;
        }
        const refusal = size > ticket.heldBytes ? ticket.hold(size - ticket.heldBytes) : null;
        if (refusal) {
          stop(new Refusal(refusal.status, refusal.status === 503 ? GRPC.unavailable : GRPC.resourceExhausted, refusal.message, refusal.retryAfterSeconds));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
      req.on('error', reject);
      req.on('close', () => {
        if (!req.complete) reject(new Refusal(408, GRPC.deadlineExceeded, 'the request body ended before its last byte'));
      });
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
    if (isUnavailable(error)) return new Refusal(503, GRPC.unavailable, 'storage is unavailable; retry later', 1);
    this.logger.error({ err: error }, 'OTLP export failed');
    return new Refusal(500, GRPC.internal, 'internal error');
  }

  private refuse(req: IncomingMessage, res: ServerResponse, format: OtlpFormat, refusal: Refusal): void {
    // A body that fails after its 408 was sent is the same request, counted once.
    if (res.headersSent) return;
    requests.inc({ status: String(refusal.status) });
    if (refusal.status >= 500 && refusal.status !== 503) this.logger.warn({ status: refusal.status }, refusal.message);
    if (refusal.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    // A retryable refusal lets the rest of the body be read and dropped (within the read deadlines), so
    // that the exporter reads the answer and its Retry-After instead of a reset; other refusals end the connection.
    if (refusal.retryAfterSeconds === undefined) closeAfterResponse(req, res);
    answer(res, refusal.status, format === 'protobuf' ? 'application/x-protobuf' : 'application/json', encodeStatus(format, { code: refusal.grpcCode, message: refusal.message }));
  }
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function formatOf(req: IncomingMessage): OtlpFormat {
  return MEDIA_TYPES[mediaTypeOf(req)] ?? 'json';
}

function answer(res: ServerResponse, status: number, mediaType: string, body: Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
